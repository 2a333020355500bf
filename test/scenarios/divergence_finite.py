"""divergence_finite: the loss falls, then rises far above its best and keeps climbing (finite).

A small MLP on sklearn's digits trained with SGD, momentum 0.9, and a linear warmup to a
constant LR of 0.3: slightly too high. The run learns well at first (loss ~0.005), then, as
the weights grow and the sharpness passes the stability limit, the loss climbs steadily to
tens and never comes back. Everything stays finite: no NaN, no inf (it would overflow much
later).

Format: JSON lines ``{"step": N, "loss": X, "lr": Y, "grad_norm": Z}`` every 5 steps; ``loss``
is the mean over those 5 steps (as many loggers do), ``grad_norm`` that of the last step.
"""

import torch

from _common import Log, argmin_first, batches, digits, ema, finish, first_nonfinite, grad_norm, jnum, json_line, mlp, setup

args = setup(__doc__, steps=700)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
peak, warmup = 0.3, 300
opt = torch.optim.SGD(model.parameters(), lr=0.0, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

step, acc = 0, []
while step < args.steps:
    for idx in batches(len(Xt), 32, gen):
        step += 1
        lr = peak * min(1.0, step / warmup)
        for g in opt.param_groups:
            g['lr'] = lr
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        gn = grad_norm(model)
        opt.step()
        acc.append(float(loss))
        if step % 5 == 0:
            rec = {'step': step, 'loss': jnum(sum(acc) / len(acc)), 'lr': jnum(lr), 'grad_norm': jnum(gn)}
            acc = []
            log.line(json_line(rec), rec)
        if step >= args.steps:
            break

steps = [r['step'] for r in log.records]
vals = [r['loss'] for r in log.records]
sm = ema(vals, 0.9)
i_best = min(range(len(sm)), key=lambda i: sm[i])
best = sm[i_best]
# first point after the best from which the smoothed loss stays above 10x the best
i_on = next(i for i in range(i_best, len(sm)) if all(v > 10 * best for v in sm[i:]))
# ... and from which it stays above the loss of the first logged point (worse than at the start)
i_start = next(i for i in range(i_best, len(sm)) if all(v > vals[0] for v in sm[i:]))
raw_best = argmin_first(log.records, 'loss')
assert first_nonfinite(log.records, 'loss') is None
onset = steps[i_on]
finish(
    args,
    log,
    'divergence_finite',
    'jsonl',
    expected=[{'kind': 'divergence', 'series': 'loss', 'role': 'train_loss', 'onset': onset, 'onsetTolerance': max(onset - steps[i_best], steps[i_start] - onset),
               'onsetLine': log.records[i_on]['_line']}],
    forbidden=['non-finite', 'overfitting', 'underfitting', 'vanishing-gradient', 'no-learning', 'plateau',
               'loss-imbalance'],
    forbidden_info=['lr-suggestion'],
    notes=(
        f'SGD momentum 0.9 at lr {peak} (after a {warmup}-step warmup). Smoothed loss (EMA 0.9) is best at step '
        f'{steps[i_best]} ({best:.4f}) and stays above 10x that from step {onset}; the last logged loss is '
        f'{vals[-1]:.2f} (max {max(vals):.2f}); it stays above the first logged loss ({vals[0]:.3f}) from step '
        f'{steps[i_start]}. All values finite. The onset tolerance covers both the smoothed minimum and that crossing. '
        'gradient-explosion (the grad norm grows with the loss) may also be raised: allowed.'
    ),
    facts={
        'smoothedBestStep': steps[i_best],
        'smoothedBest': round(best, 6),
        'riseAbove10xBestStep': onset,
        'aboveFirstLossStep': steps[i_start],
        'rawMinStep': raw_best['step'],
        'lastLoss': vals[-1],
        'maxLoss': max(vals),
    },
)
