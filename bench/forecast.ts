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

/** Median milliseconds of `reps` forecasts of one curve. */
function timeOne(steps: Float64Array, values: Float64Array, reps: number): number {
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    forecastCurve(steps, values);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1];
}

async function main(): Promise<void> {
  const rows: string[] = ['| curve | points | ms per forecast (median) |', '|---|---:|---:|'];
  for (const c of [curve(1000), curve(100)]) timeOne(c.steps, c.values, 20); // warm up
  for (const n of [100, 1_000, 10_000, 100_000, 1_000_000]) {
    const c = curve(n);
    rows.push(`| generated | ${n.toLocaleString('en-US')} | ${timeOne(c.steps, c.values, n >= 100_000 ? 5 : 30).toFixed(2)} |`);
  }
  const real = await collectCurves(process.argv[2] ?? process.cwd());
  const per: number[] = [];
  for (const c of real) per.push(timeOne(c.steps, c.values, 5));
  per.sort((a, b) => a - b);
  const q = (p: number) => per[Math.min(per.length - 1, Math.floor(p * per.length))].toFixed(2);
  rows.push(`| ${real.length} real curves, median | — | ${q(0.5)} |`, `| ${real.length} real curves, 95th percentile | — | ${q(0.95)} |`, `| ${real.length} real curves, slowest | — | ${per[per.length - 1].toFixed(2)} |`);
  process.stdout.write(`Forecast (one series):\n\n${rows.join('\n')}\n`);
}

main().catch(e => {
  process.stderr.write(String(e) + '\n');
  process.exit(1);
});
