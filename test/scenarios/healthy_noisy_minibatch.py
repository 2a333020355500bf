"""healthy_noisy_minibatch: per-step losses of a healthy run with small batches: noisy, not broken.

An MLP (64-128-10) on sklearn's digits, trained HF-Trainer style: AdamW lr 1e-3 with the
default linear decay to 0, gradient clipping at 1.0, batch size 8, logging every step
(logging_steps=1), 3 epochs. Each logged loss is a single 8-sample minibatch, so the curve
is very noisy (individual batches range from ~0 to well above the running mean), but the
trend is a clean, healthy descent. Nothing is wrong: no spike, oscillation, plateau or other
problem should be raised.

Format: Python dict lines as HF's Trainer prints them (no step; x axis is the epoch):
``{'loss': 0.2113, 'grad_norm': 1.93, 'learning_rate': 0.00099, 'epoch': 0.0127}`` and an eval
line per epoch ``{'eval_loss': 0.12, 'eval_accuracy': 0.96, 'epoch': 1.0}``.
"""

import math

import numpy as np
import torch

from _common import PROBLEM_KINDS, Log, batches, digits, evaluate, finish, mlp, setup

args = setup(__doc__, epochs=3)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
base_lr = 1e-3
opt = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=0.0)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)
bs = 8
steps_per_epoch = math.ceil(len(Xt) / bs)
total_steps = steps_per_epoch * args.epochs
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, (total_steps - s) / total_steps))

step = 0
for epoch in range(args.epochs):
    for i, idx in enumerate(batches(len(Xt), bs, gen)):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        gn = float(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0))
        opt.step()
        sched.step()
        step += 1
        d = {'loss': round(float(loss), 4), 'grad_norm': gn, 'learning_rate': sched.get_last_lr()[0],
             'epoch': epoch + (i + 1) / steps_per_epoch}
        log.line(str(d), dict(d, step=step))
    vl, va = evaluate(model, Xv, yv, loss_fn)
    d = {'eval_loss': vl, 'eval_accuracy': va, 'epoch': float(epoch + 1)}
    log.line(str(d), dict(d, step=step))

L = np.array([r['loss'] for r in log.records if 'loss' in r])
q = len(L) // 4
med = [float(np.median(L[i * q:(i + 1) * q])) for i in range(4)]
iqr = [float(np.subtract(*np.percentile(L[i * q:(i + 1) * q], [75, 25]))) for i in range(4)]
ev = [r['eval_loss'] for r in log.records if 'eval_loss' in r]
finish(
    args,
    log,
    'healthy_noisy_minibatch',
    'text',
    expected=[],
    forbidden=list(PROBLEM_KINDS),
    notes=(
        f'Hard negative. {len(L)} single-minibatch losses (batch 8). Median per quarter: '
        + ', '.join(f'{x:.3f}' for x in med) + '; IQR per quarter: ' + ', '.join(f'{x:.3f}' for x in iqr)
        + f'; max {L.max():.3f}, max in the last half {L[len(L) // 2:].max():.3f}. eval_loss per epoch: '
        + ', '.join(f'{x:.4f}' for x in ev) + '. not-converged (info) is acceptable.'
    ),
    facts={'points': int(len(L)), 'medianByQuarter': [round(x, 4) for x in med], 'iqrByQuarter': [round(x, 4) for x in iqr],
           'max': float(L.max()), 'evalLoss': ev, 'batchSize': bs},
    fmt_note='HF Trainer stdout dict lines (Python literals); detect as text, not jsonl.',
)
