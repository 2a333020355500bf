"""early_stop_candidate: validation loss bottoms out early, then drifts up mildly for many epochs.

An MLP (64-128-10) on 800 images of sklearn's digits with 15% of the training labels wrong
(ordinary annotation noise), Adam lr 1e-3, batch 32, 60 epochs. The validation loss reaches
its minimum around epoch 16 and then creeps up slowly (~20% over the next 44 epochs) while the
training loss keeps inching down and validation accuracy stays about flat: most of the run was wasted, early stopping with a patience of a few epochs
would have ended it near the minimum. Mild overfitting, not a broken run.

Format: JSON lines, one per epoch (1-based), with the global step too:
``{"epoch": 3, "step": 120, "train_loss": 0.12, "val_loss": 0.15, "val_acc": 0.96, "lr": 0.001}``.
"""

import torch

from _common import Log, argmin_first, batches, digits, evaluate, finish, jnum, json_line, mlp, setup

args = setup(__doc__, epochs=60)
log = Log(args.out)
Xt, yt, Xv, yv = digits(n_train=800)
g = torch.Generator().manual_seed(1234)
noisy = torch.rand(len(yt), generator=g) < 0.15
yt = torch.where(noisy, torch.randint(0, 10, (len(yt),), generator=g), yt)
model = mlp([64, 128, 10])
lr = 1e-3
opt = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

step = 0
for epoch in range(1, args.epochs + 1):
    total, n = 0.0, 0
    for idx in batches(len(Xt), 32, gen):
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        step += 1
        total, n = total + float(loss) * len(idx), n + len(idx)
    vl, va = evaluate(model, Xv, yv, loss_fn)
    rec = {'epoch': epoch, 'step': step, 'train_loss': jnum(total / n), 'val_loss': jnum(vl), 'val_acc': jnum(va),
           'lr': lr}
    log.line(json_line(rec), rec)

best = argmin_first(log.records, 'val_loss', step_key='epoch')
best_step = next(r['step'] for r in log.records if r['_line'] == best['line'])
va = [r['val_loss'] for r in log.records]
tr = [r['train_loss'] for r in log.records]
acc = [r['val_acc'] for r in log.records]
finish(
    args,
    log,
    'early_stop_candidate',
    'jsonl',
    expected=[{'kind': 'early-stop', 'series': 'val_loss', 'role': 'val_loss', 'onset': best_step, 'onsetUnit': 'step',
               'onsetEpoch': best['step'], 'onsetTolerance': 3 * (step // args.epochs), 'onsetLine': best['line']}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'plateau', 'no-learning', 'underfitting',
               'gradient-explosion', 'vanishing-gradient', 'non-finite', 'loss-imbalance'],
    forbidden_info=['not-converged'],
    notes=(
        f'Val loss minimum {best["value"]:.4f} at epoch {best["step"]} (global step {best_step}); last {va[-1]:.4f} '
        f'({va[-1] / best["value"]:.2f}x), max after the minimum {max(va[best["step"]:]):.4f}. Train {tr[best["step"] - 1]:.4f} '
        f'-> {tr[-1]:.4f}. Val acc {min(acc):.3f}..{max(acc):.3f}, last {acc[-1]:.3f}. overfitting (warning) is also a fair '
        'reading: allowed. The rows carry both epoch and global step; the onset is the step (onsetEpoch the epoch), '
        'tolerance 3 epochs.'
    ),
    facts={'minValEpoch': best['step'], 'minValStep': best_step, 'minVal': best['value'], 'lastVal': va[-1],
           'minValLine': best['line'], 'lastTrain': tr[-1]},
)
