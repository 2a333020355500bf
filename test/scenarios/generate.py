#!/usr/bin/env python3
"""Run every scenario script, write its log into logs/, collect labels.json, print a summary.

Usage (from the repository root; needs Debian's python3-torch and python3-sklearn):

    /usr/bin/python3 test/scenarios/generate.py                 # all scenarios, 2 at a time
    /usr/bin/python3 test/scenarios/generate.py --only nan_huge_lr,lr_range_test
    /usr/bin/python3 test/scenarios/generate.py --summary       # only re-read logs/ and print the table
    /usr/bin/python3 test/scenarios/generate.py --check         # regenerate into a temp dir, compare with logs/

Each scenario script is run as ``python3 -B SCRIPT --out TMP --meta TMP.json``; its stdout must be
byte-identical to the file it wrote (checked here). The log is moved to
``logs/<name>.<ext>`` (``.log`` for text, ``.csv``, ``.jsonl``) and the label entry the script
computed is merged into ``labels.json``. The summary table re-reads every log with a small
independent parser (not the scripts' own bookkeeping) and cross-checks the labels against it.
"""

import argparse
import ast
import concurrent.futures as cf
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOGS = os.path.join(HERE, 'logs')
LABELS = os.path.join(HERE, 'labels.json')
EXT = {'text': 'log', 'csv': 'csv', 'jsonl': 'jsonl'}
MAX_LOG_BYTES = 300 * 1024


def scenario_names():
    return sorted(f[:-3] for f in os.listdir(HERE) if f.endswith('.py') and not f.startswith('_') and f != 'generate.py')


def run_one(name, python, outdir):
    tmp_log = os.path.join(outdir, name + '.tmp')
    tmp_meta = os.path.join(outdir, name + '.meta.json')
    env = dict(os.environ, PYTHONUNBUFFERED='1', PYTHONDONTWRITEBYTECODE='1', OMP_NUM_THREADS='1',
               MKL_NUM_THREADS='1')
    t0 = time.time()
    p = subprocess.run([python, '-B', os.path.join(HERE, name + '.py'), '--out', tmp_log, '--meta', tmp_meta],
                       cwd=HERE, env=env, capture_output=True)
    dt = time.time() - t0
    if p.returncode != 0:
        return name, dt, None, f'exit {p.returncode}: {p.stderr.decode(errors="replace")[-2000:]}'
    with open(tmp_log, 'rb') as f:
        data = f.read()
    if data != p.stdout:
        return name, dt, None, 'stdout differs from the --out file'
    with open(tmp_meta, encoding='utf-8') as f:
        meta = json.load(f)
    final = os.path.join(outdir, f'{name}.{EXT[meta["format"]]}')
    os.replace(tmp_log, final)
    return name, dt, meta, None


# ------------------------------------------------------------------------------------------------
# An independent, deliberately simple reader for the summary (not the product's parser).

NUM = r'[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|NaN|inf|Infinity|-inf|-Infinity)'
KV = re.compile(r'([A-Za-z_][A-Za-z_]*(?: [A-Za-z_]+)?)\s*[=:]?\s*(' + NUM + r')(?=[\s,;:]|$)')


def to_float(s):
    s = s.strip()
    if s in ('', 'None'):
        return None
    try:
        return float(s.replace('Infinity', 'inf'))
    except ValueError:
        return None


def read_records(path, fmt):
    """List of {key: float} in file order (keys normalised: lower case, spaces -> '_')."""
    recs = []
    with open(path, encoding='utf-8', newline='') as f:
        text = f.read()
    if fmt == 'csv':
        for row in csv.DictReader(text.splitlines()):
            r = {k.strip().lower(): to_float(v) for k, v in row.items() if k is not None and v is not None}
            recs.append({k: v for k, v in r.items() if v is not None})
        return recs
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if fmt == 'jsonl':
            d = json.loads(line)
            recs.append({k.lower(): float(v) for k, v in d.items() if isinstance(v, (int, float))})
        elif line.startswith("{'"):
            d = eval(line, {'__builtins__': {}}, {'nan': math.nan, 'inf': math.inf})  # HF dict line
            recs.append({k.lower(): float(v) for k, v in d.items() if isinstance(v, (int, float))})
        else:
            r = {}
            for k, v in KV.findall(line):
                r[k.lower().replace(' ', '_')] = float(v.replace('Infinity', 'inf'))
            if r:
                recs.append(r)
    return recs


