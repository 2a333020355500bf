"""healthy_resumed: a run that crashes, is resumed from its last checkpoint, and appends to the log.

An MLP (64-128-10) on sklearn's digits, Adam lr 1e-3 with a slow exponential decay, batch 32.
It saves a checkpoint (model + optimizer + scheduler, in memory here) every 100 steps. At step
263 the job dies (a DataLoader worker is killed; the traceback lands in the log). It is
restarted from the step-200 checkpoint and trains to step 500, appending to the same log: the
logged steps go back from 262 to 202 and steps 202..262 appear twice (with slightly different
values: the data order after the restart differs). The run itself is healthy.

Format: generic ``key=value`` text lines every 2 steps:
``step=120 train_loss=0.2345 lr=0.000976``, with checkpoint / resume messages and a Python
traceback in between, and a validation line every 100 steps ``step=200 val_loss=0.1234``.
"""

import copy

import torch

from _common import PROBLEM_KINDS, Log, batches, digits, evaluate, finish, fixed, mlp, setup, sig

args = setup(__doc__, steps=500)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.999)
loss_fn = torch.nn.CrossEntropyLoss()
crash_at, resume_from = 263, 200


def train(start_step, end_step, gen, crash=None):
    step = start_step
    while step < end_step:
        for idx in batches(len(Xt), 32, gen):
            lr = opt.param_groups[0]['lr']
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if crash is not None and step == crash:
                return step
            if step % 2 == 0:
                ls, lv = fixed(float(loss), 4)
                lrs, lrv = sig(lr, 4)
                log.line(f'step={step} train_loss={ls} lr={lrs}', {'step': step, 'train_loss': lv, 'lr': lrv})
            if step % 100 == 0:
                vl, _ = evaluate(model, Xv, yv, loss_fn)
                vs, vv = fixed(vl, 4)
                log.line(f'step={step} val_loss={vs}', {'step': step, 'val_loss': vv})
                ckpts[step] = copy.deepcopy((model.state_dict(), opt.state_dict(), sched.state_dict()))
                log.line(f'Saved checkpoint to checkpoints/step_{step}.pt')
            if step >= end_step:
                break
    return step


ckpts = {}
log.line('Starting training from scratch (max_steps=500)')
train(0, args.steps, torch.Generator().manual_seed(args.seed), crash=crash_at)
for text in [
    'Traceback (most recent call last):',
    '  File "train.py", line 88, in <module>',
    '    for batch in loader:',
    'RuntimeError: DataLoader worker (pid 31337) is killed by signal: Killed.',
]:
    log.line(text)
m, o, s = ckpts[resume_from]
model.load_state_dict(m)
opt.load_state_dict(o)
sched.load_state_dict(s)
log.line(f'Resuming from checkpoints/step_{resume_from}.pt (step {resume_from})')
n_before = len(log.records)
train(resume_from, args.steps, torch.Generator().manual_seed(args.seed + 1))

first_resumed = log.records[n_before]
prev = log.records[n_before - 1]
tr = [r['train_loss'] for r in log.records if 'train_loss' in r]
finish(
    args,
    log,
    'healthy_resumed',
    'text',
    expected=[{'kind': 'restart', 'onset': first_resumed['step'], 'onsetTolerance': first_resumed['step'] - resume_from,
               'onsetLine': first_resumed['_line'], 'previousStep': prev['step']}],
    forbidden=list(PROBLEM_KINDS),
    notes=(
        f'Hard negative (info only). Crash at step {crash_at} (last logged step {prev["step"]}), resumed from the step-'
        f'{resume_from} checkpoint: the first resumed record is step {first_resumed["step"]} on line '
        f'{first_resumed["_line"]}; steps {first_resumed["step"]}..{prev["step"]} appear twice. Train loss '
        f'{tr[0]} -> {tr[-1]}. The repeated stretch must not be read as a spike, oscillation or divergence; the '
        'traceback and messages are not data.'
    ),
    facts={'crashStep': crash_at, 'resumeFrom': resume_from, 'lastStepBeforeCrash': prev['step'],
           'firstResumedStep': first_resumed['step'], 'firstResumedLine': first_resumed['_line']},
)
