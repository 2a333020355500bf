/**
 * Reading one file on two threads (formats/split.ts, parallel.ts) must give exactly the run a
 * single thread reads: same series in the same order, roles, steps, values, wall times, lines,
 * restart and non-finite counts, events and meta. Every real CSV / JSON-lines file and
 * generated edge cases are split at many places (the part read in-process, the same code as the
 * worker runs), and a large file goes through a real worker thread.
 */
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPaths } from '../../../src/core/load';
import type { Run } from '../../../src/core/model';
import type { ThreadOptions } from '../../../src/core/parallel';
import { REAL, REPO_ROOT } from '../../helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-split-'));

/** Everything a consumer can see of a run, as one string. */
function snapshot(runs: Run[]): string {
  return JSON.stringify(
    runs.map(r => ({
      source: r.source,
      name: r.name,
      format: r.format,
      events: r.events,
      meta: r.meta,
      series: [...r.series.values()].map(s => ({
        name: s.name,
        role: s.role,
        restarts: s.restarts,
        nonFinite: s.nonFinite,
        steps: Array.from(s.steps.view(), String),
        values: Array.from(s.values.view(), v => (Object.is(v, -0) ? '-0' : String(v))),
        walls: s.wallTimes ? Array.from(s.wallTimes.view(), String) : null,
        lines: s.lines ? Array.from(s.lines.view()) : null,
        // get() on adopted arrays must agree with view()
        get: s.length ? [s.steps.get(s.length - 1), s.values.get(s.length >> 1)].map(String) : [],
      })),
    })),
  );
}

async function read(file: string, threads: ThreadOptions | false): Promise<{ snap: string; outcome: string }> {
  let outcome = 'no split';
  const t = threads === false ? false : { ...threads, onSplit: (_f: string, o: string) => (outcome = o) };
  const r = await loadPaths([file], { threads: t });
  return { snap: snapshot(r.runs) + JSON.stringify(r.problems), outcome };
}

/** Split `file` at many places (small prefix / warm-up windows) and compare with one thread. */
async function splitsAgree(file: string, fractions = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]): Promise<string[]> {
  const ref = (await read(file, false)).snap;
  const outcomes: string[] = [];
  for (const at of fractions) {
    for (const [prefixBytes, warmBytes] of [
      [64 << 10, 64 << 10],
      [120, 200],
      [1000, 300],
    ]) {
      const got = await read(file, { inProcess: true, minBytes: 0, at, prefixBytes, warmBytes });
      expect(got.snap, `${path.basename(file)} split at ${at} (${prefixBytes}/${warmBytes}): ${got.outcome}`).toBe(ref);
      outcomes.push(got.outcome);
    }
  }
  return outcomes;
}

/** splitsAgree on every file; at least `minJoined` of all the splits must join. */
async function allAgree(files: string[], minJoined: number): Promise<void> {
  let joined = 0;
  const why: Record<string, number> = {};
  for (const f of files) {
    for (const o of await splitsAgree(f)) {
      why[`${path.basename(f)}: ${o}`] = (why[`${path.basename(f)}: ${o}`] ?? 0) + 1;
      if (o === 'joined') joined++;
    }
  }
  expect(joined, JSON.stringify(why, null, 1)).toBeGreaterThanOrEqual(minJoined);
}

const NEVER_JOINED = new Set(['headers.csv', 'nostep.jsonl', 'mmengine.jsonl']);

