"""lr_range_test: a learning-rate range test (the seed's find_optimal_lr), LR 1e-7 -> 10.

An MLP (64-128-10) on sklearn's digits, Adam, batch 32; the learning rate starts at 1e-7 and
is multiplied by a constant factor every step so that it would reach 10 after 300 steps
(the seed's ``lr_multiplier = (end_lr / start_lr) ** (1 / num_steps)``). Like the seed, the test
stops once the loss exceeds 4x the lowest loss seen, but on the smoothed loss (as
pytorch-lr-finder does), because one noisy minibatch would stop the raw check too early. The
loss is flat while the LR is tiny, falls steeply in the useful range, then blows up.

The reference suggestion is the LR at the steepest descent of the smoothed loss, computed by
this script the way pytorch-lr-finder does it: bias-corrected EMA (beta 0.98) of the losses,
skip the first 10 and last 5 points, argmin of the gradient (w.r.t. the step index, which is
log-LR here).

Format: CSV ``step,lr,loss``, one row per step.
"""

import math

import numpy as np
import torch

from _common import Log, PROBLEM_KINDS, batches, digits, ema, finish, mlp, setup, sig

args = setup(__doc__, steps=300)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
start_lr, end_lr = 1e-7, 10.0
mult = (end_lr / start_lr) ** (1 / args.steps)
opt = torch.optim.Adam(model.parameters(), lr=start_lr)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

log.line('step,lr,loss')
step, best, stopped, avg = 0, math.inf, False, 0.0
while step < args.steps and not stopped:
    for idx in batches(len(Xt), 32, gen):
        lr = start_lr * mult ** step
        opt.param_groups[0]['lr'] = lr
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        ls, lv = sig(float(loss), 6)
        lrs, lrv = sig(lr, 6)
        log.line(f'{step},{lrs},{ls}', {'step': step, 'lr': lrv, 'loss': lv})
        avg = 0.98 * avg + 0.02 * lv
        smooth = avg / (1 - 0.98 ** (step + 1))
        best = min(best, smooth)
        step += 1
        if smooth > 4 * best or step >= args.steps:
            stopped = smooth > 4 * best
            break

lrs = [r['lr'] for r in log.records]
losses = [r['loss'] for r in log.records]
sm = ema(losses, 0.98)
skip_start, skip_end = 10, 5
seg = np.array(sm[skip_start:len(sm) - skip_end])
i_steep = skip_start + int(np.gradient(seg).argmin())
i_min = int(np.argmin(sm))
steep_lr = lrs[i_steep]
min_lr = lrs[i_min]
finish(
    args,
    log,
    'lr_range_test',
    'csv',
    expected=[{'kind': 'lr-suggestion', 'series': 'loss', 'role': 'train_loss', 'lr': steep_lr,
               'lrRange': [round(min(steep_lr, min_lr / 10) / 3, 10), round(min_lr, 10)]}],
    forbidden=list(PROBLEM_KINDS),
    notes=(
        f'LR {lrs[0]:.1e} -> {lrs[-1]:.3g} over {len(lrs)} steps (stopped early, smoothed loss > 4x its min: {stopped}). '
        f'Steepest descent of the smoothed loss at step {log.records[i_steep]["step"]}, lr {steep_lr:.3g} (the '
        f'reference suggestion); smoothed minimum at step {log.records[i_min]["step"]}, lr {min_lr:.3g} '
        f'(fastai-style min/10 = {min_lr / 10:.3g}). Any suggestion inside lrRange is acceptable. The rise at the '
        'end and the flat start are part of the test, not divergence or plateau.'
    ),
    facts={'steepestLr': steep_lr, 'steepestStep': log.records[i_steep]['step'], 'minSmoothedLr': min_lr,
           'minSmoothedStep': log.records[i_min]['step'], 'lastLr': lrs[-1], 'stoppedEarly': stopped,
           'startLr': start_lr, 'endLr': end_lr, 'plannedSteps': args.steps, 'emaBeta': 0.98,
           'skipStart': skip_start, 'skipEnd': skip_end},
)
