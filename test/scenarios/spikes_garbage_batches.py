"""spikes_garbage_batches: a few garbage batches make the loss jump, and it recovers each time.

A small MLP on sklearn's digits, Adam lr 1e-3, batch 32. At a few fixed iterations the data
pipeline yields a garbage batch: the inputs are scaled x5 (a units bug in one shard) and the
labels shuffled. That iteration's loss jumps one to two orders of magnitude
above the running level; Adam's bounded step keeps the damage small, and the loss is back to
its previous level within a few iterations.

Format: nanoGPT-style text: ``iter N: loss X`` every iteration, and every 100 iterations an
evaluation line ``step N: train loss X, val loss Y``.
"""

import torch

from _common import Log, all_problems_but, batches, digits, evaluate, finish, first_nonfinite, fixed, mlp, setup

args = setup(__doc__, steps=600)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64, 128, 10])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)
garbage_at = [150, 260, 330, 470]

step = 0
while step < args.steps:
    for idx in batches(len(Xt), 32, gen):
        step += 1
        xb, yb = Xt[idx], yt[idx]
        if step in garbage_at:
            xb = xb * 5.0
            yb = yb[torch.randperm(len(yb), generator=gen)]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        s, v = fixed(float(loss), 4)
        log.line(f'iter {step}: loss {s}', {'step': step, 'loss': v})
        if step % 100 == 0:
            tl, _ = evaluate(model, Xt, yt, loss_fn)
            vl, _ = evaluate(model, Xv, yv, loss_fn)
            ts, tv = fixed(tl, 4)
            vs, vv = fixed(vl, 4)
            log.line(f'step {step}: train loss {ts}, val loss {vs}', {'step': step, 'train loss': tv, 'val loss': vv})
        if step >= args.steps:
            break

recs = [r for r in log.records if 'loss' in r]
vals = {r['step']: r['loss'] for r in recs}
spikes = []
for s in garbage_at:
    before = sorted(vals[t] for t in range(s - 20, s))
    med = before[len(before) // 2]
    after = [vals[t] for t in range(s + 1, s + 21) if t in vals]
    back = next((t for t in range(s + 1, s + 40) if vals.get(t, 1e9) <= max(3 * med, med + 0.1)), None)
    spikes.append({'step': s, 'loss': vals[s], 'medianBefore': med, 'ratio': round(vals[s] / med, 1),
                   'recoveredByStep': back, 'line': next(r['_line'] for r in recs if r['step'] == s)})
assert first_nonfinite(log.records, 'loss') is None
finish(
    args,
    log,
    'spikes_garbage_batches',
    'text',
    expected=[{'kind': 'loss-spike', 'series': 'loss', 'role': 'train_loss', 'onset': garbage_at[0], 'onsetTolerance': 0,
               'onsetLine': spikes[0]['line'], 'count': len(garbage_at), 'steps': garbage_at}],
    forbidden=all_problems_but('loss-spike'),
    notes=(
        f'Garbage batches (inputs x5, shuffled labels) at iterations {garbage_at}; each spike is '
        + ', '.join(f"{x['loss']:.2f} vs median {x['medianBefore']:.3f} before (x{x['ratio']}, back by {x['recoveredByStep']})" for x in spikes)
        + '. Otherwise a healthy run. The spikes must not be read as divergence, oscillation or NaN. '
        'Eval lines "step N: train loss X, val loss Y" every 100 iterations.'
    ),
    facts={'spikes': spikes},
)
