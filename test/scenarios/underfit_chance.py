"""underfit_chance: labels are shuffled apart from their images; the model stays at chance.

sklearn's digits, an MLP (64-128-10) with Adam lr 1e-3. A data-pipeline bug shuffles the
label array separately from the image array every epoch, so inputs and targets are unrelated
and nothing can be learned: train and validation loss stay at ln(10) = 2.3026 and accuracy at
~10% for the whole run.

Format: JSON lines, one per epoch (1-based, no ``step`` key):
``{"epoch": 3, "train_loss": 2.31, "val_loss": 2.30, "train_acc": 0.10, "val_acc": 0.09}``.
"""

import math

import torch

from _common import Log, batches, digits, evaluate, finish, jnum, json_line, mlp, setup

args = setup(__doc__, epochs=30)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

for epoch in range(1, args.epochs + 1):
    y_bug = yt[torch.randperm(len(yt), generator=gen)]  # the bug: labels shuffled on their own
    total, correct, n = 0.0, 0, 0
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        out = model(Xt[idx])
        loss = loss_fn(out, y_bug[idx])
        loss.backward()
        opt.step()
        total += float(loss) * len(idx)
        correct += int((out.argmax(1) == y_bug[idx]).sum())
        n += len(idx)
    vl, va = evaluate(model, Xv, yv, loss_fn)
    rec = {'epoch': epoch, 'train_loss': jnum(total / n), 'val_loss': jnum(vl), 'train_acc': jnum(correct / n),
           'val_acc': jnum(va)}
    log.line(json_line(rec), rec)

tr = [r['train_loss'] for r in log.records]
va = [r['val_loss'] for r in log.records]
chance = math.log(10)
finish(
    args,
    log,
    'underfit_chance',
    'jsonl',
    expected=[{'kind': 'no-learning', 'series': 'train_loss', 'role': 'train_loss', 'alternatives': ['underfitting']}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'overfitting', 'gradient-explosion', 'vanishing-gradient',
               'non-finite', 'loss-imbalance'],
    notes=(
        f'Labels shuffled independently of the images each epoch. Train loss {min(tr):.4f}..{max(tr):.4f}, '
        f'val {min(va):.4f}..{max(va):.4f}; chance ln(10) = {chance:.4f}. Accuracy ~0.1. Both no-learning and '
        'underfitting describe it (either satisfies the label); plateau is allowed.'
    ),
    facts={'chance': round(chance, 4), 'trainMin': min(tr), 'trainMax': max(tr), 'valMin': min(va), 'valMax': max(va),
           'stepKey': 'epoch'},
    forbidden_info=['not-converged', 'early-stop'],
)