def pick(recs, candidates):
    best, n = None, 0
    for c in candidates:
        m = sum(1 for r in recs if c in r)
        if m > n:
            best, n = c, m
    return best


def x_of(r):
    for k in ('step', 'iter', 'iteration', 'epoch'):
        if k in r:
            return r[k]
    return None


def summarise(name, path, fmt):
    recs = read_records(path, fmt)
    lk = pick(recs, ['loss', 'train_loss'])
    vk = pick(recs, ['val_loss', 'eval_loss'])
    loss = [(x_of(r), r[lk]) for r in recs if lk and lk in r]
    fin = [v for _, v in loss if math.isfinite(v)]
    first_bad = None
    for r in recs:
        bad = [k for k, v in r.items() if ('loss' in k or 'grad' in k) and not math.isfinite(v)]
        if bad:
            first_bad = (x_of(r), bad)
            break
    val = [(x_of(r), r[vk]) for r in recs if vk and vk in r and math.isfinite(r[vk])]
    vmin = min(val, key=lambda t: t[1]) if val else None
    return {
        'name': name,
        'format': fmt,
        'bytes': os.path.getsize(path),
        'lossKey': lk,
        'points': len(loss),
        'min': min(fin) if fin else None,
        'max': max(fin) if fin else None,
        'firstNonFinite': first_bad,
        'valKey': vk,
        'minValAt': vmin[0] if vmin else None,
        'minVal': vmin[1] if vmin else None,
    }


def crosscheck(s, label):
    """Compare a few label facts with what the independent reader sees."""
    probs = []
    for e in label['expected']:
        if e['kind'] == 'non-finite' and 'onset' in e:
            if not s['firstNonFinite'] or s['firstNonFinite'][0] != e['onset']:
                probs.append(f"non-finite onset {e['onset']} vs read {s['firstNonFinite']}")
        if e['kind'] in ('overfitting', 'early-stop') and 'onset' in e and s['minValAt'] != e['onset']:
            probs.append(f"{e['kind']} onset {e['onset']} vs min val read at {s['minValAt']}")
    if not label['expected'] and 'non-finite' in label['forbidden'] and s['firstNonFinite']:
        probs.append('hard negative has a non-finite value')
    if s['bytes'] > MAX_LOG_BYTES:
        probs.append(f"log is {s['bytes']} bytes")
    return probs


def fmt_num(v):
    if v is None:
        return '-'
    if isinstance(v, float) and (abs(v) >= 1e5 or (0 < abs(v) < 1e-3)):
        return f'{v:.3g}'
    return f'{v:.4g}' if isinstance(v, float) else str(v)


