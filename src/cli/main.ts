/**
 * `loss-lens`: the command-line twin of the extension, on the same pure core.
 *
 *   loss-lens analyze PATH... [--json] [--fail-on error|warning|info|never] [--lang en|zh-cn]
 *                             [--report FILE]
 *   loss-lens report PATH... --out report.html [--lang en|zh-cn]
 *
 * Exit codes: 0 ok; 1 a finding at or above --fail-on (default: error); 2 an input could not be
 * read at all, or bad usage.
 */
import * as fs from 'node:fs';
import { analyzeRuns } from '../core/analyze';
import type { Finding, Lang, Severity } from '../core/diagnose/types';
import { SEVERITY_RANK } from '../core/diagnose/types';
import { type DiagnoseSettings, parseSettingOverrides } from '../core/diagnose/settings';
import { loadPaths } from '../core/load';
import { pointCount, type Run } from '../core/model';
import { describeEvent, fmt, renderReport } from '../core/report';
import { summarizeRun, toJson, type AnalyzeJson } from '../core/summary';
import { failOnOption, langOption, parseOptions, UsageError, type OptionSpecs } from './options';
import { forecastCommand } from './forecast';
import { runCommand } from './run';
import { runsCommand } from './runs';
import { ignoreClosedPipes, termSafe, termSafeLines } from './terminal';
import { watchCommand } from './watch';

const VERSION = '0.1.0';

const USAGE = `Usage:
  loss-lens analyze PATH... [--json] [--fail-on error|warning|info|never] [--lang en|zh-cn] [--report FILE]
                            [--set THRESHOLD=VALUE]...
  loss-lens report PATH... --out report.html [--lang en|zh-cn] [--set THRESHOLD=VALUE]...
  loss-lens run [--stop-on KINDS] [--log FILE] [--lang en|zh-cn] -- COMMAND...   (run --help)
  loss-lens watch PATH [--stop-after-idle SECONDS] [--fail-on LEVEL] [--lang en|zh-cn] (watch --help)
  loss-lens runs PATH... [--json] [--sort best|status|recency] [--lang en|zh-cn]     (runs --help)
  loss-lens forecast PATH... [--to STEP] [--json]          (forecast --help)

PATH is a log file (text, CSV, JSON lines, trainer_state.json, TensorBoard event file, W&B .wandb)
or a run directory (TensorBoard run dir, Lightning logs, MLflow mlruns, a folder of logs).

Exit codes: 0 ok; 1 a finding at or above --fail-on (default error); 2 an input could not be read.`;

interface Args {
  command: string;
  paths: string[];
  json: boolean;
  failOn: Severity | 'never';
  lang: Lang;
  out?: string;
  report?: string;
  /** Engine threshold overrides (--set key=value), validated. */
  thresholds: Partial<DiagnoseSettings>;
}

/** `analyze --help` / `report -h`: the usage on stdout, exit 0. */
class HelpRequest extends Error {}

const OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'fail-on': { type: 'string' },
  lang: { type: 'string' },
  out: { type: 'string', short: 'o' },
  report: { type: 'string' },
  set: { type: 'string', multiple: true },
};

