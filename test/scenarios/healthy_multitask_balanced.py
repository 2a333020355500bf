"""healthy_multitask_balanced: the same two-part detection loss, with the terms balanced.

The toy detector of loss_imbalance, but with box targets normalised to 0..1 and a smooth-L1
box loss scaled x10: ``loss_cls`` and ``loss_box`` stay within the same order of magnitude for
the whole run and both fall. Nothing is wrong: no loss-imbalance (nor anything else) should
be raised.

Format: text every 10 steps (mean of the 10 steps):
``step N: loss X loss_cls Y loss_box Z lr 0.001``.
"""

from _common import PROBLEM_KINDS, finish
from _multitask import run

args, log = run(__doc__, balanced=True)
recs = log.records
ratios = sorted(r['loss_box'] / r['loss_cls'] for r in recs)
finish(
    args,
    log,
    'healthy_multitask_balanced',
    'text',
    expected=[],
    forbidden=list(PROBLEM_KINDS),
    notes=(
        f'Hard negative. loss_box / loss_cls: median {ratios[len(ratios) // 2]:.3g}, range {ratios[0]:.3g}..'
        f'{ratios[-1]:.3g}. loss_box {recs[0]["loss_box"]:.4g} -> {recs[-1]["loss_box"]:.4g}, loss_cls '
        f'{recs[0]["loss_cls"]:.4g} -> {recs[-1]["loss_cls"]:.4g}. not-converged (info) is acceptable.'
    ),
    facts={'ratioMedian': round(ratios[len(ratios) // 2], 3), 'ratioMin': round(ratios[0], 3),
           'ratioMax': round(ratios[-1], 3), 'parts': ['loss_cls', 'loss_box'], 'total': 'loss'},
)
