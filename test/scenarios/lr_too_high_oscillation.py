"""lr_too_high_oscillation: Adam at lr 0.1 (100x too high): the loss bounces hard and goes nowhere.

A small MLP on sklearn's digits, Adam at lr 0.1 (meant 1e-3), batch 32, 30 epochs. The
epoch-mean training loss bounces between ~0.35 and ~3.8 from one epoch to the next (a sane run
is at ~0.01 by then) and makes no net progress over the run: epoch averages remove minibatch
noise, so these bounces are the optimiser overshooting. The validation loss bounces well above
where a sane run would be (~0.1). No NaN (Adam's step is bounded by the LR).

Format: Lightning-style CSV ``step,epoch,train_loss,val_loss,lr`` with sparse rows: at the end
of each epoch a train row (epoch mean, as ``self.log(..., on_epoch=True)`` records it) and a
validation row with only ``val_loss`` filled in.
"""

import math

import numpy as np
import torch

from _common import Log, all_problems_but, batches, digits, evaluate, finish, first_nonfinite, mlp, setup, sig

args = setup(__doc__, epochs=30)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
lr = 0.1
opt = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

log.line('step,epoch,train_loss,val_loss,lr')
step = 0
for epoch in range(args.epochs):
    total, n = 0.0, 0
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        step += 1
        total, n = total + float(loss), n + 1
    s, v = sig(total / n, 6)
    log.line(f'{step},{epoch},{s},,{lr}', {'step': step, 'epoch': epoch, 'train_loss': v, 'lr': lr})
    vl, _ = evaluate(model, Xv, yv, loss_fn)
    s, v = sig(vl, 6)
    log.line(f'{step},{epoch},,{s},', {'step': step, 'epoch': epoch, 'val_loss': v})

tr = [r['train_loss'] for r in log.records if 'train_loss' in r]
va = [r['val_loss'] for r in log.records if 'val_loss' in r]
assert first_nonfinite(log.records, 'train_loss') is None
n = len(tr)
q = [float(np.median(tr[i * n // 4:(i + 1) * n // 4])) for i in range(4)]
rel_amp = [float(np.std(tr[i * n // 4:(i + 1) * n // 4]) / np.mean(tr[i * n // 4:(i + 1) * n // 4])) for i in range(4)]
diffs = [b - a for a, b in zip(tr, tr[1:])]
turns = sum(1 for a, b in zip(diffs, diffs[1:]) if a * b < 0)
big = sum(1 for a, b in zip(tr, tr[1:]) if max(a, b) / min(a, b) > 1.5)
finish(
    args,
    log,
    'lr_too_high_oscillation',
    'csv',
    expected=[{'kind': 'oscillation', 'series': 'train_loss', 'role': 'train_loss'}],
    forbidden=['non-finite', 'no-learning', 'vanishing-gradient', 'loss-imbalance', 'gradient-explosion'],
    forbidden_info=['lr-suggestion'],
    notes=(
        'Adam lr 0.1 on digits. Epoch-mean train loss, median per quarter of the run: '
        + ', '.join(f'{x:.3f}' for x in q)
        + '; std/mean per quarter: ' + ', '.join(f'{x:.2f}' for x in rel_amp)
        + f'; the epoch mean changes direction {turns} times in {len(tr) - 1} steps, {big} epoch-to-epoch changes are '
        f'by more than 1.5x. Val loss ranges {min(va):.2f}..{max(va):.2f} (a sane run reaches ~0.1). '
        'Divergence (val drifts up), plateau or underfitting may also be raised: allowed, not required.'
    ),
    facts={'trainMedianByQuarter': [round(x, 4) for x in q], 'trainRelStdByQuarter': [round(x, 3) for x in rel_amp],
           'directionChanges': turns, 'jumpsOver1_5x': big, 'valMin': min(va), 'valMax': max(va), 'trainMin': min(tr), 'trainMax': max(tr)},
)
