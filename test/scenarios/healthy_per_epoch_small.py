"""healthy_per_epoch_small: only 8 epochs, one line each; a short, healthy run.

An MLP (64-128-10) on sklearn's digits, Adam lr 1e-3, batch 32, 8 epochs. Train and
validation loss fall every epoch (fast at first, then slower). With only 8 points there is
nothing to diagnose: no plateau, early-stop, overfitting or any other problem should be
raised; at most an info that it could train longer.

Format: the seed's template, one line per epoch (0-based):
``Epoch 3: Train Loss = 0.1234, Val Loss = 0.2345, LR = 0.001000``.
"""

import torch

from _common import PROBLEM_KINDS, Log, batches, digits, evaluate, finish, fixed, mlp, setup

args = setup(__doc__, epochs=8)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

for epoch in range(args.epochs):
    total, n = 0.0, 0
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        total, n = total + float(loss) * len(idx), n + len(idx)
    vl, _ = evaluate(model, Xv, yv, loss_fn)
    ts, tv = fixed(total / n, 4)
    vs, vv = fixed(vl, 4)
    lr = opt.param_groups[0]['lr']
    log.line(f'Epoch {epoch}: Train Loss = {ts}, Val Loss = {vs}, LR = {lr:.6f}',
             {'step': epoch, 'train_loss': tv, 'val_loss': vv, 'lr': float(f'{lr:.6f}')})

tr = [r['train_loss'] for r in log.records]
va = [r['val_loss'] for r in log.records]
finish(
    args,
    log,
    'healthy_per_epoch_small',
    'text',
    expected=[],
    forbidden=list(PROBLEM_KINDS),
    forbidden_info=['early-stop'],
    notes=(
        f'Hard negative, 8 points. Train {", ".join(map(str, tr))}; val {", ".join(map(str, va))}. '
        'not-converged (info) is acceptable (the last epochs still improve).'
    ),
    facts={'train': tr, 'val': va},
)
