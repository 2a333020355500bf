"""not_converged: a healthy run stopped while the loss is still falling steadily.

An MLP (64-128-10) on sklearn's digits, plain SGD at lr 0.01 (no momentum), 15 epochs. Both
losses fall smoothly every epoch and are still falling at a good rate at the end (train ~0.63,
val ~0.70, vs ~0.1 reachable; the last epoch still takes 0.05 off): training longer would help. Nothing is broken.

Format: Keras CSVLogger: header ``epoch,accuracy,loss,lr,val_accuracy,val_loss`` (Keras
sorts the keys), 0-based epochs, one row per epoch.
"""

import torch

from _common import Log, batches, digits, evaluate, finish, mlp, setup, sig

args = setup(__doc__, epochs=15)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
lr = 0.01
opt = torch.optim.SGD(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

log.line('epoch,accuracy,loss,lr,val_accuracy,val_loss')
for epoch in range(args.epochs):
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
    vl, va = evaluate(model, Xv, yv, loss_fn)
    c = [sig(correct / n, 6), sig(total / n, 6), sig(va, 6), sig(vl, 6)]
    log.line(f'{epoch},{c[0][0]},{c[1][0]},{lr},{c[2][0]},{c[3][0]}',
             {'epoch': epoch, 'accuracy': c[0][1], 'loss': c[1][1], 'lr': lr, 'val_accuracy': c[2][1],
              'val_loss': c[3][1]})

tr = [r['loss'] for r in log.records]
va = [r['val_loss'] for r in log.records]
drops = [tr[i] - tr[i + 1] for i in range(len(tr) - 1)]
finish(
    args,
    log,
    'not_converged',
    'csv',
    expected=[{'kind': 'not-converged', 'series': 'loss', 'role': 'train_loss'}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'plateau', 'no-learning', 'overfitting', 'underfitting',
               'gradient-explosion', 'vanishing-gradient', 'non-finite', 'loss-imbalance'],
    forbidden_info=['early-stop'],
    notes=(
        f'SGD lr 0.01, 15 epochs. Train loss {tr[0]:.4f} -> {tr[-1]:.4f}, val {va[0]:.4f} -> {va[-1]:.4f}; every '
        f'epoch lowers the train loss (smallest drop {min(drops):.4f}, last drop {drops[-1]:.4f}); val is at its '
        f'minimum on the last epoch: {va[-1] == min(va)}. Keras names: loss / val_loss, 0-based epochs.'
    ),
    facts={'firstLoss': tr[0], 'lastLoss': tr[-1], 'lastDrop': round(drops[-1], 6), 'minDrop': round(min(drops), 6),
           'valAtMinOnLastEpoch': va[-1] == min(va), 'stepKey': 'epoch'},
)
