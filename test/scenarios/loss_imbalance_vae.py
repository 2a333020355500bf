"""loss_imbalance_vae: a VAE whose reconstruction term dwarfs the (weighted) KL term ~1000x.

A small VAE (64-128-8 encoder, 8-128-64 decoder) on sklearn's digits (pixel values 0..16),
summed squared-error reconstruction per image, and a KL term whose weight was meant to anneal
from 1e-3 to 1 but stays at 1e-3 (the annealing scheduler is never stepped). ``recon_loss`` is
thousands at the start and hundreds at the end; ``kl_loss`` (the weighted term that enters the
total) is well under one. The total ``loss = recon_loss + kl_loss`` is the reconstruction in
all but name, and the latent space is left unregularised.

Format: JSON lines every 10 steps (means over the 10 steps):
``{"step": N, "loss": X, "recon_loss": R, "kl_loss": K, "lr": 0.001}``.
"""

import torch
from sklearn.datasets import load_digits

from _common import Log, batches, finish, jnum, json_line, setup

args = setup(__doc__, steps=600)
log = Log(args.out)
X, _ = load_digits(return_X_y=True)
X = torch.tensor(X, dtype=torch.float32)[torch.randperm(len(X))]


class VAE(torch.nn.Module):
    def __init__(self, z=8):
        super().__init__()
        self.enc = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 2 * z))
        self.dec = torch.nn.Sequential(torch.nn.Linear(z, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64))

    def forward(self, x):
        mu, logvar = self.enc(x).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        return self.dec(z), mu, logvar


model = VAE()
lr = 1e-3
beta = 1e-3
opt = torch.optim.Adam(model.parameters(), lr=lr)
gen = torch.Generator().manual_seed(args.seed)
step, acc = 0, None
while step < args.steps:
    for idx in batches(len(X), 32, gen):
        step += 1
        opt.zero_grad()
        xr, mu, logvar = model(X[idx])
        recon = ((xr - X[idx]) ** 2).sum(1).mean()
        # the bug: the KL weight should anneal 1e-3 -> 1 over the first epochs, but the schedule's
        # step() is never called, so it stays at its start value
        kl = beta * (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)).mean()
        loss = recon + kl
        loss.backward()
        opt.step()
        parts = torch.stack([loss.detach(), recon.detach(), kl.detach()])
        acc = parts if acc is None else acc + parts
        if step % 10 == 0:
            m = (acc / 10).tolist()
            acc = None
            rec = {'step': step, 'loss': jnum(m[0]), 'recon_loss': jnum(m[1]), 'kl_loss': jnum(m[2]), 'lr': lr}
            log.line(json_line(rec), rec)
        if step >= args.steps:
            break

recs = log.records
ratios = sorted(r['recon_loss'] / r['kl_loss'] for r in recs)
finish(
    args,
    log,
    'loss_imbalance_vae',
    'jsonl',
    expected=[{'kind': 'loss-imbalance', 'series': 'recon_loss', 'role': 'loss_part'}],
    forbidden=['non-finite', 'divergence', 'oscillation', 'overfitting', 'gradient-explosion', 'vanishing-gradient',
               'no-learning'],
    notes=(
        f'recon_loss / kl_loss: median {ratios[len(ratios) // 2]:.3g}, min {ratios[0]:.3g}, max {ratios[-1]:.3g}. '
        f'recon {recs[0]["recon_loss"]:.4g} -> {recs[-1]["recon_loss"]:.4g}, kl {recs[0]["kl_loss"]:.4g} -> '
        f'{recs[-1]["kl_loss"]:.4g}. The total falls normally: only the balance is wrong.'
    ),
    facts={'ratioMedian': round(ratios[len(ratios) // 2], 2), 'ratioMin': round(ratios[0], 2),
           'ratioMax': round(ratios[-1], 2), 'parts': ['recon_loss', 'kl_loss'], 'total': 'loss'},
)
