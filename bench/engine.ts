/**
 * Engine benchmark: batch diagnosis of 10 million points, and the mean cost of a live append
 * of 1,000 points (LiveDiagnoser), measured on a generated noisy training curve.
 */
import { diagnose, LiveDiagnoser } from '../src/core/diagnose';
import { createRun, seriesOf, type Run } from '../src/core/model';

function makeRun(n: number, name = 'loss'): Run {
  const run = createRun('bench', 'text', 'bench');
  const s = seriesOf(run, name);
  let x = 987654321;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    const noise = (x / 4294967296 - 0.5) * 0.1;
    s.push(i, 2.5 * Math.exp(-i / (n / 5)) + 0.3 + noise);
  }
  s.trim();
  return run;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const N = 10_000_000;
const run = makeRun(N);
diagnose([makeRun(100_000)]); // warm up
const [findings, ms] = time(() => diagnose([run]));
console.log('Diagnostic engine');
console.log(`| measurement | result | target |`);
console.log(`|---|---|---|`);
console.log(`| batch diagnosis of ${N.toLocaleString('en-US')} points | ${ms.toFixed(0)} ms (${findings.length} findings) | < 1000 ms |`);

// Live: append 1,000 points at a time to a run that grows to 2 M points.
const live = createRun('live', 'text', 'live');
const s = seriesOf(live, 'loss');
const diag = new LiveDiagnoser();
let x = 42;
const times: number[] = [];
const total = 2_000_000;
for (let i = 0; i < total; ) {
  for (let k = 0; k < 1000; k++, i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    s.push(i, 2.5 * Math.exp(-i / 400000) + 0.3 + (x / 4294967296 - 0.5) * 0.1);
  }
  const t0 = performance.now();
  diag.update(live);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`| live append of 1,000 points (history up to 2 M), mean | ${mean.toFixed(3)} ms | < 1 ms |`);
console.log(`| live append of 1,000 points, p99 | ${times[Math.floor(times.length * 0.99)].toFixed(3)} ms | |`);
