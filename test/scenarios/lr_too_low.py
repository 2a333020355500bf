"""lr_too_low: the learning rate is 1e-5 with plain SGD; the loss barely moves from chance.

A small MLP on sklearn's digits (10 classes, chance level ln 10 = 2.3026), SGD without
momentum at lr 1e-5 (meant to be 1e-1). Train and validation loss stay within a fraction of a
percent of their initial value, right at chance, for the whole run.

Format: the seed's template, one line per epoch (epoch 0-based, as the seed's loop prints it):
``Epoch 3: Train Loss = 2.3034, Val Loss = 2.3051, LR = 0.000010``.
"""

import math

import torch

from _common import Log, batches, digits, evaluate, finish, fixed, mlp, setup

args = setup(__doc__, epochs=40)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.SGD(model.parameters(), lr=1e-5)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

for epoch in range(args.epochs):
    total, n = 0.0, 0
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        total += float(loss)
        n += 1
    vl, _ = evaluate(model, Xv, yv, loss_fn)
    ts, tv = fixed(total / n, 4)
    vs, vv = fixed(vl, 4)
    lr = opt.param_groups[0]['lr']
    log.line(f'Epoch {epoch}: Train Loss = {ts}, Val Loss = {vs}, LR = {lr:.6f}',
             {'step': epoch, 'train_loss': tv, 'val_loss': vv, 'lr': float(f'{lr:.6f}')})

tr = [r['train_loss'] for r in log.records]
va = [r['val_loss'] for r in log.records]
rel = (tr[0] - tr[-1]) / tr[0]
finish(
    args,
    log,
    'lr_too_low',
    'text',
    expected=[{'kind': 'no-learning', 'series': 'Train Loss', 'role': 'train_loss', 'alternatives': ['plateau', 'underfitting']}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'overfitting', 'gradient-explosion', 'vanishing-gradient',
               'non-finite', 'loss-imbalance'],
    notes=(
        f'SGD lr 1e-5: train loss {tr[0]:.4f} -> {tr[-1]:.4f} ({100 * rel:.2f}% drop) over {len(tr)} epochs, '
        f'val {va[0]:.4f} -> {va[-1]:.4f}; chance ln(10) = {math.log(10):.4f}. Logged LR prints as 0.000010.'
    ),
    facts={'firstTrain': tr[0], 'lastTrain': tr[-1], 'relativeDrop': round(rel, 6), 'chance': round(math.log(10), 4),
           'minTrain': min(tr), 'maxTrain': max(tr)},
    forbidden_info=['early-stop'],
)
