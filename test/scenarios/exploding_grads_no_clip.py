"""exploding_grads_no_clip: the gradient norm grows by orders of magnitude (no clipping).

Degree-2 polynomial regression on sklearn's diabetes data, SGD at lr 0.041 (12% above the
stability limit), no gradient clipping: the gradient norm climbs from ~10 to ~1e5 over 300 steps
in bursts, and the loss with it (from ~1 to ~1e8). Everything stays finite in this run. Compare
exploding_grads_clipped, the same run with clip_grad_norm_(1.0).

Format: per-step text lines ``step N: loss X lr Y grad_norm Z`` (grad_norm before clipping).
"""

import math

from _common import finish, first_nonfinite
from _poly_regression import run

args, log, limit = run(__doc__, clip=None)
g = [r['grad_norm'] for r in log.records]
L = [r['loss'] for r in log.records]
assert first_nonfinite(log.records, 'loss') is None and first_nonfinite(log.records, 'grad_norm') is None
typical = sorted(g[:10])[5]  # the first 10 steps, before the instability builds up
med_last = sorted(g[-30:])[15]
x10 = next(r for r in log.records if r['grad_norm'] > 10 * typical)
x100 = next(r for r in log.records if r['grad_norm'] > 100 * typical)
x1000 = next(r for r in log.records if r['grad_norm'] > 1000 * typical)
finish(
    args,
    log,
    'exploding_grads_no_clip',
    'text',
    expected=[{'kind': 'gradient-explosion', 'series': 'grad_norm', 'role': 'grad_norm', 'onset': x10['step'],
               'onsetTolerance': x100['step'] - x10['step'], 'onsetLine': x10['_line']}],
    forbidden=['non-finite', 'overfitting', 'underfitting', 'vanishing-gradient', 'no-learning', 'plateau',
               'loss-imbalance'],
    notes=(
        f'SGD lr 0.041 vs stability limit {limit:.4f}, no clipping. grad_norm median {typical:.3g} over the first '
        f'10 steps, {med_last:.3g} over the last 30 (max {max(g):.3g}). Bursts that grow each time: it first exceeds '
        f'10x the early level at step {x10["step"]}, 100x at step {x100["step"]}, 1000x at step {x1000["step"]}. '
        'The onset window spans the 10x..100x crossings. '
        f'Loss {L[0]:.3g} -> max {max(L):.3g}, all finite. divergence, loss-spike and oscillation describe the loss '
        'too: allowed.'
    ),
    facts={'gradMedianFirst10': typical, 'gradMedianLast30': med_last, 'gradMax': max(g),
           'ordersOfMagnitude': round(math.log10(med_last / typical), 2), 'first10xStep': x10['step'],
           'first100xStep': x100['step'], 'first1000xStep': x1000['step'],
           'lossMax': max(L), 'stableLrLimit': round(limit, 5)},
)
