"""overfit_noisy_labels: a wide MLP memorises 40% wrong training labels; clean val loss rises.

sklearn's digits with 40% of the training labels replaced by random classes; validation labels
are clean. An MLP (64-256-256-10), Adam lr 1e-3, batch 32, no regularisation. At first the
model learns the real signal (validation loss falls); then it starts fitting the noise: the
training loss keeps falling while the clean validation loss climbs well above its minimum.
The onset label is the step of the minimum validation loss, computed from the logged values.

Format: Lightning-style CSV ``step,epoch,train_loss,val_loss,lr`` (CRLF line ends, as Python's
csv module writes them), sparse rows: a train row every 10 steps (that step's loss), a
validation row with only ``val_loss`` at the end of each epoch (same ``step`` as the last
train step of the epoch).
"""

import csv
import io

import torch

from _common import Log, all_problems_but, argmin_first, batches, digits, evaluate, finish, mlp, setup, sig

args = setup(__doc__, epochs=60)
log = Log(args.out, newline='\r\n')
Xt, yt, Xv, yv = digits()
g = torch.Generator().manual_seed(1234)
noisy = torch.rand(len(yt), generator=g) < 0.4
yt_noisy = torch.where(noisy, torch.randint(0, 10, (len(yt),), generator=g), yt)
model = mlp([64, 256, 256, 10])
lr = 1e-3
opt = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)


def row(*cells):
    buf = io.StringIO()
    csv.writer(buf, lineterminator='').writerow(cells)
    return buf.getvalue()


log.line(row('step', 'epoch', 'train_loss', 'val_loss', 'lr'))
step = 0
for epoch in range(args.epochs):
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt_noisy[idx])
        loss.backward()
        opt.step()
        step += 1
        if step % 10 == 0:
            s, v = sig(float(loss), 6)
            log.line(row(step, epoch, s, '', lr), {'step': step, 'epoch': epoch, 'train_loss': v, 'lr': lr})
    vl, _ = evaluate(model, Xv, yv, loss_fn)
    s, v = sig(vl, 6)
    log.line(row(step, epoch, '', s, ''), {'step': step, 'epoch': epoch, 'val_loss': v})

best = argmin_first(log.records, 'val_loss')
best_epoch = next(r['epoch'] for r in log.records if r['_line'] == best['line'])
steps_per_epoch = step // args.epochs
va = [r for r in log.records if 'val_loss' in r]
tr = [r for r in log.records if 'train_loss' in r]
tr_at = [r['train_loss'] for r in tr if r['step'] <= best['step']][-10:]
tr_end = [r['train_loss'] for r in tr][-10:]
finish(
    args,
    log,
    'overfit_noisy_labels',
    'csv',
    expected=[{'kind': 'overfitting', 'series': 'val_loss', 'role': 'val_loss', 'onset': best['step'],
               'onsetTolerance': 3 * steps_per_epoch, 'onsetLine': best['line']}],
    forbidden=all_problems_but('overfitting'),
    notes=(
        f'40% of training labels random (clean validation). Val loss minimum {best["value"]:.4f} at step {best["step"]} '
        f'(epoch {best_epoch}); last val {va[-1]["val_loss"]:.4f} ({va[-1]["val_loss"] / best["value"]:.2f}x). '
        f'Train loss (mean of the last 10 logged steps) {sum(tr_at) / len(tr_at):.3f} at the minimum -> '
        f'{sum(tr_end) / len(tr_end):.3f} at the end. Onset tolerance: 3 epochs. early-stop (info) welcome.'
    ),
    facts={'minValStep': best['step'], 'minValEpoch': best_epoch, 'minVal': best['value'], 'minValLine': best['line'],
           'lastVal': va[-1]['val_loss'], 'stepsPerEpoch': steps_per_epoch},
)