function write(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('split reading gives exactly the single-thread run', () => {
  it('on every real CSV and JSON-lines file of the corpus', async () => {
    const files: string[] = [];
    for (const dir of ['lightning_csv', 'keras_csvlogger', 'yolo_results_csv', 'detectron2_metrics_json', 'mmengine_scalars_json']) {
      for (const f of fs.readdirSync(path.join(REAL, dir))) files.push(path.join(REAL, dir, f));
    }
    files.push(path.join(REAL, 'wandb/legacy_2020/wandb-history.jsonl'), path.join(REAL, 'wandb/legacy_2020/wandb-events.jsonl'));
    expect(files.length).toBeGreaterThanOrEqual(19);
    // Many splits join (the rest are refused or impossible in files this small, never wrong).
    await allAgree(files, 45);
  });

  it('on generated CSV edge cases', async () => {
    const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
    const cases: Record<string, string> = {
      // no step column: steps are row indexes, shifted on joining
      'norows.csv': 'loss,acc\n' + rows(3000, i => `${1 / (i + 1)},${i % 7 === 0 ? '' : i / 3000}`) + '\n',
      // a restart after the middle
      'restart.csv': 'step,loss\n' + rows(3000, i => `${i < 2000 ? i : i - 1500},${Math.sin(i)}`) + '\n',
      // a repeated header and a new header after the middle
      'headers.csv':
        'step,loss,lr\n' + rows(1500, i => `${i},${i / 7},1e-3`) + '\nstep,loss,lr\n' + rows(800, i => `${1500 + i},${i},2e-3`) +
        '\nstep,val_loss\n' + rows(700, i => `${2300 + i},${i / 9}`) + '\n',
      // quoted cells with newlines, CRLF, NaN / inf, malformed rows, a sparse column late
      'odd.csv':
        'step,loss,note,late\r\n' +
        rows(2500, i => `${i},${i % 97 === 0 ? 'nan' : i % 89 === 0 ? '-inf' : (i / 13).toFixed(4)},${i % 50 === 0 ? '"a\r\nb,c"' : 'x'},${i > 2200 ? i : ''}${i % 333 === 0 ? ',extra' : ''}`) +
        '\r\n',
      // no final newline, blank lines
      'tail.csv': 'epoch,loss\n' + rows(2000, i => (i % 100 === 0 ? '' : `${i},${i * 0.5}`)) + '\n1999,0.1',
      // steps missing in some rows (the last step is carried)
      'gaps.csv': 'step,loss\n' + rows(2000, i => `${i % 10 === 0 ? '' : i},${i}`) + '\n',
      // a log being written: its last row cut short (a malformed row at the end)
      'cut.csv': 'step,loss,acc\n' + rows(3000, i => `${i},${i / 7},${i / 9}`) + '\n3000,0.5',
      // malformed rows all along, more than the 50 listed (the rest counted), with restarts between
      'ragged.csv': 'step,loss\n' + rows(3000, i => (i % 37 === 0 ? `${i},1,2,3` : i % 53 === 0 ? `${i - 40},${i}` : `${i},${i}`)) + '\n',
      // steps only on every 20th (long) row: a short warm-up sees none
      'sparse-step.csv': 'step,loss,text\n' + rows(2000, i => `${i % 20 === 0 ? i : ''},${i},${'t'.repeat(150)}`) + '\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const o = await splitsAgree(write(name, text));
      // Cases whose parts always change what a key cannot carry (a new header) or that have
      // no split point (no step key, MMEngine epoch maps) are only checked for being refused.
      if (!NEVER_JOINED.has(name)) expect(o, name).toContain('joined');
    }
  });

  it('on a CSV and JSON lines stepping back on every other row (300,000 restarts)', async () => {
    const n = 600_000;
    const csv = ['step,loss', ...Array.from({ length: n }, (_, i) => `${i % 2 ? i : 0},${i}`)].join('\n') + '\n';
    const jsonl = Array.from({ length: n }, (_, i) => `{"step": ${i % 2 ? i : 0}, "loss": ${i}}`).join('\n') + '\n';
    for (const [name, text] of [
      ['flip.csv', csv],
      ['flip.jsonl', jsonl],
    ]) {
      const f = write(name, text);
      const ref = await read(f, false);
      const got = await read(f, { inProcess: true, minBytes: 0 });
      expect(got.outcome).toBe('joined');
      expect(got.snap).toBe(ref.snap);
    }
  });

  it('on generated JSON-lines edge cases', async () => {
    const lines = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => JSON.stringify(f(i))).join('\n');
    const cases: Record<string, string> = {
      'restart.jsonl': lines(3000, i => ({ iteration: i < 2000 ? i : i - 1000, total_loss: 1 / (i + 1), lr: 0.01 })) + '\n',
      'walls.jsonl': lines(3000, i => ({ _step: i, _timestamp: 1.6e9 + i, loss: i / 3, ...(i > 2500 ? { late: i } : {}) })) + '\n',
      'nostep.jsonl': lines(3000, i => ({ loss: i / 3 })) + '\n',
      // steps only on every 10th line; long lines without one carry the last step
      'carry.jsonl': lines(2000, i => (i % 10 === 0 ? { step: i, loss: i } : { val: i, note: 'x'.repeat(250) })) + '\n',
      'mixed.jsonl':
        'not json\n' +
        lines(3000, i =>
          i % 41 === 0 ? { step: i, loss: 'nan', note: 'x' } : i % 43 === 0 ? { step: i, nested: { a: i } } : { step: i, loss: i / 7 },
        ).replace(/"nan"/g, 'NaN') +
        '\n' +
        lines(100, i => ({ step: 3000 + i, loss: i })),
      // a log being written (last line cut), bad lines and restarts interleaved
      'cut.jsonl':
        lines(3000, i => (i % 61 === 0 ? 'BAD' : { iteration: i % 97 === 0 ? i - 50 : i, loss: i / 3 })).replace(/"BAD"/g, '{"loss": 1,') +
        '\n{"iteration": 3000, "lo',
      'mmengine.jsonl':
        lines(3000, i =>
          i % 100 === 99 ? { 'coco/bbox_mAP': i / 1e4, step: Math.floor(i / 100) + 1 } : { epoch: Math.floor(i / 100) + 1, iter: i, step: i, loss: 1 / (i + 1), lr: 0.02 },
        ) + '\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const o = await splitsAgree(write(name, text));
      // Cases whose parts always change what a key cannot carry (a new header) or that have
      // no split point (no step key, MMEngine epoch maps) are only checked for being refused.
      if (!NEVER_JOINED.has(name)) expect(o, name).toContain('joined');
    }
  });
});

