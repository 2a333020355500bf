"""underfit_weak_model: a linear classifier on a spiral: high, flat loss, train close to val.

Three interleaved spiral arms (2-D points, 0.75 turn, generated with a seeded numpy RNG), a
plain linear softmax classifier, Adam lr 1e-2, 40 epochs. A linear model cannot separate
spirals: the loss drops from ~1.06 to ~0.91 in a few epochs (chance is ln 3 = 1.0986; a small MLP
reaches ~0.01 on the same data) and stays flat there, with validation loss right next to it
and accuracy ~44%.

Format: a per-epoch CSV ``epoch,train_loss,val_loss,train_acc,val_acc,lr`` (1-based epochs).
"""

import math

import numpy as np
import torch

from _common import Log, batches, evaluate, finish, setup, sig

args = setup(__doc__, epochs=40)
log = Log(args.out)


def spiral(n, k_classes, turns, noise, rng):
    xs, ys = [], []
    for k in range(k_classes):
        r = np.linspace(0.05, 1, n)
        t = np.linspace(0, turns * 2 * np.pi, n) + k * 2 * np.pi / k_classes + rng.randn(n) * noise
        xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(n, k))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


rng = np.random.RandomState(args.seed)
X, Y = spiral(600, 3, 0.75, 0.2, rng)
p = rng.permutation(len(X))
X, Y = X[p], Y[p]
Xt, yt, Xv, yv = [torch.tensor(a) for a in (X[:1200], Y[:1200], X[1200:], Y[1200:])]
model = torch.nn.Linear(2, 3)
lr = 1e-2
opt = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

log.line('epoch,train_loss,val_loss,train_acc,val_acc,lr')
for epoch in range(1, args.epochs + 1):
    total, correct, n = 0.0, 0, 0
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        out = model(Xt[idx])
        loss = loss_fn(out, yt[idx])
        loss.backward()
        opt.step()
        total += float(loss) * len(idx)
        correct += int((out.argmax(1) == yt[idx]).sum())
        n += len(idx)
    vl, vacc = evaluate(model, Xv, yv, loss_fn)
    cells = [sig(total / n, 5), sig(vl, 5), sig(correct / n, 4), sig(vacc, 4)]
    log.line(f'{epoch},' + ','.join(c[0] for c in cells) + f',{lr}',
             {'epoch': epoch, 'train_loss': cells[0][1], 'val_loss': cells[1][1], 'train_acc': cells[2][1],
              'val_acc': cells[3][1], 'lr': lr})

tr = [r['train_loss'] for r in log.records]
va = [r['val_loss'] for r in log.records]
vacc = [r['val_acc'] for r in log.records]
chance = math.log(3)
last10 = tr[-10:]
finish(
    args,
    log,
    'underfit_weak_model',
    'csv',
    expected=[{'kind': 'underfitting', 'series': 'train_loss', 'role': 'train_loss', 'alternatives': ['plateau', 'no-learning']}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'overfitting', 'gradient-explosion', 'vanishing-gradient',
               'non-finite', 'loss-imbalance'],
    notes=(
        f'Linear model on 3-class spirals. Train loss {tr[0]:.4f} -> {tr[-1]:.4f} (last 10 epochs within '
        f'{max(last10) - min(last10):.4f}), val {va[-1]:.4f}; chance ln(3) = {chance:.4f} '
        f'({tr[-1] / chance:.0%} of chance); val acc {vacc[-1]:.3f} (chance 0.333). A 64-64 MLP reaches ~0.01 here. '
        'no-learning is acceptable too (the loss sits near chance), plateau allowed.'
    ),
    facts={'chance': round(chance, 4), 'firstTrain': tr[0], 'lastTrain': tr[-1], 'lastVal': va[-1],
           'lastValAcc': vacc[-1], 'stepKey': 'epoch'},
    forbidden_info=['not-converged', 'early-stop'],
)
