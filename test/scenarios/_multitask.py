"""Shared setup of loss_imbalance.py and healthy_multitask_balanced.py.

A toy "detector" on sklearn's digits: a shared MLP trunk with two heads, one classifying the
digit (cross-entropy, ``loss_cls``) and one regressing the bounding box of the ink
(``loss_box``), as (x0, y0, x1, y1) of the digit drawn on a 256x256 canvas (each 8x8 pixel is
32x32). The total loss is ``loss = loss_cls + loss_box``.

- unbalanced: box targets in raw pixels and a plain MSE: loss_box is ~1e4 at the start and
  ~3e2 at the end, against loss_cls ~2.4 (it never learns): the box term dominates the total
  (and the shared trunk's gradient) by two to four orders of magnitude.
- balanced: box targets divided by the canvas size (0..1), smooth-L1 scaled x20: both terms are
  of the same order all along.
"""

import numpy as np
import torch
from sklearn.datasets import load_digits

from _common import Log, batches, setup, sig

CANVAS = 256.0


def boxes(images):
    out = []
    for im in images.reshape(-1, 8, 8):
        rows = np.where(im.max(1) > 2)[0]
        cols = np.where(im.max(0) > 2)[0]
        out.append([cols.min() * 32, rows.min() * 32, (cols.max() + 1) * 32, (rows.max() + 1) * 32])
    return np.array(out, dtype=np.float32)


class Detector(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 128),
                                         torch.nn.ReLU())
        self.cls = torch.nn.Linear(128, 10)
        self.box = torch.nn.Linear(128, 4)

    def forward(self, x):
        h = self.trunk(x)
        return self.cls(h), self.box(h)


def run(doc, balanced):
    args = setup(doc, steps=600)
    log = Log(args.out)
    X, y = load_digits(return_X_y=True)
    B = boxes(X)
    rng = np.random.RandomState(args.seed)
    p = rng.permutation(len(X))
    X = (X[p] / 16.0).astype(np.float32)
    y, B = y[p], B[p]
    if balanced:
        B = B / CANVAS
    Xt, yt, Bt = torch.tensor(X), torch.tensor(y), torch.tensor(B)
    model = Detector()
    lr = 1e-3
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    ce = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    step, acc = 0, None
    while step < args.steps:
        for idx in batches(len(Xt), 32, gen):
            step += 1
            opt.zero_grad()
            logits, box = model(Xt[idx])
            l_cls = ce(logits, yt[idx])
            if balanced:
                l_box = 20.0 * torch.nn.functional.smooth_l1_loss(box, Bt[idx], beta=0.05)
            else:
                l_box = torch.nn.functional.mse_loss(box, Bt[idx])
            loss = l_cls + l_box
            loss.backward()
            opt.step()
            parts = torch.stack([loss.detach(), l_cls.detach(), l_box.detach()])
            acc = parts if acc is None else acc + parts
            if step % 10 == 0:
                m = (acc / 10).tolist()
                acc = None
                cells = [sig(v, 6) for v in m]
                log.line(f'step {step}: loss {cells[0][0]} loss_cls {cells[1][0]} loss_box {cells[2][0]} lr {lr}',
                         {'step': step, 'loss': cells[0][1], 'loss_cls': cells[1][1], 'loss_box': cells[2][1],
                          'lr': lr})
            if step >= args.steps:
                break
    return args, log
