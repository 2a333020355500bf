// `node scripts/findings-dump.mjs OUT.json`: the diagnostic engine's output over every log we
// have, to prove that a refactoring of src/core/diagnose changed nothing. Bundles the core API
// from src (esbuild, like bench/run.mjs), loads
//   - every file of the real corpus (../shared/fixtures/real, MANIFEST.tsv) on its own, the two
//     MLflow stores as stores, and every directory of the corpus that holds a manifest file,
//   - examples/ and test/scenarios/logs/ (each file, and each folder as a whole),
//   - the synthetic scenarios of test/unit/diagnose/scenarios.ts, 60 seeded random runs (trend,
//     noise, spikes, NaN, zeros, schedules, parts, restarts: as in live.test.ts) and the bench's
//     noisy curve at 1 M points (batch only),
// and writes, per loaded path and run: the batch findings (diagnose, every field), the run
// summary (summarize), and the live engine's output (LiveDiagnoser fed the run in seeded chunks,
// from single points to a twelfth of the run): the findings of every update (as a SHA-256 per
// run, so the file stays small) and the final findings.
//
//   node scripts/findings-dump.mjs /tmp/before.json
//   ... change the engine ...
//   node scripts/findings-dump.mjs /tmp/after.json && cmp /tmp/before.json /tmp/after.json
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/findings-dump.mjs OUT.json\n');
  process.exit(2);
}
const root = process.cwd();
const entry = `
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnose, LiveDiagnoser, summarize } from './src/core/diagnose';
import { loadPaths } from './src/core/load';
import { createRun, Series, seriesOf, type Run } from './src/core/model';
import * as S from './test/unit/diagnose/scenarios';
import { gauss } from './test/unit/diagnose/synth';

const ROOT = ${JSON.stringify(root)};
const REAL = path.resolve(ROOT, '../shared/fixtures/real');

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** A copy of the run that grows, every series advancing with the same share of progress. */
function growingCopy(full: Run): { run: Run; grow: (k: number) => boolean } {
  const run = createRun(full.source, full.format, full.name);
  run.meta = { ...full.meta };
  const pos = new Map<string, number>();
  for (const [name, s] of full.series) {
    run.series.set(name, new Series(name, s.role));
    pos.set(name, 0);
  }
  let evPos = 0;
  let total = 0;
  for (const s of full.series.values()) total = Math.max(total, s.length);
  let done = 0;
  const grow = (k: number): boolean => {
    done = Math.min(total, done + k);
    let more = false;
    for (const [name, s] of full.series) {
      const target = total === 0 ? 0 : Math.round((s.length * done) / total);
      const dst = run.series.get(name)!;
      for (let i = pos.get(name)!; i < target; i++) dst.push(s.steps.get(i), s.values.get(i), undefined, s.lines ? s.lines.get(i) : undefined);
      pos.set(name, target);
      if (target < s.length) more = true;
    }
    while (evPos < full.events.length) run.events.push(full.events[evPos++]);
    return more;
  };
  return { run, grow };
}

function live(full: Run, seed: number) {
  const u = rng(seed);
  const { run, grow } = growingCopy(full);
  const ld = new LiveDiagnoser();
  let total = 0;
  for (const s of full.series.values()) total = Math.max(total, s.length);
  const big = Math.max(20, Math.ceil(total / 12));
  const h = createHash('sha256');
  let updates = 0;
  let more = true;
  while (more) {
    more = grow(1 + Math.floor(u() * (u() < 0.2 ? 5 : big)));
    const up = ld.update(run);
    h.update(JSON.stringify([up.added, up.updated, up.removed, up.all]));
    updates++;
  }
  return { updates, digest: h.digest('hex'), final: ld.findings(), summary: ld.summary(run) };
}

/** As randomRun in test/unit/diagnose/live.test.ts. */
function randomRun(seed: number): Run {
  const u = rng(seed);
  const g = gauss(rng(seed + 1000));
  const n = 200 + Math.floor(u() * 1800);
  const run = createRun(\`random-\${seed}.log\`, 'text');
  const loss = new Series('loss');
  const val = new Series('val_loss');
  const lr = new Series('lr');
  const gn = new Series('grad_norm');
  const p1 = new Series('loss_cls', 'loss_part');
  const p2 = new Series('loss_box', 'loss_part');
  const acc = new Series('val_accuracy');
  const tau = 50 + u() * n;
  const floor = 0.05 + u();
  const noise = 0.02 + u() * 0.4;
  const sched = Math.floor(u() * 4);
  const restartAt = u() < 0.3 ? Math.floor(n * (0.3 + 0.4 * u())) : -1;
  const fresh = u() < 0.5;
  const divergeAt = u() < 0.2 ? Math.floor(n * (0.5 + 0.4 * u())) : -1;
  const valEvery = 5 + Math.floor(u() * 50);
  let step = 0;
  for (let i = 0; i < n; i++) {
    if (i === restartAt) step = fresh ? 0 : Math.max(0, step - Math.floor(50 + u() * 200));
    let v = floor + 2 * Math.exp(-i / tau);
    if (divergeAt >= 0 && i > divergeAt) v *= Math.exp((i - divergeAt) / 100);
    v *= Math.exp(noise * g());
    if (u() < 0.003) v *= 3 + 5 * u();
    if (u() < 0.002) v = NaN;
    if (u() < 0.001) v = 0;
    if (u() < 0.0005) v = Infinity;
    loss.push(step, v, undefined, i + 1);
    p1.push(step, v * 0.7, undefined, i + 1);
    p2.push(step, v * (0.3 + 0.2 * u()), undefined, i + 1);
    const l = sched === 0 ? 1e-3 : sched === 1 ? (i < n / 2 ? 0.1 : 0.01) : sched === 2 ? 1e-3 * (0.5 + 0.5 * Math.cos((Math.PI * i) / n)) : 1e-7 * Math.pow(1e7, i / n);
    lr.push(step, l);
    gn.push(step, u() < 0.002 ? NaN : (1 + Math.exp(-i / tau)) * Math.exp(0.3 * g()));
    if (i % valEvery === valEvery - 1) {
      val.push(step, (floor + 0.1 + 2 * Math.exp(-i / tau) + (u() < 0.5 ? 0.0005 * i : 0)) * Math.exp(0.02 * g()));
      acc.push(step, Math.min(1, 0.5 + 0.4 * (1 - Math.exp(-i / tau)) + 0.02 * g()));
    }
    step += 1 + Math.floor(u() * 3);
  }
  for (const s of [loss, val, lr, gn, p1, p2, acc]) run.series.set(s.name, s);
  return run;
}

/** The bench's noisy curve (bench/engine.ts). */
function benchRun(n: number): Run {
  const run = createRun('bench', 'text', 'bench');
  const s = seriesOf(run, 'loss');
  let x = 987654321;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    s.push(i, 2.5 * Math.exp(-i / (n / 5)) + 0.3 + (x / 4294967296 - 0.5) * 0.1);
  }
  s.trim();
  return run;
}

function synthetic(): Array<[string, Run]> {
  const out: Array<[string, Run]> = [];
  const sc = S as unknown as Record<string, (...a: number[]) => Run>;
  for (const k of Object.keys(sc).sort()) {
    const f = sc[k];
    if (typeof f !== 'function') continue;
    if (f.length === 0) out.push([k, f()]);
  }
  for (const seed of [1, 2, 3]) {
    out.push([\`growingNoise(\${seed})\`, S.growingNoise(seed)]);
    out.push([\`epochBounce(\${seed})\`, S.epochBounce(seed)]);
    out.push([\`heavyTailed(\${seed})\`, S.heavyTailed(seed, 3, 0.1, [1000, 3000])]);
  }
  for (const c of [0, 0.0005, 0.002]) out.push([\`convergedValCreep(\${c})\`, S.convergedValCreep(c)]);
  for (let seed = 1; seed <= 60; seed++) out.push([\`random(\${seed})\`, randomRun(seed)]);
  return out;
}

function walk(dir: string, acc: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else acc.push(p);
  }
  return acc;
}

async function main() {
  const manifest = fs.readFileSync(path.join(REAL, 'MANIFEST.tsv'), 'utf8').split('\\n').slice(1).filter(l => l.trim()).map(l => l.split('\\t'));
  const targets: string[] = [];
  const dirs = new Set<string>();
  for (const c of manifest) {
    if (c[6] !== 'mlflow_filestore') {
      targets.push(path.join(REAL, c[0]));
      dirs.add(path.dirname(path.join(REAL, c[0])));
    }
  }
  for (const c of manifest) if (c[6] === 'mlflow_filestore') dirs.add(path.join(REAL, c[0].split('/').slice(0, 3).join('/')));
  targets.push(...[...dirs].sort());
  for (const d of ['examples', 'test/scenarios/logs']) {
    const files = walk(path.join(ROOT, d), []).filter(f => !f.endsWith('.py'));
    targets.push(...files, path.join(ROOT, d));
  }
  const rel = (p: string) => (p.startsWith(REAL) ? 'real/' + path.relative(REAL, p) : path.relative(ROOT, p));
  const result: unknown[] = [];
  let nRuns = 0;
  let nFindings = 0;
  let nLive = 0;
  let seed = 1;
  for (const t of targets) {
    const loaded = await loadPaths([t]);
    const runs = [];
    for (const run of loaded.runs) {
      const findings = diagnose([run]);
      const summary = summarize(run, findings);
      const lv = live(run, seed++);
      nRuns++;
      nFindings += findings.length;
      nLive += lv.updates;
      runs.push({ source: rel(run.source), name: run.name, findings, summary: { ...summary, source: rel(summary.source) }, live: { ...lv, summary: { ...lv.summary, source: rel(lv.summary.source) } } });
    }
    result.push({ path: rel(t), problems: loaded.problems.map(p => ({ source: rel(p.source), message: p.message })), runs });
  }
  for (const [name, run] of synthetic()) {
    const findings = diagnose([run]);
    const lv = live(run, seed++);
    nRuns++;
    nFindings += findings.length;
    nLive += lv.updates;
    result.push({ path: 'synthetic/' + name, runs: [{ findings, summary: summarize(run, findings), live: lv }] });
  }
  {
    const run = benchRun(1_000_000);
    const findings = diagnose([run]);
    nRuns++;
    nFindings += findings.length;
    result.push({ path: 'synthetic/bench(1e6)', runs: [{ findings, summary: summarize(run, findings) }] });
  }
  fs.writeFileSync(process.argv[2], JSON.stringify({ paths: result }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\\n');
  process.stderr.write(\`\${targets.length} paths, \${nRuns} runs, \${nFindings} batch findings, \${nLive} live updates -> \${process.argv[2]}\\n\`);
}
main().catch(e => {
  console.error(e);
  process.exit(1);
});
`;
const OUT = path.resolve('bench/out');
mkdirSync(OUT, { recursive: true });
const bundle = path.join(OUT, 'findings-dump.cjs');
await esbuild.build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'findings-dump-entry.ts', loader: 'ts' },
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--max-old-space-size=4096', bundle, path.resolve(out)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
