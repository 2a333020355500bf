/**
 * `npm run bench` (runs): 1,000 sweep runs laid out as Lightning writes them
 * (`lightning_logs/version_N/{hparams.yaml, metrics.csv}`, 300 training steps and 10 validation
 * rows each; a grid of learning rates in which the largest ones blow up to NaN), listed
 *
 * - by the CLI (`loss-lens runs DIR --json`, a fresh process each time): cold (no cache file),
 *   then warm (the cache file from the first listing);
 * - in process, as the extension's view does (an index kept in memory): cold, warm, and after
 *   one run's log changed.
 *
 * Targets (issue 16): cold < 10 s, warm < 1 s. Prints numbers, asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunIndex, sweepInsights } from '../src/core/runs';

const N = Number(process.argv[2] ?? 1000);
const CLI = path.resolve(process.argv[3] ?? 'dist/cli.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'll-bench-runs-'));

function generate(): void {
  const lrs = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 3, 10];
  const batch = [16, 32, 64, 128, 256];
  for (let v = 0; v < N; v++) {
    const lr = lrs[v % lrs.length];
    const bs = batch[Math.floor(v / lrs.length) % batch.length];
    const seed = v + 1;
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const dir = path.join(root, 'lightning_logs', `version_${v}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'hparams.yaml'), `lr: ${lr}\nbatch_size: ${bs}\nhidden: 64\nseed: ${seed}\n`);
    const rows = ['epoch,step,train_loss,val_loss'];
    let loss = 2.5;
    const blowsAt = lr >= 3 ? 40 + Math.floor(rnd() * 100) : Infinity;
    for (let s = 0; s < 300; s++) {
      const e = Math.floor(s / 30);
      loss = s >= blowsAt ? (s > blowsAt + 5 ? NaN : loss * 50) : 0.2 + (loss - 0.2) * (1 - Math.min(0.05, lr * 2)) + (rnd() - 0.5) * 0.02;
      rows.push(`${e},${s},${Number.isNaN(loss) ? 'nan' : loss.toPrecision(6)},`);
      if (s % 30 === 29) rows.push(`${e},${s},,${Number.isNaN(loss) ? 'nan' : (loss * 1.1 + 0.05).toPrecision(6)}`);
    }
    fs.writeFileSync(path.join(dir, 'metrics.csv'), rows.join('\n') + '\n');
  }
}

function cli(cache: string): { seconds: number; runs: number; insight: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'runs', root, '--json'], { encoding: 'utf8', env: { ...process.env, LOSS_LENS_CACHE_DIR: cache }, maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(r.stderr);
  const out = JSON.parse(r.stdout) as { runs: unknown[]; insights: Array<{ message: string }> };
  return { seconds, runs: out.runs.length, insight: out.insights[0]?.message ?? '(none)' };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  generate();
  process.stderr.write(`generated ${N} runs in ${root} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'll-bench-runs-cache-'));
  const cold = cli(cache);
  const warm = cli(cache);
  const warm2 = cli(cache);

  const index = new RunIndex();
  const time = async () => {
    const t = process.hrtime.bigint();
    const r = await index.list([root]);
    sweepInsights(r.rows);
    return { seconds: Number(process.hrtime.bigint() - t) / 1e9, read: r.stats.read };
  };
  const vCold = await time();
  const vWarm = await time();
  fs.appendFileSync(path.join(root, 'lightning_logs', 'version_7', 'metrics.csv'), '10,300,0.2,\n');
  const vOne = await time();

  const f = (s: number) => s.toFixed(2);
  console.log(`Runs listing: ${N} Lightning sweep runs (300 steps each), issue 16 targets: cold < 10 s, warm < 1 s`);
  console.log('| where | cold s | warm s | one run changed s |');
  console.log('|---|---|---|---|');
  console.log(`| CLI \`loss-lens runs DIR --json\` (fresh process, cache file) | ${f(cold.seconds)} | ${f(Math.min(warm.seconds, warm2.seconds))} | |`);
  console.log(`| in process (the view's in-memory index) | ${f(vCold.seconds)} (${vCold.read} read) | ${f(vWarm.seconds)} (${vWarm.read} read) | ${f(vOne.seconds)} (${vOne.read} read) |`);
  console.log(`${cold.runs} runs listed; top insight: ${cold.insight}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(cache, { recursive: true, force: true });
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