describe('split reading of text logs gives exactly the single-thread run', () => {
  it('on every real stdout / fairseq log of the corpus and the examples', async () => {
    const files: string[] = [];
    for (const dir of ['stdout', 'fairseq_log']) for (const f of fs.readdirSync(path.join(REAL, dir))) files.push(path.join(REAL, dir, f));
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'examples'))) {
      if (/\.(log|txt)$/.test(f)) files.push(path.join(REPO_ROOT, 'examples', f));
    }
    expect(files.length).toBeGreaterThanOrEqual(10);
    await allAgree(files, 40);
  });

  it('on generated text logs: seed template, Keras redraws, HF dicts and dumps, restarts, no steps', async () => {
    const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
    const keras = rows(600, e => {
      const bar = rows(8, b => `${(b + 1) * 10}/80 [${'='.repeat(b)}>] - ETA: ${8 - b}s - loss: ${(1 / (e + b + 1)).toFixed(4)} - accuracy: 0.${e}${b}`).split('\n').join('\r');
      return `Epoch ${e + 1}/600\n${bar}\r80/80 [==========] - 2s 20ms/step - loss: ${(1 / (e + 1)).toFixed(4)} - val_loss: ${(1.2 / (e + 1)).toFixed(4)}`;
    });
    const cases: Record<string, string> = {
      'seed.log': rows(3000, i => `Epoch ${i}: Train Loss = ${(2 / (i + 1)).toFixed(4)}, Val Loss = ${(2.2 / (i + 1)).toFixed(4)}, LR = 0.001000`) + '\n',
      'keras.log': keras + '\n',
      'hf.log':
        'TrainingArguments(\n_n_gpu=1,\nlearning_rate=5e-05,\n)\n***** Running training *****\n  Num examples = 100\n' +
        rows(2500, i =>
          i % 50 === 49
            ? `{'eval_loss': ${(1 / (i + 2)).toFixed(4)}, 'eval_runtime': 1.5, 'epoch': ${(i / 500).toFixed(2)}}`
            : `{'loss': ${(2 / (i + 1)).toFixed(4)}, 'grad_norm': ${(i % 7) + 0.5}, 'learning_rate': 5e-05, 'epoch': ${(i / 500).toFixed(2)}}`,
        ) + '\n',
      'nanogpt.log': rows(3000, i => `iter ${i < 2000 ? i : i - 1200}: loss ${(3 / (1 + i / 100)).toFixed(4)}, time 130.11ms, mfu ${i < 5 ? '-100.00' : '40.50'}%`) + '\n',
      'tqdm.log': rows(1500, i => `Epoch ${(i / 100) | 0}: ${i % 100}%|###| ${i % 100}/100 [00:0${i % 10}<00:00, 4.5it/s, loss=${(1 / (i + 1)).toFixed(4)}]\r`.repeat(2)) + '\n',
      // the loss series steps back on every other line: restarts listed up to 100, then counted
      'flip.log': rows(3000, i => (i % 2 ? `step ${i} | loss ${i}` : `{'loss': ${i}, 'epoch': ${(i / 1e4).toFixed(3)}}`)) + '\n',
      'lateflip.log': rows(3000, i => (i % 2 && i > 2000 ? `{'loss': ${i}, 'epoch': 0.5}` : `step ${i} | loss ${i}`)) + '\n',
      // a series last seen in the file's first lines at a later step than in the middle: the
      // worker must not judge a restart by what it saw at the start
      'stale.log':
        'step 5000 | val_loss 1.0\n' +
        rows(3000, i => (i === 1000 ? 'step 1000 | val_loss 0.5' : i === 2900 ? 'step 2900 | val_loss 0.4' : `step ${i} | loss ${i}`)) +
        '\n',
      'nostep.log': rows(3000, i => `loss: ${(1 / (i + 1)).toFixed(5)} acc: 0.${i}`) + '\n',
      'odd.log':
        rows(2500, i =>
          i % 300 === 0
            ? 'Traceback (most recent call last):\n  File "x.py", line 3\nValueError: bad'
            : i % 777 === 0
              ? 'x'.repeat(3000) + ` loss ${i}`
              : `step ${i} | loss ${i % 101 === 0 ? 'nan' : (1 / (i + 1)).toFixed(6)} | lr 1e-3 | ${i % 500 === 0 ? 'gradient overflow detected' : 'ok'}`,
        ) + '\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const o = await splitsAgree(write(name, text));
      // Cases whose parts always change what a key cannot carry (a new header) or that have
      // no split point (no step key, MMEngine epoch maps) are only checked for being refused.
      if (!NEVER_JOINED.has(name)) expect(o, name).toContain('joined');
    }
  });
});

