/**
 * Hostile-input probes against the built CLI (issue #14): each probe builds its input in a
 * temporary folder, runs `node dist/cli.js …` as a real process and checks the exit code, the
 * wall time, the peak memory (through scripts/probe-rss.cjs) and what was printed.
 *
 *   npm run build && npx vite-node scripts/probes.ts -- [NAME...]
 *
 * prints a table: probe, exit code, seconds, peak MiB, verdict (PROBE_TIMEOUT_S: the limit per probe).
 *
 * test/unit/probes.test.ts runs every probe under vitest, so CI runs them with `npm test`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..');
/** The CLI under test (LOSS_LENS_CLI: another build, e.g. a copy of the unchanged one). */
export const CLI = process.env.LOSS_LENS_CLI ?? path.join(REPO, 'dist/cli.js');
const RSS_PRELOAD = path.join(REPO, 'scripts/probe-rss.cjs');

export interface ProbeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  /** Peak resident memory of the CLI process in MiB (undefined when it did not exit by itself). */
  peakMiB?: number;
  stdout: string;
  stderr: string;
}

export interface Probe {
  name: string;
  /** The item of issue #14 it checks. */
  item: number;
  /** Only where the platform has what the probe needs (FIFOs, /proc, a shell with head). */
  posixOnly?: boolean;
  /** Not fixed yet: the test skips it (the table still shows it). */
  todo?: boolean;
  /** Build the input under `dir`; return the CLI's arguments, or a shell line (`$CLI` = node + CLI). */
  build(dir: string): { args: string[] } | { shell: string };
  /** Exit codes accepted. */
  exit: number[];
  maxSeconds: number;
  maxMiB: number;
  /** Further checks of the output: a message when something is wrong. */
  check?(r: ProbeRun): string | undefined;
}

const write = (dir: string, name: string, data: string | Uint8Array): string => {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
  return f;
};

const jsonRuns = (r: ProbeRun) => JSON.parse(r.stdout) as { runs: Array<{ series: Array<{ name: string; points: number; lastStep: number | null; firstStep: number | null }>; events?: unknown }>; problems: unknown[] };

function seriesPoints(r: ProbeRun, name: string): number | undefined {
  for (const run of jsonRuns(r).runs) for (const s of run.series) if (s.name === name) return s.points;
  return undefined;
}

function lossLines(n: number, fmt: (i: number, loss: number) => string): string {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(fmt(i, 2 * Math.exp(-i / 40) + 0.1 + 0.01 * Math.sin(i)));
  return out.join('');
}

