"""vanishing_gradient: a 10-layer sigmoid MLP; the first layer's gradient is ~1e-9 and shrinking.

sklearn's digits through 10 hidden layers of 64 sigmoid units (default PyTorch init, no
normalisation, no residuals), Adam lr 1e-2. Each sigmoid layer scales the backpropagated
gradient down by ~4x or more, so the first layer receives gradients of ~1e-9 that decay by
about two orders of magnitude as the layers saturate, and the loss stays flat at chance
(ln 10 = 2.3026) for the whole run. The total gradient norm (~0.4 -> ~0.16) is dominated by the
output layer, which only learns the class prior; the per-layer norm is what shows the problem.

Format: JSON lines every 10 steps:
``{"step": N, "loss": X, "lr": 0.01, "grad_norm": G, "grad_norm_first_layer": G0}``.
"""

import math

import torch

from _common import Log, batches, digits, finish, grad_norm, jnum, json_line, mlp, setup

args = setup(__doc__, steps=480)
log = Log(args.out)
Xt, yt, Xv, yv = digits()
model = mlp([64] + [64] * 10 + [10], act='sigmoid')
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = torch.nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(args.seed)

step, acc = 0, []
while step < args.steps:
    for idx in batches(len(Xt), 32, gen):
        step += 1
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        gn = grad_norm(model)
        g0 = float(model[0].weight.grad.norm())
        opt.step()
        acc.append(float(loss))
        if step % 10 == 0:
            rec = {'step': step, 'loss': jnum(sum(acc) / len(acc)), 'lr': 1e-2, 'grad_norm': jnum(gn),
                   'grad_norm_first_layer': jnum(g0, 4)}
            acc = []
            log.line(json_line(rec), rec)
        if step >= args.steps:
            break

L = [r['loss'] for r in log.records]
G0 = [r['grad_norm_first_layer'] for r in log.records]
G = [r['grad_norm'] for r in log.records]
finish(
    args,
    log,
    'vanishing_gradient',
    'jsonl',
    expected=[{'kind': 'vanishing-gradient', 'series': 'grad_norm_first_layer', 'role': 'grad_norm'}],
    forbidden=['divergence', 'loss-spike', 'oscillation', 'overfitting', 'gradient-explosion', 'non-finite',
               'loss-imbalance'],
    notes=(
        f'10 sigmoid layers. grad_norm_first_layer {G0[0]:.3g} -> {G0[-1]:.3g} (max {max(G0):.3g}); total grad_norm '
        f'{min(G):.2f}..{max(G):.2f} (the head). Loss {min(L):.4f}..{max(L):.4f}, chance {math.log(10):.4f}. '
        'no-learning, plateau and underfitting are true too: allowed. The finding should be about the first-layer '
        'norm (or a per-layer reading), not the total.'
    ),
    facts={'firstLayerGradFirst': G0[0], 'firstLayerGradLast': G0[-1], 'firstLayerGradMax': max(G0),
           'totalGradMin': min(G), 'totalGradMax': max(G), 'lossMin': min(L), 'lossMax': max(L)},
)
