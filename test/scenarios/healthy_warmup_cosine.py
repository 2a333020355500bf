"""healthy_warmup_cosine: linear warmup then cosine decay to zero; a healthy run.

An MLP (64-256-10) on sklearn's digits, AdamW (peak lr 3e-3, weight decay 0.01), batch 32,
60 warmup steps from 0 to the peak, then cosine decay to 0 at step 800. The loss falls
quickly during and after warmup and settles smoothly as the LR anneals. Nothing is wrong:
the slow-down at the end is the schedule finishing, not a plateau; the changing LR is not an
LR range test.

Format: JSON lines every 5 steps: ``{"step": N, "loss": X, "lr": Y, "grad_norm": G}`` (loss is
the mean over the 5 steps) and a validation line every 100 steps:
``{"step": N, "val_loss": V, "val_acc": A}``.
"""

import math

import torch

from _common import PROBLEM_KINDS, Log, batches, digits, evaluate, finish, grad_norm, jnum, json_line, mlp, setup

args = setup(__doc__, steps=800)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 256, 10])
peak, warmup = 3e-3, 60
opt = torch.optim.AdamW(model.parameters(), lr=peak, weight_decay=0.01)


def lr_at(step):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (args.steps - warmup)))


loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)
step, acc = 0, []
while step < args.steps:
    for idx in batches(len(Xt), 32, gen):
        lr = lr_at(step)
        for g in opt.param_groups:
            g['lr'] = lr
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        gn = grad_norm(model)
        opt.step()
        step += 1
        acc.append(float(loss))
        if step % 5 == 0:
            rec = {'step': step, 'loss': jnum(sum(acc) / len(acc)), 'lr': jnum(lr), 'grad_norm': jnum(gn)}
            acc = []
            log.line(json_line(rec), rec)
        if step % 100 == 0:
            vl, va = evaluate(model, Xv, yv, loss_fn)
            rec = {'step': step, 'val_loss': jnum(vl), 'val_acc': jnum(va)}
            log.line(json_line(rec), rec)
        if step >= args.steps:
            break

L = [r['loss'] for r in log.records if 'loss' in r]
V = [r['val_loss'] for r in log.records if 'val_loss' in r]
finish(
    args,
    log,
    'healthy_warmup_cosine',
    'jsonl',
    expected=[],
    forbidden=list(PROBLEM_KINDS),
    forbidden_info=['lr-suggestion'],
    notes=(
        f'Hard negative. Loss {L[0]:.4f} -> {L[-1]:.4f}; val_loss every 100 steps: '
        + ', '.join(f'{v:.4f}' for v in V) + '. The LR rises then falls: must not be read as an LR range test.'
    ),
    facts={'firstLoss': L[0], 'lastLoss': L[-1], 'valLoss': V, 'warmupSteps': warmup, 'peakLr': peak},
)
