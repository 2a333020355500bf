"""nan_bad_input: one corrupted sample (a NaN pixel) poisons the weights; every loss after is NaN.

A small MLP on sklearn's digits trains normally with Adam (lr 1e-3). At one step the batch
holds a sample whose features contain NaN (a corrupted record in the data pipeline). That
step's loss is NaN, the NaN gradient poisons the weights, and every later loss and gradient
norm is NaN too. Nothing diverges beforehand: the loss is healthy up to the bad batch.

Format: JSON lines ``{"step": N, "loss": X, "lr": Y, "grad_norm": Z}`` logged every 5 steps,
with Python's bare ``NaN``; a validation line ``{"step": N, "epoch": E, "val_loss": V}``
at the end of each epoch.
"""

import math

import torch

from _common import (Log, batches, digits, evaluate, finish, first_nonfinite, grad_norm, jnum, json_line, mlp,
                     setup)

args = setup(__doc__, steps=400, extra=lambda p: p.add_argument('--bad-step', type=int, default=233))
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

step, epoch = 0, 0
while step < args.steps:
    for idx in batches(len(Xt), 32, gen):
        step += 1
        xb = Xt[idx].clone()
        if step == args.bad_step:
            xb[3, 17] = float('nan')  # the corrupted record
        opt.zero_grad()
        loss = loss_fn(model(xb), yt[idx])
        loss.backward()
        gn = grad_norm(model)
        opt.step()
        if step % 5 == 0:
            rec = {'step': step, 'loss': jnum(float(loss)), 'lr': 1e-3, 'grad_norm': jnum(gn)}
            log.line(json_line(rec), rec)
        if step >= args.steps:
            break
    epoch += 1
    vl, va = evaluate(model, Xv, yv, loss_fn)
    rec = {'step': step, 'epoch': epoch, 'val_loss': jnum(vl), 'val_acc': jnum(va) if va is not None else None}
    log.line(json_line(rec), rec)

bad = first_nonfinite(log.records, 'loss')
vbad = first_nonfinite(log.records, 'val_loss')
finish(
    args,
    log,
    'nan_bad_input',
    'jsonl',
    expected=[{'kind': 'non-finite', 'series': 'loss', 'role': 'train_loss', 'onset': bad['step'], 'onsetTolerance': 0, 'onsetLine': bad['line']}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'overfitting', 'underfitting', 'gradient-explosion',
               'vanishing-gradient', 'loss-imbalance'],
    notes=(
        f'Healthy Adam run on digits; at step {args.bad_step} one input feature is NaN, the weights become NaN '
        f'and every later value is NaN. Logged every 5 steps, so the first NaN in the log is at step {bad["step"]}; '
        f'val_loss is NaN from step {vbad["step"] if vbad else None}. No rise before the NaN.'
    ),
    facts={
        'corruptedBatchStep': args.bad_step,
        'firstNonFiniteStep': bad['step'],
        'firstNonFiniteLine': bad['line'],
        'firstNonFiniteValStep': vbad['step'] if vbad else None,
    },
)