def print_table(summaries, labels, times=None):
    hdr = ['scenario', 'fmt', 'KB', 'series', 'points', 'min loss', 'max loss', 'first non-finite', 'min val at',
           'expected', 'sec', 'check']
    rows = []
    bad = 0
    for s in summaries:
        lab = labels[s['name']]
        nf = s['firstNonFinite']
        probs = crosscheck(s, lab)
        bad += bool(probs)
        exp = ','.join(e['kind'] for e in lab['expected']) or '(none)'
        rows.append([s['name'], s['format'], f"{s['bytes'] / 1024:.0f}", s['lossKey'] or '-', str(s['points']),
                     fmt_num(s['min']), fmt_num(s['max']), fmt_num(nf[0]) + (f" ({'/'.join(nf[1])})" if nf else '')
                     if nf else '-', fmt_num(s['minValAt']) + (f" ({fmt_num(s['minVal'])})" if s['minVal'] is not None else ''),
                     exp, f"{times[s['name']]:.1f}" if times and s['name'] in times else '-',
                     'OK' if not probs else '; '.join(probs)])
    if not times:  # --summary: no run times to show
        i = hdr.index('sec')
        hdr = hdr[:i] + hdr[i + 1:]
        rows = [r[:i] + r[i + 1:] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
    line = lambda cells: '| ' + ' | '.join(c.ljust(w) for c, w in zip(cells, widths)) + ' |'
    print(line(hdr))
    print('|' + '|'.join('-' * (w + 2) for w in widths) + '|')
    for r in rows:
        print(line(r))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', help='comma-separated scenario names')
    ap.add_argument('--jobs', type=int, default=2, help='scripts run in parallel (default 2)')
    ap.add_argument('--python', default='/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable)
    ap.add_argument('--summary', action='store_true', help='do not run anything: re-read logs/ and labels.json')
    ap.add_argument('--check', action='store_true', help='regenerate into a temp dir and compare with logs/')
    args = ap.parse_args()

    names = scenario_names()
    if args.only:
        want = args.only.split(',')
        unknown = [n for n in want if n not in names]
        if unknown:
            sys.exit(f'unknown scenarios: {unknown}')
        names = want

    labels = {}
    if os.path.exists(LABELS):
        with open(LABELS, encoding='utf-8') as f:
            labels = json.load(f)

    times = {}
    if not args.summary:
        outdir = tempfile.mkdtemp(prefix='loss-lens-scenarios-')
        t0 = time.time()
        failed = []
        with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
            futs = [ex.submit(run_one, n, args.python, outdir) for n in names]
            for fut in cf.as_completed(futs):
                name, dt, meta, err = fut.result()
                times[name] = dt
                if err:
                    failed.append(name)
                    print(f'FAILED {name} ({dt:.1f}s): {err}', file=sys.stderr)
                    continue
                print(f'{name}: {dt:.1f}s', file=sys.stderr)
                ext = EXT[meta['format']]
                entry = {'script': f'{name}.py', 'log': f'logs/{name}.{ext}'}
                entry.update(meta)
                if args.check:
                    committed = os.path.join(LOGS, f'{name}.{ext}')
                    same = os.path.exists(committed) and open(committed, 'rb').read() == open(
                        os.path.join(outdir, f'{name}.{ext}'), 'rb').read()
                    same_label = labels.get(name) == entry
                    print(f'  {name}: log {"identical" if same else "DIFFERS"}, label '
                          f'{"identical" if same_label else "DIFFERS"}', file=sys.stderr)
                    if not (same and same_label):
                        failed.append(name)
                    continue
                os.makedirs(LOGS, exist_ok=True)
                for old in os.listdir(LOGS):
                    if old.rsplit('.', 1)[0] == name:
                        os.remove(os.path.join(LOGS, old))
                shutil.move(os.path.join(outdir, f'{name}.{ext}'), os.path.join(LOGS, f'{name}.{ext}'))
                labels[name] = entry
        total = time.time() - t0
        shutil.rmtree(outdir, ignore_errors=True)
        if not args.check:
            labels = {k: labels[k] for k in sorted(labels) if k in scenario_names()}
            with open(LABELS, 'w', encoding='utf-8') as f:
                json.dump(labels, f, indent=2, allow_nan=False)
                f.write('\n')
        print(f'\n{len(names)} scenarios in {total:.1f}s wall ({args.jobs} at a time), '
              f'{sum(times.values()):.1f}s summed', file=sys.stderr)
        if args.check:
            print('check: ' + ('all identical' if not failed else f'differences in {sorted(set(failed))}'))
            sys.exit(1 if failed else 0)
        if failed:
            sys.exit(f'failed: {failed}')

    summaries = []
    for name in sorted(names):
        lab = labels[name]
        summaries.append(summarise(name, os.path.join(HERE, lab['log']), lab['format']))
    bad = print_table(summaries, labels, times)
    if bad:
        sys.exit(f'{bad} scenario(s) failed the cross-check')


if __name__ == '__main__':
    main()
