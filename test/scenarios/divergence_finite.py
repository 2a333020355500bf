"""divergence_finite: the loss falls, then rises far above its best and never comes back (finite).

A small MLP on sklearn's digits with Adam, lr 1e-3 and an ExponentialLR scheduler whose gamma
was mistyped as 1.015 instead of 0.985: the learning rate *grows* 1.5% a step (1e-3 -> ~1.7
over 500 steps). The loss falls to ~0.02 while the LR is sane, then climbs to tens and
hundreds once the LR passes ~0.05, and stays there. Cross-entropy with Adam stays finite:
no NaN, no inf.

Format: JSON lines ``{"step": N, "loss": X, "lr": Y, "grad_norm": Z}`` every 2 steps.
"""

import math

import torch

from _common import Log, argmin_first, batches, digits, ema, finish, first_nonfinite, grad_norm, jnum, json_line, mlp, setup

args = setup(__doc__, steps=500)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=1.015)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

step = 0
while step < args.steps:
    for idx in batches(len(Xt), 32, gen):
        step += 1
        lr = opt.param_groups[0]['lr']
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        gn = grad_norm(model)
        opt.step()
        sched.step()
        if step % 2 == 0:
            rec = {'step': step, 'loss': jnum(float(loss)), 'lr': jnum(lr), 'grad_norm': jnum(gn)}
            log.line(json_line(rec), rec)
        if step >= args.steps:
            break

steps = [r['step'] for r in log.records]
vals = [r['loss'] for r in log.records]
sm = ema(vals, 0.9)
i_best = min(range(len(sm)), key=lambda i: sm[i])
best = sm[i_best]
# first point after the best from which the smoothed loss stays above 3x the best
i_on = next(i for i in range(i_best, len(sm)) if all(v > 3 * best for v in sm[i:]))
raw_best = argmin_first(log.records, 'loss')
assert first_nonfinite(log.records, 'loss') is None
onset = steps[i_on]
finish(
    args,
    log,
    'divergence_finite',
    'jsonl',
    expected=[{'kind': 'divergence', 'series': 'loss', 'onset': onset, 'onsetTolerance': onset - steps[i_best],
               'onsetLine': log.records[i_on]['_line']}],
    forbidden=['non-finite', 'overfitting', 'underfitting', 'vanishing-gradient', 'no-learning', 'plateau',
               'loss-imbalance'],
    notes=(
        f'Adam + ExponentialLR(gamma=1.015): the LR grows every step. Smoothed loss (EMA 0.9) is best at step '
        f'{steps[i_best]} ({best:.4f}) and stays above 3x that from step {onset}; it ends at {sm[-1]:.1f} '
        f'(max raw {max(vals):.1f}). All values finite. Onset tolerance spans back to the smoothed minimum. '
        'gradient-explosion / oscillation may also be raised (the grad norm grows too): allowed.'
    ),
    facts={
        'smoothedBestStep': steps[i_best],
        'smoothedBest': round(best, 6),
        'riseAbove3xBestStep': onset,
        'rawMinStep': raw_best['step'],
        'finalSmoothed': round(sm[-1], 4),
        'maxLoss': max(vals),
    },
)
