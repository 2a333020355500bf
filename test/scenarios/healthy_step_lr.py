"""healthy_step_lr: SGD + StepLR: the loss drops sharply at each LR step; a healthy run.

A 5-class synthetic problem (sklearn make_classification, 6000 samples, 20 features), an MLP
(20-128-128-5), SGD lr 0.1, momentum 0.9, weight decay 1e-3, batch 64, StepLR(step_size=10,
gamma=0.1), 30 epochs: the classic recipe. At lr 0.1 the training loss descends to a noisy
floor; at each LR step (after epochs 9 and 19) it drops sharply to a lower level, the
validation loss drops at the first step and then stays flat. Nothing is wrong: the slow phase
before a step is not a plateau to report, the drops are not anomalies.

Format: the seed's template, one line per epoch (0-based). As in the seed's loop,
``scheduler.step()`` runs before the print, so the LR shown on an epoch's line is the one the
*next* epoch uses (epoch 9 already shows 0.010000).
``Epoch 3: Train Loss = 0.4680, Val Loss = 0.5368, LR = 0.100000``.
"""

import numpy as np
import torch
from sklearn.datasets import make_classification

from _common import PROBLEM_KINDS, Log, batches, evaluate, finish, fixed, mlp, setup

args = setup(__doc__, epochs=30)
log = Log(args.out)
X, y = make_classification(n_samples=6000, n_features=20, n_informative=12, n_classes=5, n_clusters_per_class=2,
                           flip_y=0.02, class_sep=1.0, random_state=args.seed)
X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
Xt, yt, Xv, yv = [torch.tensor(a) for a in (X[:4800], y[:4800], X[4800:], y[4800:])]
model = mlp([20, 128, 128, 5])
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

for epoch in range(args.epochs):
    total, n = 0.0, 0
    for idx in batches(len(Xt), 64, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        total, n = total + float(loss), n + 1
    sched.step()
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
    'healthy_step_lr',
    'text',
    expected=[],
    forbidden=list(PROBLEM_KINDS),
    notes=(
        f'Hard negative. Train loss at epochs 9/10/11: {tr[9]}/{tr[10]}/{tr[11]} (drop {1 - tr[10] / tr[9]:.0%} at the '
        f'first LR step), 19/20: {tr[19]}/{tr[20]}; last {tr[-1]}. Val at 9/10: {va[9]}/{va[10]}, then '
        f'{min(va[10:]):.4f}..{max(va[10:]):.4f} to the end (within {max(va[10:]) / min(va[10:]) - 1:.1%} of its minimum: '
        'a steady generalisation gap, not overfitting). LR printed after scheduler.step(). not-converged / '
        'early-stop (info) are acceptable but not expected.'
    ),
    facts={'lrSteps': [10, 20], 'trainAt': {str(i): tr[i] for i in (9, 10, 19, 20, 29)}, 'valAfterFirstStep':
           [min(va[10:]), max(va[10:])]},
)
