// `npm run bench`: parse throughput and memory for generated 100 MB logs of each kind, pandas
// on the same CSV, a 1 GB text log analysed end to end (peak RSS), and — when present — the
// engine and webview benchmarks. Benchmarks, not tests: numbers are printed, nothing asserts.
//
//   npm run bench                 # everything
//   npm run bench -- --quick      # 20 MB files, no 1 GB run
import * as esbuild from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const quick = process.argv.includes('--quick');
const sizeMB = quick ? 20 : 100;
const OUT = path.resolve('bench/out');
mkdirSync(OUT, { recursive: true });

for (const [entry, out] of [
  ['bench/parse.ts', 'parse.cjs'],
  ['bench/gen-cli.ts', 'gen.cjs'],
  ...(existsSync('bench/engine.ts') ? [['bench/engine.ts', 'engine.cjs']] : []),
  ...(existsSync('bench/runs.ts') ? [['bench/runs.ts', 'runs.cjs']] : []),
  ...(existsSync('bench/forecast.ts') ? [['bench/forecast.ts', 'forecast.cjs']] : []),
  ['bench/open.ts', 'open.cjs'],
]) {
  await esbuild.build({ entryPoints: [entry], outfile: path.join(OUT, out), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
}

function gen(kind, mb, ext) {
  const file = path.join(OUT, `bench-${kind}-${mb}MB.${ext}`);
  if (!existsSync(file) || statSync(file).size < mb * 1e6) {
    process.stderr.write(`generating ${file} ...\n`);
    execFileSync(process.execPath, [path.join(OUT, 'gen.cjs'), kind, file, String(mb)]);
  }
  return file;
}

function measureOnce(file, mode) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', path.join(OUT, 'parse.cjs'), file, mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * Best of `REPEAT` runs, each in a fresh process (the machine is shared: the fastest run is the
 * one least disturbed by other jobs), with the median kept for the table too.
 */
const REPEAT = quick ? 1 : 5;
function measure(file, mode = 'parse', repeat = REPEAT) {
  const runs = [];
  for (let i = 0; i < repeat; i++) runs.push(measureOnce(file, mode));
  runs.sort((a, b) => a.seconds - b.seconds);
  return { ...runs[0], medianSeconds: runs[Math.floor(runs.length / 2)].seconds, runs: runs.length };
}

const rows = [];
const files = {};
for (const [kind, ext] of [['csv', 'csv'], ['jsonl', 'jsonl'], ['text', 'log'], ['tfevents', 'tfevents']]) {
  const file = gen(kind, sizeMB, ext === 'tfevents' ? 'bin' : ext);
  files[kind] = file;
  // The loader as it runs in the CLI and the extension (large CSV / JSON lines / text read on
  // two threads, see src/core/parallel.ts), then on one thread for comparison.
  const m = measure(file, 'parse');
  const one = measure(file, 'parse-1thread');
  rows.push({ kind, ...m, one });
}

const fmt = (v, d = 1) => (typeof v === 'number' ? v.toFixed(d) : String(v));
console.log(`\nParse throughput (${sizeMB} MB generated logs, streaming loader; best and median of ${REPEAT} runs, each in a fresh process)`);
console.log('| format | MB | MB/s best | MB/s median | split | MB/s one thread: best | median | points | bytes/point (arrays) | bytes/point (heap, one thread) | peak RSS MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const o = r.one;
  console.log(
    `| ${r.kind} | ${fmt(r.bytes / 1e6)} | ${fmt(r.mbps)} | ${fmt(r.bytes / 1e6 / r.medianSeconds)} | ${r.split} | ${fmt(o.mbps)} | ${fmt(o.bytes / 1e6 / o.medianSeconds)} | ` +
      `${r.points.toLocaleString('en-US')} | ${fmt(r.bytesPerPointArrays)} | ${fmt(o.bytesPerPointHeap)} | ${fmt(r.peakRssMB, 0)} |`,
  );
}

// pandas on the same CSV.
const py = spawnSync('/usr/bin/python3', ['-c', `
import sys, time
import pandas as pd
best = 1e9
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); df = pd.read_csv(sys.argv[1]); best = min(best, time.perf_counter() - t)
print(best)
`, files.csv, String(REPEAT)], { encoding: 'utf8' });
if (py.status === 0) {
  const pandasSec = Number(py.stdout.trim());
  const ours = rows.find(r => r.kind === 'csv');
  console.log(
    `\npandas.read_csv on the same ${fmt(ours.bytes / 1e6)} MB CSV (best of ${REPEAT}): ${fmt(pandasSec, 2)} s (${fmt(ours.bytes / 1e6 / pandasSec)} MB/s); ` +
      `Loss Lens ${fmt(ours.seconds, 2)} s (one thread ${fmt(ours.one.seconds, 2)} s) — ratio pandas time / ours = ${fmt(pandasSec / ours.seconds, 2)}x ` +
      `(one thread ${fmt(pandasSec / ours.one.seconds, 2)}x; above 1: Loss Lens is faster)`,
  );
} else {
  console.log(`\npandas comparison skipped: /usr/bin/python3 with pandas not available (${py.stderr.trim().split('\n').pop()})`);
}

if (!quick) {
  const big = gen('text', 1000, 'log');
  const m = measure(big, 'analyze', 1);
  console.log(`\n1 GB text log, load + analyze: ${fmt(m.bytes / 1e6, 0)} MB in ${fmt(m.seconds, 1)} s (${fmt(m.mbps)} MB/s, ${m.split}), ${m.points.toLocaleString('en-US')} points, analyze ${fmt(m.analyzeMs, 0)} ms, peak RSS ${fmt(m.peakRssMB, 0)} MB (target < 1024)`);
}

// Opening a big log in the extension (issue 13): the time to the first chart's message and to
// the findings, what travels to the webview, and the longest stall of the extension host's
// thread — on a worker thread now, against the old way on the main thread.
{
  const open = [
    ['tfevents', quick ? 20 : 100, 'bin', 3000],
    ['csv', quick ? 40 : 200, 'csv', 6000],
  ].map(([kind, mb, ext, target]) => {
    const file = gen(kind, mb, ext);
    const r = spawnSync(process.execPath, ['--max-old-space-size=4096', path.join(OUT, 'open.cjs'), file, String(quick ? 1 : 3)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return { kind, mb, target, ...JSON.parse(r.stdout) };
  });
  console.log(`\nOpening a big log in the extension host (median of ${quick ? 1 : 3}; first = the message the webview draws first, of the part read so far for a large file)`);
  console.log('| log | first chart message (worker) | its size | whole log drawn (worker) | findings (worker) | main-thread stall (worker) | old way: first message | its size | old way: main-thread stall | target (first chart in code-server) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const o of open) {
    const w = o.worker;
    const m = o.mainThread;
    console.log(
      `| ${o.mb} MB ${o.kind} | ${fmt(w.firstMs / 1000, 2)} s | ${fmt(w.firstMB, 1)} MB | ${fmt(w.wholeMs / 1000, 2)} s | ${fmt(w.doneMs / 1000, 2)} s | ${fmt(w.stallMs, 0)} ms | ` +
        `${fmt(m.firstMs / 1000, 2)} s | ${fmt(m.firstMB, 0)} MB | ${fmt(m.stallMs, 0)} ms | < ${o.target / 1000} s |`,
    );
  }
  // The real thing: the e2e test (test/e2e/bigfile.e2e.ts) times the first chart in code-server.
  const e2e = path.join(OUT, 'e2e-open-times.json');
  if (existsSync(e2e)) {
    const t = JSON.parse(readFileSync(e2e, 'utf8'));
    console.log(
      `\nIn code-server (last e2e run, ${statSync(e2e).mtime.toISOString()}): 100 MB tfevents first chart ${fmt(t.tfeventsFirstChartMs / 1000, 2)} s ` +
        `(whole log ${fmt(t.tfeventsWholeChartMs / 1000, 2)} s), 200 MB CSV first chart ${fmt(t.csvFirstChartMs / 1000, 2)} s (whole log ${fmt(t.csvWholeChartMs / 1000, 2)} s), ` +
        `a small log's Problems while the CSV was read ${fmt(t.smallLogProblemsMs / 1000, 2)} s (idle ${fmt(t.smallLogProblemsIdleMs / 1000, 2)} s)`,
    );
  } else console.log('\nIn code-server: run `npx vitest run --config vitest.e2e.config.ts test/e2e/bigfile.e2e.ts` for the real open times.');
}

if (existsSync(path.join(OUT, 'engine.cjs'))) {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(OUT, 'engine.cjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write('\n' + r.stdout);
}
if (existsSync(path.join(OUT, 'forecast.cjs'))) {
  const r = spawnSync(process.execPath, [path.join(OUT, 'forecast.cjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write('\n' + r.stdout);
}
if (existsSync('bench/webview.mjs')) {
  const r = spawnSync(process.execPath, ['bench/webview.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write('\n' + r.stdout);
}
if (existsSync(path.join(OUT, 'runs.cjs'))) {
  const r = spawnSync(process.execPath, [path.join(OUT, 'runs.cjs'), '1000', 'dist/cli.js'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write('\n' + r.stdout);
}