describe('split reading of mutated real logs (fuzz)', () => {
  // Lines deleted, repeated, moved, garbled, garbage lines put in, the file cut short; split at
  // a random place with random windows: still exactly the one-thread run (or refused).
  const sources: { name: string; lines: string[] }[] = [];
  for (const dir of ['lightning_csv', 'keras_csvlogger', 'yolo_results_csv', 'detectron2_metrics_json', 'mmengine_scalars_json', 'stdout', 'fairseq_log']) {
    for (const f of fs.readdirSync(path.join(REAL, dir))) {
      const file = path.join(REAL, dir, f);
      if (fs.statSync(file).size < 300_000) sources.push({ name: f, lines: fs.readFileSync(file, 'latin1').split('\n') });
    }
  }
  const GARBAGE = ['', 'step', 'nan', '{"loss": NaN}', 'loss: inf', '1,2,3,4,5,6,7,8,9', '"a\nb"', 'Epoch 1/2', '\r', 'x'.repeat(500), '{', ')'];
  const op = fc.record({ kind: fc.integer({ min: 0, max: 5 }), at: fc.nat(), to: fc.nat(), g: fc.nat() });

  it('gives the one-thread run', async () => {
    let n = 0;
    let joined = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(op, { maxLength: 8 }),
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.integer({ min: 40, max: 5000 }),
        fc.integer({ min: 40, max: 9000 }),
        async (si, ops, at, prefixBytes, warmBytes) => {
          const src = sources[si];
          const lines = [...src.lines];
          let cut = -1;
          for (const o of ops) {
            const i = o.at % Math.max(1, lines.length);
            if (o.kind === 0) lines.splice(i, 1);
            else if (o.kind === 1) lines.splice(i, 0, lines[i] ?? '');
            else if (o.kind === 2) [lines[i], lines[o.to % lines.length]] = [lines[o.to % lines.length], lines[i]];
            else if (o.kind === 3) lines.splice(i, 0, GARBAGE[o.g % GARBAGE.length]);
            else if (o.kind === 4 && lines[i]) {
              const k = o.to % lines[i].length;
              lines[i] = lines[i].slice(0, k) + String.fromCharCode(33 + (o.g % 90)) + lines[i].slice(k + 1);
            } else if (o.kind === 5) cut = o.to;
          }
          let text = lines.join('\n');
          if (cut >= 0) text = text.slice(0, Math.max(1, cut % text.length));
          const f = path.join(tmp, `fuzz-${n++}-${src.name}`);
          fs.writeFileSync(f, Buffer.from(text, 'latin1'));
          const ref = await read(f, false);
          const got = await read(f, { inProcess: true, minBytes: 0, at, prefixBytes, warmBytes });
          fs.unlinkSync(f);
          if (got.outcome === 'joined') joined++;
          expect(got.snap, `${src.name} at ${at}: ${got.outcome}`).toBe(ref.snap);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    expect(joined).toBeGreaterThan(n / 4);
  });
});

describe('split reading on a real worker thread', () => {
  let script = '';
  beforeAll(() => {
    // The worker bundle, built here so that the test does not depend on `npm run build`.
    script = path.join(tmp, 'parse-worker.js');
    buildSync({
      entryPoints: [path.join(REPO_ROOT, 'src/core/partWorker.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
    });
  });

  it('joins the worker part of large CSV, JSON-lines and text files, same run as one thread', async () => {
    const csv: string[] = ['step,epoch,train_loss,val_loss,lr,grad_norm'];
    const jsonl: string[] = [];
    const log: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      const loss = 2.5 * Math.exp(-i / 30_000) + 0.01 * Math.sin(i);
      csv.push(`${i},${(i / 1000) | 0},${loss.toFixed(6)},${i % 500 === 0 ? (loss * 1.1).toFixed(6) : ''},6.0000e-4,${(1 + Math.cos(i)).toFixed(4)}`);
      jsonl.push(`{"iteration": ${i}, "total_loss": ${loss.toFixed(6)}, "lr": ${(6e-4).toExponential(6)}, "time": 0.31}`);
      log.push(
        i % 3 === 0
          ? `step ${i} | loss: ${loss.toFixed(6)} | lr 6.0000e-4 | norm: ${(1 + Math.cos(i)).toFixed(4)} | dt: 125.43ms`
          : i % 3 === 1
            ? `iter ${i}: loss ${loss.toFixed(4)}, time 130.11ms, mfu 40.50%`
            : `{'loss': ${loss.toFixed(4)}, 'grad_norm': 1.5, 'learning_rate': 6e-4, 'epoch': ${(i / 1e4).toFixed(2)}}`,
      );
    }
    for (const [name, text] of [
      ['big.csv', csv.join('\n') + '\n'],
      ['big.jsonl', jsonl.join('\n') + '\n'],
      ['big.log', log.join('\n') + '\n'],
    ]) {
      const f = write(name, text);
      const ref = await read(f, false);
      const got = await read(f, { script, minBytes: 1 << 20 });
      expect(got.outcome).toBe('joined');
      expect(got.snap).toBe(ref.snap);
    }
  });

  it('reads on by itself when the worker cannot run', async () => {
    const f = write('small.csv', 'step,loss\n' + Array.from({ length: 5000 }, (_, i) => `${i},${i}`).join('\n') + '\n');
    const ref = await read(f, false);
    const got = await read(f, { script: path.join(tmp, 'missing-worker.js'), minBytes: 0, prefixBytes: 100 });
    expect(got.outcome).toMatch(/worker/);
    expect(got.snap).toBe(ref.snap);
  });
});
