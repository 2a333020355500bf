"""healthy_converged: a run that converges early and then stays flat at a low loss.

An MLP (64-128-10) on sklearn's digits, AdamW lr 3e-3 with weight decay 1e-4, batch 32, 40
epochs. The training loss falls to ~0.01 within ~10 epochs and then stays flat and low (the
per-step values are minibatch noise around ~0.002); the validation loss levels off at ~0.076
by epoch ~12 and stays within ~2% of that to the end. Nothing is wrong: being flat at a low
loss after converging is not a plateau problem, not underfitting, and not "not converged".

Format: Lightning-style CSV ``step,epoch,train_loss,val_loss,lr`` with sparse rows: a train row
every 10 steps (that step's loss) and a validation row at the end of each epoch.
"""

import torch

from _common import PROBLEM_KINDS, Log, batches, digits, evaluate, finish, mlp, setup, sig

args = setup(__doc__, epochs=40)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
lr = 3e-3
opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

log.line('step,epoch,train_loss,val_loss,lr')
step = 0
for epoch in range(args.epochs):
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        step += 1
        if step % 10 == 0:
            s, v = sig(float(loss), 6)
            log.line(f'{step},{epoch},{s},,{lr}', {'step': step, 'epoch': epoch, 'train_loss': v, 'lr': lr})
    vl, _ = evaluate(model, Xv, yv, loss_fn)
    s, v = sig(vl, 6)
    log.line(f'{step},{epoch},,{s},', {'step': step, 'epoch': epoch, 'val_loss': v})

tr = [r['train_loss'] for r in log.records if 'train_loss' in r]
va = [r['val_loss'] for r in log.records if 'val_loss' in r]
half = len(va) // 2
finish(
    args,
    log,
    'healthy_converged',
    'csv',
    expected=[],
    forbidden=list(PROBLEM_KINDS),
    forbidden_info=['not-converged'],
    notes=(
        f'Hard negative. Train loss {tr[0]} -> max {max(tr[len(tr) // 2:]):.4f} over the second half, last {tr[-1]}; '
        f'val {va[0]} -> {min(va):.4f} (min), second half {min(va[half:]):.4f}..{max(va[half:]):.4f}. '
        f'Val minimum at epoch {va.index(min(va))}, last val {va[-1]} ({va[-1] / min(va) - 1:.1%} above it): flat, not '
        'overfitting. early-stop (info) is acceptable but not expected.'
    ),
    facts={'valMin': min(va), 'valSecondHalf': [min(va[half:]), max(va[half:])], 'trainLast': tr[-1],
           'trainSecondHalfMax': max(tr[len(tr) // 2:])},
)
