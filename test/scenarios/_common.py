"""Shared helpers for the Loss Lens scenario scripts.

Each scenario script trains a small real PyTorch model with a known fault, prints its training
log to stdout (flushed line by line, so a live runner can follow it) and, with ``--out PATH``,
writes exactly the same bytes to a log file. With ``--meta PATH`` it also writes its label
entry (expected findings, forbidden findings, notes and the facts the labels were computed
from) as JSON; ``generate.py`` collects those into ``labels.json``.

Everything a label says is computed from the values *as written in the log* (after
formatting), never from the unrounded tensors, so the labels match what a parser reads back.

Only the standard library, numpy and torch are used (and sklearn for bundled data sets).
"""

import argparse
import json
import math
import os
import random
import sys

import numpy as np

sys.dont_write_bytecode = True

# Kinds of problems (warning/error). Info kinds: not-converged, early-stop, restart, lr-suggestion.
PROBLEM_KINDS = [
    'divergence',
    'loss-spike',
    'oscillation',
    'plateau',
    'no-learning',
    'overfitting',
    'underfitting',
    'gradient-explosion',
    'vanishing-gradient',
    'non-finite',
    'loss-imbalance',
]
INFO_KINDS = ['not-converged', 'early-stop', 'restart', 'lr-suggestion']


def setup(description, epochs=None, steps=None, extra=None):
    """Parse the common arguments, seed everything and pin torch to one thread."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument('--out', help='also write the log to this file')
    p.add_argument('--meta', help='write the label entry (JSON) to this file')
    p.add_argument('--seed', type=int, default=0)
    if epochs is not None:
        p.add_argument('--epochs', type=int, default=epochs)
    if steps is not None:
        p.add_argument('--steps', type=int, default=steps)
    if extra:
        extra(p)
    args = p.parse_args()
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    return args


class Log:
    """Writes each line to stdout (flushed) and to the --out file; remembers what was written.

    ``records`` is a list of dicts: the values exactly as written (parsed back from their
    text), plus ``_line`` (1-based line number in the file of that record).
    """

    def __init__(self, path, newline='\n'):
        self.newline = newline
        self.f = None
        if path:
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            self.f = open(path, 'w', encoding='utf-8', newline='')
        self.lineno = 0
        self.records = []

    def line(self, text, record=None):
        """Write one line; ``record`` (values as written) is remembered with its line number."""
        s = text + self.newline
        sys.stdout.write(s)
        sys.stdout.flush()
        if self.f:
            self.f.write(s)
            self.f.flush()
        self.lineno += 1
        if record is not None:
            r = dict(record)
            r['_line'] = self.lineno
            self.records.append(r)
        return self.lineno

    def close(self):
        if self.f:
            self.f.close()
            self.f = None


# ---------------------------------------------------------------------------------------------
# Number formatting. Each returns (text, value as a parser would read it back).


def fixed(v, nd=4):
    """'%.{nd}f', with nan / inf / -inf spelled the Python way."""
    v = float(v)
    if math.isnan(v):
        return 'nan', float('nan')
    if math.isinf(v):
        return ('inf' if v > 0 else '-inf'), v
    s = f'{v:.{nd}f}'
    return s, float(s)


def sig(v, nd=6):
    """'%.{nd}g' (exponent form for very large/small values)."""
    v = float(v)
    if math.isnan(v):
        return 'nan', float('nan')
    if math.isinf(v):
        return ('inf' if v > 0 else '-inf'), v
    s = f'{v:.{nd}g}'
    return s, float(s)


def jnum(v, nd=6):
    """A float rounded to nd significant digits, for json.dumps (NaN stays NaN)."""
    v = float(v)
    if not math.isfinite(v):
        return v
    return float(f'{v:.{nd}g}')


def json_line(d):
    """Python's json.dumps: NaN / Infinity written bare, as Python does."""
    return json.dumps(d)


# ---------------------------------------------------------------------------------------------
# Facts, computed from the records (values as written).


def series(records, key, step_key='step'):
    """(steps, values, lines) of the records that have ``key``."""
    out = [(r[step_key], r[key], r['_line']) for r in records if key in r and r[key] is not None]
    return [a for a, _, _ in out], [b for _, b, _ in out], [c for _, _, c in out]


