/**
 * Forecast benchmark: the time of one forecast (forecastCurve) per series, on generated noisy
 * curves of 100 to 1,000,000 points and on every curve of the forecast evaluation (the judged
 * corpus, the real fixtures and the scenario runs). Goal: under 5 ms per series.
 *
 *   node bench/out/forecast.cjs [REPO]
 */
import { forecastCurve } from '../src/core/forecast/forecast';
import { collectCurves } from '../src/eval/forecastEval';

function curve(n: number): { steps: Float64Array; values: Float64Array } {
  const steps = new Float64Array(n);
  const values = new Float64Array(n);
  let x = 987654321;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    steps[i] = i + 1;
    values[i] = (0.3 + 2 * Math.pow((i + 1) / n, -0.4) / 10) * (1 + (x / 4294967296 - 0.5) * 0.3);
  }
  return { steps, values };
}

/**
 * Milliseconds of one forecast of a curve: the median wall time of `reps` forecasts, and the
 * process CPU time per forecast (on a shared machine the wall time includes waiting for a core).
 */
function timeOne(steps: Float64Array, values: Float64Array, reps: number): number {
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    forecastCurve(steps, values);
    ms.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000 / reps);
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1];
}

/** CPU milliseconds per forecast of the timeOne calls, in order. */
const cpu: number[] = [];

async function main(): Promise<void> {
  const rows: string[] = ['| curve | points | wall ms per forecast (median) | CPU ms per forecast |', '|---|---:|---:|---:|'];
  for (const c of [curve(1000), curve(100)]) timeOne(c.steps, c.values, 20); // warm up
  cpu.length = 0;
  for (const n of [100, 1_000, 10_000, 100_000, 1_000_000]) {
    const c = curve(n);
    const wall = timeOne(c.steps, c.values, n >= 100_000 ? 5 : 30);
    rows.push(`| generated | ${n.toLocaleString('en-US')} | ${wall.toFixed(2)} | ${cpu[cpu.length - 1].toFixed(2)} |`);
  }
  const real = await collectCurves(process.argv[2] ?? process.cwd());
  const per: number[] = [];
  cpu.length = 0;
  for (const c of real) per.push(timeOne(c.steps, c.values, 5));
  per.sort((a, b) => a - b);
  const cs = cpu.slice().sort((a, b) => a - b);
  const q = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(2);
  rows.push(
    `| ${real.length} real curves, median | — | ${q(per, 0.5)} | ${q(cs, 0.5)} |`,
    `| ${real.length} real curves, 95th percentile | — | ${q(per, 0.95)} | ${q(cs, 0.95)} |`,
    `| ${real.length} real curves, slowest | — | ${per[per.length - 1].toFixed(2)} | ${cs[cs.length - 1].toFixed(2)} |`,
  );
  process.stdout.write(`Forecast (one series):\n\n${rows.join('\n')}\n`);
}

main().catch(e => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
