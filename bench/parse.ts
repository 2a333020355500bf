/**
 * One benchmark measurement in a fresh process: parse FILE with the loader (streaming, as the
 * CLI does), then print JSON with throughput, points and memory. Run by bench/run.mjs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeRuns } from '../src/core/analyze';
import { loadPaths } from '../src/core/load';
import { pointCount } from '../src/core/model';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  const size = fs.statSync(file).size;
  gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  // `MODE-1thread` reads on one thread; otherwise large CSV / JSON lines use the worker of
  // dist/ (npm run bench builds it first).
  const oneThread = mode.endsWith('-1thread');
  const script = path.resolve(__dirname, '../../dist/parse-worker.js');
  const at = process.env.BENCH_SPLIT_AT ? Number(process.env.BENCH_SPLIT_AT) : undefined;
  let split = oneThread ? 'one thread' : 'not split';
  const onSplit = (_f: string, outcome: string) => (split = outcome);
  const r = await loadPaths([file], { threads: oneThread ? false : { script, at, onSplit } });
  const t1 = performance.now();
  let findings = -1;
  let analyzeMs = 0;
  if (mode.startsWith('analyze')) {
    const a0 = performance.now();
    findings = analyzeRuns(r.runs).length;
    analyzeMs = performance.now() - a0;
  }
  gc?.();
  const after = process.memoryUsage();
  const points = r.runs.reduce((a, run) => a + pointCount(run), 0);
  let seriesBytes = 0;
  for (const run of r.runs) for (const s of run.series.values()) seriesBytes += s.byteLength;
  const heapDelta = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  const out = {
    file,
    bytes: size,
    seconds: (t1 - t0) / 1000,
    mbps: size / 1e6 / ((t1 - t0) / 1000),
    points,
    series: r.runs.reduce((a, run) => a + run.series.size, 0),
    problems: r.problems.length,
    bytesPerPointArrays: seriesBytes / Math.max(1, points),
    bytesPerPointHeap: heapDelta / Math.max(1, points),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    findings,
    analyzeMs,
    split,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