def first_nonfinite(records, key, step_key='step'):
    for r in records:
        if key in r and r[key] is not None and not math.isfinite(r[key]):
            return {'step': r[step_key], 'line': r['_line']}
    return None


def argmin_first(records, key, step_key='step'):
    """Step, value and line of the first occurrence of the minimum (finite values only)."""
    best = None
    for r in records:
        v = r.get(key)
        if v is None or not math.isfinite(v):
            continue
        if best is None or v < best[1]:
            best = (r[step_key], v, r['_line'])
    if best is None:
        return None
    return {'step': best[0], 'value': best[1], 'line': best[2]}


def stats(values):
    fin = [v for v in values if v is not None and math.isfinite(v)]
    if not fin:
        return {'min': None, 'max': None, 'first': None, 'last': None}
    return {'min': min(fin), 'max': max(fin), 'first': fin[0], 'last': fin[-1]}


def ema(values, beta=0.98):
    """Bias-corrected exponential moving average (as fastai / pytorch-lr-finder smooth)."""
    out, avg = [], 0.0
    for i, v in enumerate(values):
        avg = beta * avg + (1 - beta) * v
        out.append(avg / (1 - beta ** (i + 1)))
    return out


def finish(args, log, name, fmt, expected, forbidden, notes, facts, forbidden_info=None, fmt_note=None):
    """Close the log and write this scenario's label entry to --meta (when given)."""
    log.close()
    for e in expected:
        assert e['kind'] in PROBLEM_KINDS + INFO_KINDS, e
    for k in forbidden:
        assert k in PROBLEM_KINDS, k
    entry = {
        'format': fmt,
        'expected': expected,
        'forbidden': forbidden,
        'notes': notes,
        'facts': facts,
    }
    if forbidden_info:
        entry['forbiddenInfo'] = forbidden_info
    if fmt_note:
        entry['formatNote'] = fmt_note
    if args.meta:
        with open(args.meta, 'w', encoding='utf-8') as f:
            json.dump(entry, f, indent=2, allow_nan=False, default=_nan_to_none)
    sys.stderr.write(f'[{name}] done: {len(log.records)} records, {log.lineno} lines\n')


def _nan_to_none(o):
    raise TypeError(repr(o))


def all_problems_but(*allowed):
    return [k for k in PROBLEM_KINDS if k not in allowed]


# ---------------------------------------------------------------------------------------------
# Data (sklearn's bundled data sets only: nothing is downloaded).


def digits(n_train=None, standardize=True, seed=0, val_frac=0.3):
    """sklearn's bundled 8x8 digits (1797 samples, 10 classes) as float tensors."""
    import torch
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    rng = np.random.RandomState(seed)
    idx = rng.permutation(len(X))
    X, y = X[idx].astype(np.float32), y[idx].astype(np.int64)
    n_val = int(len(X) * val_frac)
    Xv, yv, Xt, yt = X[:n_val], y[:n_val], X[n_val:], y[n_val:]
    if n_train is not None:
        Xt, yt = Xt[:n_train], yt[:n_train]
    if standardize:
        mu, sd = Xt.mean(0), Xt.std(0) + 1.0
        Xt, Xv = (Xt - mu) / sd, (Xv - mu) / sd
    else:
        Xt, Xv = Xt / 16.0, Xv / 16.0
    t = torch.from_numpy
    return t(Xt), t(yt), t(Xv), t(yv)


def batches(n, bs, gen):
    """Index batches of one shuffled epoch (torch.Generator for determinism)."""
    import torch

    perm = torch.randperm(n, generator=gen)
    return [perm[i : i + bs] for i in range(0, n, bs)]


def mlp(sizes, act='relu'):
    import torch.nn as nn

    acts = {'relu': nn.ReLU, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh}
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(acts[act]())
    return nn.Sequential(*layers)


def grad_norm(model):
    import torch

    total = 0.0
    for p in model.parameters():
        if p.grad is not None:
            total += float(p.grad.detach().double().pow(2).sum())
    return math.sqrt(total)  # nan stays nan, inf stays inf


def evaluate(model, X, y, loss_fn):
    import torch

    model.eval()
    with torch.no_grad():
        out = model(X)
        loss = float(loss_fn(out, y))
        acc = float((out.argmax(1) == y).float().mean()) if out.dim() == 2 and out.shape[1] > 1 else None
    model.train()
    return loss, acc