function parseCommandArgs(argv: string[]): Args {
  const [command = '', ...rest] = argv;
  const { values: v, positionals } = parseOptions(rest, OPTIONS);
  if (v.help) throw new HelpRequest();
  const a: Args = {
    command,
    paths: positionals,
    json: v.json === true,
    failOn: failOnOption(v['fail-on'] as string | undefined),
    lang: langOption(v.lang as string | undefined),
    out: v.out as string | undefined,
    report: v.report as string | undefined,
    thresholds: {},
  };
  for (const kv of (v.set as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set needs THRESHOLD=VALUE (got ${kv})`);
    const { settings, errors } = parseSettingOverrides({ [kv.slice(0, eq)]: kv.slice(eq + 1) });
    if (errors.length) throw new UsageError(`--set: ${errors.join('; ')}`);
    Object.assign(a.thresholds, settings);
  }
  return a;
}

export async function main(argv: string[]): Promise<number> {
  ignoreClosedPipes();
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(USAGE + '\n');
    return argv.length ? 0 : 2;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  if (argv[0] === 'run') return runCommand(argv.slice(1));
  if (argv[0] === 'watch') return watchCommand(argv.slice(1));
  if (argv[0] === 'runs') return runsCommand(argv.slice(1));
  if (argv[0] === 'forecast') return forecastCommand(argv.slice(1));
  let args: Args;
  try {
    args = parseCommandArgs(argv);
  } catch (e) {
    if (e instanceof HelpRequest) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`loss-lens: ${termSafe(e.message)}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  switch (args.command) {
    case 'analyze':
      return analyzeCommand(args);
    case 'report':
      if (!args.out) {
        process.stderr.write('loss-lens report: --out FILE is required\n');
        return 2;
      }
      return analyzeCommand({ ...args, report: args.out, json: false }, true);
    default:
      process.stderr.write(`loss-lens: unknown command '${termSafe(args.command)}'\n\n${USAGE}\n`);
      return 2;
  }
}

async function analyzeCommand(args: Args, reportOnly = false): Promise<number> {
  if (!args.paths.length) {
    process.stderr.write(`loss-lens ${args.command}: no PATH given\n\n${USAGE}\n`);
    return 2;
  }
  const progress = new Progress();
  const loaded = await loadPaths(args.paths, { onProgress: (d, t, f) => progress.update(d, t, f) });
  progress.done();
  const findings = analyzeRuns(loaded.runs, { ...args.thresholds, lang: args.lang });
  const result: AnalyzeJson = {
    runs: loaded.runs.map(summarizeRun),
    findings,
    problems: loaded.problems,
  };

  if (args.report) {
    try {
      fs.writeFileSync(args.report, renderReport(loaded.runs, findings, loaded.problems, { lang: args.lang }));
    } catch (e) {
      process.stderr.write(`loss-lens: cannot write ${args.report}: ${String(e)}\n`);
      return 2;
    }
  }

  if (args.json) process.stdout.write(toJson(result) + '\n');
  else if (!reportOnly) printHuman(loaded.runs, findings, loaded.problems);
  if (args.report) process.stderr.write(`Report written to ${args.report}\n`);

  for (const p of loaded.problems) {
    if (args.json) process.stderr.write(`loss-lens: ${termSafe(p.source)}: ${termSafe(p.message)}\n`);
  }
  const unreadable = loaded.problems.length > 0;
  if (unreadable) return 2;
  if (args.failOn !== 'never') {
    const min = SEVERITY_RANK[args.failOn];
    if (findings.some(f => SEVERITY_RANK[f.severity] >= min)) return 1;
  }
  return 0;
}

function printHuman(runs: Run[], findings: Finding[], problems: Array<{ source: string; message: string }>): void {
  const w = (s: string) => process.stdout.write(s + '\n');
  const color = process.stdout.isTTY && !process.env.NO_COLOR;
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor: Record<Severity, string> = { error: '31;1', warning: '33;1', info: '36' };
  // Names, tags, paths and messages come from the logs: never let them act on the terminal.
  const safe = termSafe;
  for (const p of problems) w(c('31', `✗ ${safe(p.source)}: ${safe(p.message)}`));
  for (const run of runs) {
    w('');
    w(c('1', safe(run.name)) + `  (${run.format}, ${run.series.size} series, ${pointCount(run).toLocaleString('en-US')} points)  ${safe(run.source)}`);
    const nameW = Math.min(40, Math.max(6, ...[...run.series.keys()].map(k => safe(k).length)));
    for (const s of run.series.values()) {
      const nf = s.nonFinite ? c('31', `  ${s.nonFinite} non-finite`) : '';
      w(`  ${pad(safe(s.name), nameW)}  ${pad(s.role, 10)}  ${String(s.length).padStart(8)} pts  steps ${fmt(s.firstStep())}…${fmt(s.lastStep())}${nf}`);
    }
    // (the restart finding's count when there is one: series that step back together are one restart)
    const rfind = findings.find(f => f.source === run.source && f.kind === 'restart');
    const restarts = typeof rfind?.evidence.count === 'number' ? rfind.evidence.count : run.events.filter(e => e.type === 'restart').length;
    const others = run.events.filter(e => e.type !== 'restart');
    if (restarts) w(`  ${restarts} restart${restarts > 1 ? 's' : ''} (steps went backwards)`);
    for (const e of others.slice(0, 10)) w(c('2', `  · ${safe(describeEvent(e))}`));
    if (others.length > 10) w(c('2', `  · … ${others.length - 10} more events`));
    const rf = findings.filter(f => f.source === run.source);
    if (!rf.length) {
      w(c('32', '  ✓ no problems found'));
      continue;
    }
    for (const f of rf) {
      const unit = run.meta.stepUnit === 'epoch' ? 'epoch' : 'step';
      w(`  ${c(sevColor[f.severity], pad(f.severity, 7))} ${c('1', f.kind)}  ${safe(f.series)} @ ${unit} ${fmt(f.step)}${f.line ? ` (line ${f.line})` : ''}`);
      w(`          ${termSafeLines(f.message)}`);
      f.fixes.slice(0, 3).forEach((fx, i) => w(c('2', `          ${i + 1}. ${safe(fx.title)}`)));
    }
  }
  const by = (s: Severity) => findings.filter(f => f.severity === s).length;
  w('');
  w(`${runs.length} run${runs.length === 1 ? '' : 's'}, ${by('error')} error(s), ${by('warning')} warning(s), ${by('info')} info`);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Progress on stderr for long reads, only on a terminal, only after half a second. */
class Progress {
  private readonly start = Date.now();
  private last = 0;
  private shown = false;
  private readonly enabled = !!process.stderr.isTTY;
  update(done: number, total: number, file: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.start < 500 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
    const mb = (done / 1e6).toFixed(0);
    const name = termSafe(file.length > 50 ? '…' + file.slice(-49) : file);
    process.stderr.write(`\r\x1b[Kreading ${pct}% (${mb} MB) ${name}`);
  }
  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`loss-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
