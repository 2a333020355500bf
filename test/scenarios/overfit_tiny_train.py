"""overfit_tiny_train: a big MLP memorises a tiny training set; validation loss turns up.

An MLP (64-256-256-10) trained with Adam (lr 1e-3, batch 8, no regularisation, 120 epochs) on only 60
images of sklearn's digits, validated on 539 others. The training loss falls towards zero;
the validation loss falls for a while, reaches its minimum, then rises steadily as the
model grows over-confident on what it memorised. The label's onset is the epoch of the
minimum validation loss, computed from the logged values.

Format: the seed's template, one line per epoch (0-based):
``Epoch 3: Train Loss = 0.1234, Val Loss = 0.2345, LR = 0.001000``.
"""

import torch

from _common import Log, all_problems_but, argmin_first, batches, digits, evaluate, finish, fixed, mlp, setup

args = setup(__doc__, epochs=120)
log = Log(args.out)
Xt, yt, Xv, yv = digits(n_train=60)
model = mlp([64, 256, 256, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

for epoch in range(args.epochs):
    total, n = 0.0, 0
    for idx in batches(len(Xt), 8, gen):
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

best = argmin_first(log.records, 'val_loss')
tr = [r['train_loss'] for r in log.records]
va = [r['val_loss'] for r in log.records]
e = best['step']
finish(
    args,
    log,
    'overfit_tiny_train',
    'text',
    expected=[
        {'kind': 'overfitting', 'series': 'Val Loss', 'role': 'val_loss', 'onset': e, 'onsetTolerance': 3,
         'onsetLine': best['line']},
    ],
    forbidden=all_problems_but('overfitting', 'plateau'),
    notes=(
        f'60 training images, 539 validation images. Val loss minimum {best["value"]:.4f} at epoch {e}; '
        f'last val {va[-1]:.4f} ({va[-1] / best["value"]:.2f}x the minimum) while train loss goes '
        f'{tr[e]:.4f} -> {tr[-1]:.4f}. early-stop (info) at epoch {e} is welcome. '
        'The train loss flattens near zero at the end: a plateau there is allowed.'
    ),
    facts={'minValEpoch': e, 'minVal': best['value'], 'minValLine': best['line'], 'lastVal': va[-1],
           'trainAtMinVal': tr[e], 'lastTrain': tr[-1]},
)
