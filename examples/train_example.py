"""A small, real PyTorch training run for trying Loss Lens (no downloads: sklearn's bundled
diabetes data set, a regression with MSE loss).

    python3 examples/train_example.py                 # healthy run
    python3 examples/train_example.py --lr 0.5        # too high: the loss blows up to NaN
    python3 examples/train_example.py --csv run.csv   # also write a Lightning-style CSV

It prints the template from the Loss Lens guide, one line per epoch:
    Epoch 3: Train Loss = 0.1234, Val Loss = 0.2345, LR = 0.001000
and, every few steps, `step N: loss X grad_norm Y`.
"""
import argparse
import csv
import math
import sys

import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--csv", default=None, help="also write step,epoch,train_loss,val_loss,lr rows here")
    p.add_argument("--sleep", type=float, default=0.0, help="seconds to wait per epoch (to watch it live)")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    x, y = load_diabetes(return_X_y=True)
    x = torch.tensor((x - x.mean(0)) / x.std(0), dtype=torch.float32)
    y = torch.tensor((y - y.mean()) / y.std(), dtype=torch.float32).unsqueeze(1)
    xtr, xva, ytr, yva = train_test_split(x, y, test_size=0.25, random_state=a.seed)

    model = nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 1))
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9)
    loss_fn = nn.MSELoss()
    writer = None
    if a.csv:
        f = open(a.csv, "w", newline="")
        writer = csv.writer(f)
        writer.writerow(["step", "epoch", "train_loss", "val_loss", "lr"])

    step = 0
    for epoch in range(1, a.epochs + 1):
        model.train()
        perm = torch.randperm(len(xtr))
        total, n = 0.0, 0
        for i in range(0, len(xtr), a.batch):
            idx = perm[i : i + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            gn = float(torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf")))
            opt.step()
            step += 1
            total += loss.item() * len(idx)
            n += len(idx)
            if step % 5 == 0:
                print(f"step {step}: loss {loss.item():.4f} grad_norm {gn:.4f}", flush=True)
                if writer:
                    writer.writerow([step, epoch, f"{loss.item():.6f}", "", a.lr])
        model.eval()
        with torch.no_grad():
            val = loss_fn(model(xva), yva).item()
        train = total / max(n, 1)
        print(f"Epoch {epoch}: Train Loss = {train:.4f}, Val Loss = {val:.4f}, LR = {a.lr:.6f}", flush=True)
        if writer:
            writer.writerow([step, epoch, "", f"{val:.6f}", a.lr])
        if a.sleep:
            import time
            time.sleep(a.sleep)
        if not math.isfinite(train) and epoch >= 3:
            print("Loss is not finite; giving up.", file=sys.stderr, flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
