"""Shared setup of exploding_grads_no_clip.py and exploding_grads_clipped.py.

Degree-2 polynomial regression on sklearn's diabetes data (65 features: the 10 standardised
ones, their squares and products), plain SGD at lr 0.041, batch 32: about 12% above the
stability limit 2/lambda_max ~= 0.0367 of the mean-squared-error curvature. Without clipping
the stiff direction grows a little every step: the gradient norm climbs by orders of magnitude
(with bursts and partial recoveries) and the loss with it. With clip_grad_norm_(max_norm=1.0)
every update is bounded and the run converges like a healthy one.
"""

import numpy as np
import torch
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import PolynomialFeatures

from _common import Log, batches, fixed, setup, sig

LR = 0.041


def run(doc, clip):
    args = setup(doc, steps=300)
    log = Log(args.out)
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    X = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    lam_max = float(np.linalg.eigvalsh(2 * X.T @ X / len(X))[-1])
    X = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)[:, None]
    model = torch.nn.Linear(X.shape[1], 1)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.MSELoss()
    gen = torch.Generator().manual_seed(args.seed)
    step = 0
    while step < args.steps:
        for idx in batches(len(X), 32, gen):
            step += 1
            opt.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            # the norm before clipping, as clip_grad_norm_ returns it (and as HF / Lightning log it)
            gn = float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip if clip else float('inf')))
            opt.step()
            ls, lv = fixed(float(loss), 4)
            gs, gv = sig(gn, 5)
            log.line(f'step {step}: loss {ls} lr {LR} grad_norm {gs}', {'step': step, 'loss': lv, 'lr': LR, 'grad_norm': gv})
            if step >= args.steps:
                break
    return args, log, 2.0 / lam_max
