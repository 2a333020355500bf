"""nan_huge_lr: the loss goes to inf, then NaN, because the learning rate is far too high.

Linear regression on sklearn's diabetes data (one feature left 10x larger than the others, so
the curvature is large), plain SGD without gradient clipping, with a linear warmup to a peak
LR of 0.05: about 5x the stability limit 2/lambda_max ~= 0.0099. While the LR is small the loss
falls; once it crosses the limit, the stiff direction grows geometrically until the loss
overflows to inf and the weights become NaN. The script keeps logging for a few steps after the
first NaN loss, then stops, as a trainer with a NaN guard would.

Format: per-step text lines ``step N: loss X lr Y grad_norm Z``.
"""

import math

import numpy as np
import torch
from sklearn.datasets import load_diabetes

from _common import Log, all_problems_but, batches, finish, first_nonfinite, fixed, grad_norm, setup, sig

args = setup(__doc__, steps=400, extra=lambda p: p.add_argument('--after-nan', type=int, default=5))
log = Log(args.out)

X, y = load_diabetes(return_X_y=True)
X = (X - X.mean(0)) / X.std(0)
y = (y - y.mean()) / y.std()
X[:, 2] *= 10.0  # the 'bmi' column left unscaled: a stiff direction
lam_max = float(np.linalg.eigvalsh(2 * X.T @ X / len(X))[-1])
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32)[:, None]

model = torch.nn.Linear(10, 1)
peak_lr, warmup = 0.05, 300
opt = torch.optim.SGD(model.parameters(), lr=0.0)
loss_fn = torch.nn.MSELoss()
gen = torch.Generator().manual_seed(args.seed)

step, nan_since = 0, None
done = False
while not done:
    for idx in batches(len(X), 32, gen):
        step += 1
        lr = peak_lr * min(1.0, step / warmup)
        for g in opt.param_groups:
            g['lr'] = lr
        opt.zero_grad()
        loss = loss_fn(model(X[idx]), y[idx])
        loss.backward()
        gn = grad_norm(model)
        opt.step()
        ls, lv = fixed(float(loss), 4)
        lrs, lrv = sig(lr, 4)
        gs, gv = sig(gn, 5)
        log.line(f'step {step}: loss {ls} lr {lrs} grad_norm {gs}', {'step': step, 'loss': lv, 'lr': lrv, 'grad_norm': gv})
        if math.isnan(lv) and nan_since is None:
            nan_since = step
        if (nan_since is not None and step >= nan_since + args.after_nan) or step >= args.steps:
            done = True
            break
if nan_since is not None:
    log.line(f'Loss is {ls} at step {step}, stopping training.')

bad = first_nonfinite(log.records, 'loss')
first_nan = next((r for r in log.records if math.isnan(r['loss'])), None)
gbad = first_nonfinite(log.records, 'grad_norm')
stable_limit = 2.0 / lam_max
cross = next(r['step'] for r in log.records if r['lr'] > stable_limit)
finish(
    args,
    log,
    'nan_huge_lr',
    'text',
    expected=[{'kind': 'non-finite', 'series': 'loss', 'role': 'train_loss', 'onset': bad['step'], 'onsetTolerance': 0, 'onsetLine': bad['line']}],
    forbidden=['overfitting', 'underfitting', 'vanishing-gradient', 'no-learning', 'loss-imbalance'],
    notes=(
        f'Linear regression, SGD without clipping, warmup to lr {peak_lr} (stability limit 2/lambda_max = '
        f'{stable_limit:.4f}, crossed at step {cross}). The loss falls, then grows geometrically, overflows to '
        f'inf at step {bad["step"]} and is NaN from step {first_nan["step"] if first_nan else None}. '
        'Divergence and gradient-explosion before the NaN are real too (allowed, not required).'
    ),
    facts={
        'firstNonFiniteStep': bad['step'],
        'firstNonFiniteLine': bad['line'],
        'firstNanStep': first_nan['step'] if first_nan else None,
        'firstNonFiniteGradNormStep': gbad['step'] if gbad else None,
        'stableLrLimit': round(stable_limit, 6),
        'lrCrossesLimitAtStep': cross,
    },
)
