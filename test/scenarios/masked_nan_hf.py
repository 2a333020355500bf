"""masked_nan_hf: NaN hidden as ``'loss': 0.0`` in Hugging Face Trainer-style logs.

A small MLP on sklearn's digits, trained the way HF's Trainer does it: AdamW (lr 2e-2,
constant), gradient clipping at max_grad_norm=1.0, a log line every 10 steps, an eval line at
the end of each epoch. The model uses a hand-written softmax without the max-subtraction
(``exp(z) / exp(z).sum()``): once a logit passes ~88, exp overflows, the loss is inf and the
gradients NaN; clipping cannot help, the weights become NaN and every later step is NaN.

What makes it hard: the Trainer's default ``logging_nan_inf_filter=True`` replaces a NaN/inf
step loss by the running average of the window, which is 0 when every step of the window is
NaN. So after the blow-up the log shows ``'loss': 0.0`` (looks perfect) with
``'grad_norm': nan``; only the grad norm and eval_loss reveal it. This script reproduces that
bookkeeping exactly (``tr_loss_step = tr_loss / (1 + global_step - globalstep_last_logged)``).

Format: Python dict lines, as the Trainer prints them (no ``step`` key; x axis is ``epoch`` or
the line index):
``{'loss': 0.1234, 'grad_norm': 0.567, 'learning_rate': 0.02, 'epoch': 0.2127659574468085}``
and ``{'eval_loss': 0.2345, 'eval_accuracy': 0.93, 'epoch': 1.0}``.
"""

import math

import torch

from _common import Log, batches, digits, evaluate, finish, setup

args = setup(__doc__, epochs=15)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
lr = 2e-2
opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
gen = torch.Generator().manual_seed(args.seed)


def naive_ce(z, y):
    e = torch.exp(z)  # the bug: no max subtraction
    p = e / e.sum(-1, keepdim=True)
    return -torch.log(p[torch.arange(len(y)), y]).mean()


logging_steps = 10
steps_per_epoch = math.ceil(len(Xt) / 32)
global_step, last_logged = 0, 0
tr_loss = torch.tensor(0.0)
for epoch in range(args.epochs):
    for i, idx in enumerate(batches(len(Xt), 32, gen)):
        opt.zero_grad()
        loss = naive_ce(model(Xt[idx]), yt[idx])
        loss.backward()
        gn = float(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0))
        opt.step()
        global_step += 1
        # transformers.Trainer, logging_nan_inf_filter=True
        if torch.isnan(loss) or torch.isinf(loss):
            tr_loss_step = tr_loss / (1 + global_step - last_logged)
        else:
            tr_loss_step = loss.detach()
        tr_loss = tr_loss + tr_loss_step
        ep = epoch + (i + 1) / steps_per_epoch
        if global_step % logging_steps == 0:
            logged = round(float(tr_loss) / (global_step - last_logged), 4)
            tr_loss = torch.tensor(0.0)
            last_logged = global_step
            d = {'loss': logged, 'grad_norm': gn, 'learning_rate': lr, 'epoch': ep}
            log.line(str(d), dict(d, step=global_step, raw_nonfinite=not math.isfinite(float(loss))))
    vl, va = evaluate(model, Xv, yv, naive_ce)
    d = {'eval_loss': vl, 'eval_accuracy': va, 'epoch': float(epoch + 1)}
    log.line(str(d), dict(d, step=global_step))

train = [r for r in log.records if 'loss' in r]
first_bad = next(r for r in train if not math.isfinite(r['grad_norm']))
first_masked = next(r for r in train if r['loss'] == 0.0 and not math.isfinite(r['grad_norm']))
first_eval_bad = next((r for r in log.records if 'eval_loss' in r and not math.isfinite(r['eval_loss'])), None)
n_masked = sum(1 for r in train if r['loss'] == 0.0 and not math.isfinite(r['grad_norm']))
idx_bad = train.index(first_bad)
finish(
    args,
    log,
    'masked_nan_hf',
    'text',
    expected=[{'kind': 'non-finite', 'series': 'grad_norm', 'role': 'grad_norm', 'onset': first_bad['epoch'],
               'onsetUnit': 'epoch', 'onsetTolerance': 0, 'onsetLine': first_bad['_line'], 'onsetIndex': idx_bad,
               'onsetStep': first_bad['step'], 'maskedLossFromLine': first_masked['_line']}],
    forbidden=['divergence', 'loss-spike', 'underfitting', 'gradient-explosion', 'loss-imbalance', 'no-learning'],
    notes=(
        f'First NaN grad_norm at training-log line {first_bad["_line"]} (epoch {first_bad["epoch"]:.4f}, global step '
        f'{first_bad["step"]}, logged loss {first_bad["loss"]}); from line {first_masked["_line"]} the loss is logged '
        f'as exactly 0.0 with grad_norm nan ({n_masked} such lines); eval_loss is nan from epoch '
        f'{first_eval_bad["epoch"] if first_eval_bad else None}. A reader must not take loss 0.0 as convergence, and '
        'must not call the drop to 0.0 anything but non-finite (the finding may be on loss, grad_norm or eval_loss; '
        'the onset is the first NaN grad_norm line). Steps are not printed: use the epoch (or line index). '
        'Before the blow-up lr 2e-2 is high: eval_loss wanders up and the train loss is jumpy, so overfitting or '
        'oscillation on those are allowed.'
    ),
    facts={'firstNanGradLine': first_bad['_line'], 'firstNanGradEpoch': first_bad['epoch'],
           'firstNanGradGlobalStep': first_bad['step'], 'firstNanGradTrainIndex': idx_bad,
           'firstMaskedZeroLine': first_masked['_line'], 'firstMaskedZeroEpoch': first_masked['epoch'],
           'maskedLines': n_masked, 'firstNanEvalEpoch': first_eval_bad['epoch'] if first_eval_bad else None,
           'loggingSteps': logging_steps, 'stepsPerEpoch': steps_per_epoch},
    fmt_note='HF Trainer stdout dict lines (Python literals: single quotes, nan); detect as text, not jsonl.',
)
