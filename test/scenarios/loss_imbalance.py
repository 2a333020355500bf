"""loss_imbalance: a two-part detection loss where the box term dominates by orders of magnitude.

A toy detector on sklearn's digits (shared trunk, classification head + box head); the box
targets are left in raw pixels of a 256x256 canvas and regressed with a plain MSE, so
``loss_box`` is ~3e4 at the start and still ~3e2 at the end while ``loss_cls`` stays at ~2.4.
The total ``loss = loss_cls + loss_box`` is the box loss in all but name: the box gradients
own the shared trunk and the classification head never learns. See healthy_multitask_balanced for the fixed version.

Format: text every 10 steps (mean of the 10 steps):
``step N: loss X loss_cls Y loss_box Z lr 0.001``.
"""

from _common import finish
from _multitask import run

args, log = run(__doc__, balanced=False)
recs = log.records
ratios = sorted(r['loss_box'] / r['loss_cls'] for r in recs)
share = sorted(r['loss_box'] / r['loss'] for r in recs)
finish(
    args,
    log,
    'loss_imbalance',
    'text',
    expected=[{'kind': 'loss-imbalance', 'series': 'loss_box', 'role': 'loss_part'}],
    forbidden=['non-finite', 'divergence', 'oscillation', 'overfitting', 'gradient-explosion', 'vanishing-gradient'],
    notes=(
        f'loss_box / loss_cls: median {ratios[len(ratios) // 2]:.3g}, min {ratios[0]:.3g}, max {ratios[-1]:.3g}; '
        f'loss_box is at least {share[0]:.1%} of the total at every logged step. loss_box {recs[0]["loss_box"]:.4g} '
        f'-> {recs[-1]["loss_box"]:.4g}, loss_cls {recs[0]["loss_cls"]:.4g} -> {recs[-1]["loss_cls"]:.4g}: the '
        'classification head never learns (no-learning / plateau on loss_cls is a true secondary finding: allowed).'
    ),
    facts={'ratioMedian': round(ratios[len(ratios) // 2], 2), 'ratioMin': round(ratios[0], 2),
           'ratioMax': round(ratios[-1], 2), 'minShareOfTotal': round(share[0], 5), 'parts': ['loss_cls', 'loss_box'],
           'total': 'loss'},
)