export const PROBES: Probe[] = [
  {
    name: 'terminal-escapes',
    item: 2,
    build: dir => {
      const key = 'loss\x1b]0;pwned\x07\x1b]8;;https://attacker.example/\x1b\\click\x1b]8;;\x1b\\\x1b[2J';
      const f = write(dir, 'esc.jsonl', lossLines(60, (i, l) => JSON.stringify({ step: i, [key]: l }) + '\n'));
      return { args: ['analyze', '--fail-on', 'never', f] };
    },
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    // eslint-disable-next-line no-control-regex -- what must not reach a terminal
    check: r => (/[\x00-\x08\x0b-\x1f\x7f\x9b]/.test(r.stdout + r.stderr) ? 'a raw control character reached the terminal' : undefined),
  },
  {
    name: 'wide-csv',
    item: 3,
    build: dir => {
      const cols = 100_000;
      const head = Array.from({ length: cols }, (_, i) => `m${i}`).join(',');
      const rows: string[] = [head];
      for (let r = 0; r < 10; r++) rows.push(Array.from({ length: cols }, (_, i) => ((i * 7 + r * 13) % 997) / 100).join(','));
      return { args: ['analyze', '--json', '--fail-on', 'never', write(dir, 'wide.csv', rows.join('\n') + '\n')] };
    },
    exit: [0],
    maxSeconds: 10,
    maxMiB: 400,
    check: r => {
      const runs = jsonRuns(r).runs;
      if (runs.length !== 1) return `expected 1 run, got ${runs.length}`;
      if (runs[0].series.length > 5000) return `${runs[0].series.length} series kept (cap 5000)`;
      return undefined;
    },
  },
  {
    name: 'mlflow-dedupe-100k',
    item: 4,
    build: dir => {
      const store = path.join(dir, 'mlruns');
      write(store, '1/meta.yaml', 'experiment_id: "1"\nname: exp\nartifact_location: x\nlifecycle_stage: active\n');
      write(store, '1/r1/meta.yaml', 'run_id: r1\nexperiment_id: "1"\nrun_name: r1\nstatus: FINISHED\n');
      const own: string[] = [];
      const model: string[] = [];
      for (let i = 0; i < 100_000; i++) {
        const v = (2 * Math.exp(-i / 20000) + 0.1).toFixed(6);
        own.push(`${1_700_000_000_000 + i} ${v} ${i}\n`);
        model.push(`${1_700_000_000_000 + i} ${v} ${i} r1\n`);
      }
      write(store, '1/r1/metrics/loss', own.join(''));
      write(store, '1/models/m-1/meta.yaml', 'model_id: m-1\nsource_run_id: r1\n');
      write(store, '1/models/m-1/metrics/loss', model.join(''));
      return { args: ['analyze', '--json', '--fail-on', 'never', store] };
    },
    exit: [0],
    maxSeconds: 10,
    maxMiB: 400,
    check: r => (seriesPoints(r, 'loss') === 100_000 ? undefined : `loss has ${seriesPoints(r, 'loss')} points, not 100000`),
  },
  {
    name: 'mlflow-big-metric-file',
    item: 4,
    build: dir => {
      const store = path.join(dir, 'mlruns');
      write(store, '1/meta.yaml', 'experiment_id: "1"\nname: exp\nartifact_location: x\nlifecycle_stage: active\n');
      write(store, '1/r1/meta.yaml', 'run_id: r1\nexperiment_id: "1"\nrun_name: r1\nstatus: FINISHED\n');
      // ~100 MB: 2.4 million lines.
      const f = path.join(store, '1/r1/metrics/loss');
      fs.mkdirSync(path.dirname(f), { recursive: true });
      const fd = fs.openSync(f, 'w');
      for (let b = 0; b < 24; b++) {
        const lines: string[] = [];
        for (let i = b * 100_000; i < (b + 1) * 100_000; i++) lines.push(`${1_700_000_000_000 + i} ${(1 + 1 / (1 + i)).toFixed(12)} ${i}\n`);
        fs.writeSync(fd, lines.join(''));
      }
      fs.closeSync(fd);
      return { args: ['analyze', '--json', '--fail-on', 'never', store] };
    },
    exit: [0],
    maxSeconds: 20,
    maxMiB: 300,
    check: r => (seriesPoints(r, 'loss') === 2_400_000 ? undefined : `loss has ${seriesPoints(r, 'loss')} points`),
  },
  {
    name: 'mlflow-run-without-meta',
    item: 4,
    build: dir => {
      const store = path.join(dir, 'mlruns');
      write(store, '1/meta.yaml', 'experiment_id: "1"\nname: exp\nartifact_location: x\nlifecycle_stage: active\n');
      write(store, '1/abc123/metrics/loss', lossLines(50, (i, l) => `${1_700_000_000_000 + i} ${l} ${i}\n`));
      return { args: ['analyze', '--json', '--fail-on', 'never', store] };
    },
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    check: r => (seriesPoints(r, 'loss') === 50 ? undefined : 'the run without meta.yaml was not read'),
  },
  {
    name: 'garbage-directory',
    item: 5,
    build: dir => {
      const bytes = new Uint8Array(4096);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
      write(dir, 'logs/a.log', bytes);
      write(dir, 'logs/b.csv', 'hello\nworld\n');
      write(dir, 'logs/c.jsonl', 'not json\n');
      return { args: ['analyze', '--fail-on', 'error', path.join(dir, 'logs')] };
    },
    exit: [2],
    maxSeconds: 10,
    maxMiB: 300,
  },
  {
    name: 'mlflow-no-metrics',
    item: 5,
    build: dir => {
      const store = path.join(dir, 'mlruns');
      write(store, '1/meta.yaml', 'experiment_id: "1"\nname: exp\nartifact_location: x\nlifecycle_stage: active\n');
      write(store, '1/r1/meta.yaml', 'run_id: r1\nexperiment_id: "1"\nrun_name: r1\nstatus: FINISHED\n');
      write(store, '1/r1/params/lr', '0.1');
      return { args: ['analyze', '--fail-on', 'error', store] };
    },
    exit: [2],
    maxSeconds: 10,
    maxMiB: 300,
  },
  {
    name: 'fifo-path',
    item: 6,
    posixOnly: true,
    build: dir => {
      const f = path.join(dir, 'pipe.log');
      spawnSync('mkfifo', [f]);
      return { args: ['analyze', f] };
    },
    exit: [2],
    maxSeconds: 5,
    maxMiB: 300,
    check: r => (/not a regular file/.test(r.stdout + r.stderr) ? undefined : 'no "not a regular file" message'),
  },
  {
    name: 'closed-pipe',
    item: 7,
    posixOnly: true,
    build: dir => {
      for (let k = 0; k < 150; k++) write(dir, `runs/run${String(k).padStart(3, '0')}.jsonl`, lossLines(30, (i, l) => JSON.stringify({ step: i, loss: l, ['metric_with_a_long_name_' + 'x'.repeat(40)]: l }) + '\n'));
      return { shell: `$CLI analyze --fail-on never ${JSON.stringify(path.join(dir, 'runs'))} | head -1 >/dev/null; exit \${PIPESTATUS[0]}` };
    },
    exit: [0],
    maxSeconds: 20,
    maxMiB: 400,
    check: r => (/Unhandled|EPIPE|at /.test(r.stderr) ? `stderr: ${r.stderr.slice(0, 200)}` : undefined),
  },
  {
    name: 'utf16le-bom',
    item: 8,
    build: dir => {
      const text = 'step,loss\n' + lossLines(40, (i, l) => `${i},${l}\n`);
      const f = write(dir, 'ps.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      return { args: ['analyze', '--json', '--fail-on', 'never', f] };
    },
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    check: r => (seriesPoints(r, 'loss') === 40 ? undefined : 'UTF-16 LE not read'),
  },
  {
    name: 'utf16be-bom',
    item: 8,
    build: dir => {
      const text = lossLines(40, (i, l) => `step ${i} loss ${l}\n`);
      const le = Buffer.from(text, 'utf16le');
      for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
      const f = write(dir, 'train.log', Buffer.concat([Buffer.from([0xfe, 0xff]), le]));
      return { args: ['analyze', '--json', '--fail-on', 'never', f] };
    },
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    check: r => (seriesPoints(r, 'loss') === 40 ? undefined : 'UTF-16 BE not read'),
  },
  {
    name: 'bare-cr-jsonl',
    item: 8,
    build: dir => ({ args: ['analyze', '--json', '--fail-on', 'never', write(dir, 'cr.jsonl', lossLines(40, (i, l) => JSON.stringify({ step: i, loss: l }) + '\r'))] }),
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    check: r => (seriesPoints(r, 'loss') === 40 ? undefined : `bare-CR JSON lines: ${seriesPoints(r, 'loss')} points, not 40`),
  },
  {
    name: 'step-1e309',
    item: 8,
    build: dir => ({
      args: ['analyze', '--json', '--fail-on', 'never', write(dir, 'inf.jsonl', lossLines(30, (i, l) => JSON.stringify({ step: i, loss: l }) + '\n') + '{"step": 1e309, "loss": 0.5}\n')],
    }),
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    check: r => {
      for (const run of jsonRuns(r).runs) for (const s of run.series) if (s.lastStep === null || !Number.isFinite(s.lastStep) || s.lastStep > 30) return `a step of ${s.lastStep} was accepted`;
      return undefined;
    },
  },
  {
    name: 'hex-in-csv',
    item: 8,
    build: dir => ({ args: ['analyze', '--json', '--fail-on', 'never', write(dir, 'hex.csv', 'step,loss\n' + lossLines(30, (i, l) => `${i},${i === 15 ? '0x10' : l}\n`))] }),
    exit: [0],
    maxSeconds: 10,
    maxMiB: 300,
    check: r => (seriesPoints(r, 'loss') === 29 ? undefined : `loss has ${seriesPoints(r, 'loss')} points: 0x10 was read as a number`),
  },
  {
    name: 'runs-folder-under-proc',
    item: 9,
    posixOnly: true,
    build: () => ({ args: ['run', '--runs-folder', '/proc/self', '--', process.execPath, '-e', '0'] }),
    exit: [2],
    maxSeconds: 10,
    maxMiB: 300,
  },
  {
    name: 'analyze-help',
    item: 10,
    build: () => ({ args: ['analyze', '--help'] }),
    exit: [0],
    maxSeconds: 5,
    maxMiB: 300,
    check: r => (/Usage/.test(r.stdout) ? undefined : 'no usage on stdout'),
  },
  {
    name: 'watch-fail-on',
    item: 10,
    build: dir => {
      const f = write(dir, 'nan.jsonl', lossLines(40, (i, l) => `{"step": ${i}, "loss": ${i > 30 ? 'NaN' : l}}\n`));
      return { args: ['watch', f, '--stop-after-idle', '1', '--poll', '50'] };
    },
    exit: [1],
    maxSeconds: 15,
    maxMiB: 300,
  },
];

/** Run one probe in a fresh folder under `root`. */
export function runProbe(p: Probe, root: string, timeoutMs = 60_000): ProbeRun {
  const dir = fs.mkdtempSync(path.join(root, `${p.name}-`));
  const rssFile = path.join(dir, '.rss');
  const spec = p.build(dir);
  const env = { ...process.env, LOSS_LENS_PROBE_RSS: rssFile, NO_COLOR: '' };
  const node = [process.execPath, '-r', RSS_PRELOAD, CLI];
  const t0 = process.hrtime.bigint();
  const r =
    'args' in spec
      ? spawnSync(node[0], [...node.slice(1), ...spec.args], { cwd: dir, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20 })
      : spawnSync('bash', ['-c', spec.shell.replaceAll('$CLI', node.map(a => JSON.stringify(a)).join(' '))], { cwd: dir, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let peakMiB: number | undefined;
  try {
    peakMiB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  } catch {
    peakMiB = undefined;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { code: r.status, signal: r.signal, seconds, peakMiB, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** What is wrong with a probe's run, or undefined. */
export function verdict(p: Probe, r: ProbeRun): string | undefined {
  if (r.code === null) return `killed (${r.signal}) after ${r.seconds.toFixed(1)} s`;
  if (!p.exit.includes(r.code)) return `exit ${r.code}, expected ${p.exit.join(' or ')}; stderr: ${r.stderr.slice(0, 300)}`;
  if (r.seconds > p.maxSeconds) return `${r.seconds.toFixed(1)} s > ${p.maxSeconds} s`;
  if (r.peakMiB !== undefined && r.peakMiB > p.maxMiB) return `${r.peakMiB.toFixed(0)} MiB > ${p.maxMiB} MiB`;
  try {
    return p.check?.(r);
  } catch (e) {
    return `check failed: ${String(e)}; stdout: ${r.stdout.slice(0, 200)}`;
  }
}

function main(names: string[]): void {
  if (!fs.existsSync(CLI)) throw new Error(`build first: ${CLI} is missing`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-probes-'));
  const timeout = Number(process.env.PROBE_TIMEOUT_S ?? 60) * 1000;
  let bad = 0;
  console.log('probe                      item  exit  seconds  peak MiB  verdict');
  for (const p of PROBES) {
    if (names.length && !names.includes(p.name)) continue;
    if (p.posixOnly && process.platform === 'win32') continue;
    const r = runProbe(p, root, timeout);
    const v = verdict(p, r);
    if (v) bad++;
    console.log(
      `${p.name.padEnd(26)} ${String(p.item).padStart(4)}  ${String(r.code ?? r.signal).padStart(4)}  ${r.seconds.toFixed(2).padStart(7)}  ${(r.peakMiB === undefined ? '-' : r.peakMiB.toFixed(0)).padStart(8)}  ${(v ?? 'ok').replace(/\s+/g, ' ').slice(0, 120)}`,
    );
  }
  fs.rmSync(root, { recursive: true, force: true });
  process.exitCode = bad ? 1 : 0;
}

// Run directly (vite-node), not when vitest imports the probes.
if (!process.env.VITEST) main(process.argv.slice(2));
