/**
 * `loss-lens run [options] -- COMMAND [ARGS...]`: run a training command, pass its output
 * through untouched (stdout stays the command's), parse it live, print findings on stderr as
 * they appear, and stop the command when a finding of a chosen kind appears.
 *
 * Exit code: the command's own (128+N when a signal ended it), 1 when Loss Lens stopped it
 * (after saying why and what to change), 2 when it could not start or on bad usage.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding, Lang, Severity } from '../core/diagnose/types';
import {
  DEFAULT_STOP_ON,
  formatFinding,
  formatFixes,
  msg,
  parseStopKinds,
  pseudoFileSystem,
  TrainingRun,
  type RunResult,
  type StopKind,
  type TrainingRunOptions,
} from '../runner';
import { langOption, parseOptions, UsageError, type OptionSpecs } from './options';
import { termSafe } from './terminal';

export const RUN_USAGE = `Usage:
  loss-lens run [--stop-on KINDS] [--log FILE]... [--lang en|zh-cn] [--patience N] [--best VALUE]
                [--runs-folder DIR | --no-save] [--max-output MB] [--grace SECONDS] -- COMMAND [ARGS...]

Runs COMMAND, passes its output through, parses it live and prints findings (with their kind)
on stderr as they appear. Stops COMMAND (SIGINT, then SIGTERM, then SIGKILL to its whole
process group) when a finding of one of KINDS appears.

  --stop-on KINDS     comma-separated finding kinds (default: non-finite); e.g.
                      non-finite,divergence,early-stop; 'none' never stops
  --log FILE          also follow a log file the command writes (repeatable)
  --patience N        validation evaluations without improvement for early-stop (default 5)
  --best VALUE        the best run's best validation loss, for --stop-on cannot-beat-best: stop
                      when the forecast's 80% interval at the planned end stays above it
                      (default: the lowest best validation loss of the earlier runs in the
                      runs folder)
  --runs-folder DIR   where run folders go (default .loss-lens/runs); --no-save: none
  --max-output MB     output.log keeps the first and last half of this much (default 64)
  --grace SECONDS     wait after SIGINT and after SIGTERM (default 2)

Exit code: the command's own; 1 when Loss Lens stopped it; 2 when it could not start.`;


interface RunArgs {
  opts: TrainingRunOptions;
  lang: Lang;
}

const RUN_OPTIONS: OptionSpecs = {
  'stop-on': { type: 'string' },
  best: { type: 'string' },
  log: { type: 'string', multiple: true },
  lang: { type: 'string' },
  patience: { type: 'string' },
  'runs-folder': { type: 'string' },
  'no-save': { type: 'boolean' },
  'max-output': { type: 'string' },
  grace: { type: 'string' },
};

function parseRunArgs(argv: string[]): RunArgs {
  const { values: v, positionals, rest } = parseOptions(argv, RUN_OPTIONS, true);
  if (positionals.length) throw new UsageError(`unexpected ${positionals[0]}`);
  const str = (k: string) => v[k] as string | undefined;
  const lang = langOption(str('lang'));
  let stopOn: StopKind[] = [...DEFAULT_STOP_ON];
  if (str('stop-on') !== undefined) {
    const { kinds, unknown } = parseStopKinds(str('stop-on')!);
    if (unknown.length) throw new UsageError(`--stop-on: unknown finding kind ${unknown.join(', ')}`);
    stopOn = kinds;
  }
  const logs = (v.log as string[] | undefined) ?? [];
  let patience: number | undefined;
  if (str('patience') !== undefined) {
    patience = Number(str('patience'));
    if (!Number.isInteger(patience) || patience < 1) throw new UsageError('--patience must be a whole number >= 1');
  }
  let runsFolder: string | false | undefined = str('runs-folder');
  if (v['no-save'] === true) runsFolder = false;
  let maxOutput: number | undefined;
  if (str('max-output') !== undefined) {
    const n = Number(str('max-output'));
    if (!(n > 0)) throw new UsageError('--max-output must be a number of megabytes > 0');
    maxOutput = Math.round(n * 1024 * 1024);
  }
  let grace: number | undefined;
  if (str('grace') !== undefined) {
    const n = Number(str('grace'));
    if (!(n >= 0)) throw new UsageError('--grace must be a number of seconds >= 0');
    grace = Math.round(n * 1000);
  }
  let beatBest: number | undefined;
  if (str('best') !== undefined) {
    beatBest = Number(str('best'));
    if (!Number.isFinite(beatBest) || str('best')!.trim() === '') throw new UsageError('--best must be a number');
  }
  const command = rest;
  if (!command.length) throw new UsageError('no COMMAND given (put it after --)');
  return {
    lang,
    opts: {
      command: command[0],
      args: command.slice(1),
      cwd: process.cwd(),
      stopOn,
      logFiles: logs,
      earlyStopPatience: patience,
      beatBest,
      runsFolder,
      maxOutputBytes: maxOutput,
      grace: grace === undefined ? undefined : { interruptMs: grace, terminateMs: grace },
      lang,
    },
  };
}

/**
 * Writes Loss Lens's own lines to stderr without gluing them onto a half-written line of the
 * command's output, in colour on a terminal.
 */
export class Reporter {
  private midLine = false;
  readonly color: boolean;
  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.color = !!out.isTTY && !process.env.NO_COLOR;
  }
  /** Track what the command wrote to the same terminal. */
  passed(chunk: Buffer): void {
    if (chunk.length) this.midLine = chunk[chunk.length - 1] !== 10;
  }
  c(code: string, s: string): string {
    return this.color ? `\x1b[${code}m${s}\x1b[0m` : s;
  }
  line(s: string): void {
    const prefix = this.midLine ? '\n' : '';
    this.midLine = false;
    this.out.write(prefix + s + '\n');
  }
  lines(ls: string[]): void {
    for (const l of ls) this.line(l);
  }
  tag(): string {
    return this.c('35', '[loss-lens]');
  }
  /** A finding: its header line (severity, kind, title, where); with its message unless brief. */
  finding(f: Finding, fixes = 0, brief = false): void {
    const sev: Record<Severity, string> = { error: '31;1', warning: '33;1', info: '36' };
    // Series names and messages come from the logs: never let them act on the terminal.
    const [head, ...body] = formatFinding(f, { fixes }).map(termSafe);
    this.line(`${this.tag()} ${this.c(sev[f.severity], head)}`);
    if (!brief) for (const b of body) this.line(`${this.tag()} ${b}`);
  }
  note(s: string): void {
    this.line(`${this.tag()} ${this.c('2', termSafe(s))}`);
  }
}

export async function runCommand(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  let parsed: RunArgs;
  try {
    parsed = parseRunArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`loss-lens run: ${e.message}\n\n${RUN_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const { opts, lang } = parsed;
  const t = msg(lang);
  if (typeof opts.runsFolder === 'string') {
    const pseudo = pseudoFileSystem(path.resolve(opts.runsFolder));
    if (pseudo) {
      process.stderr.write(`loss-lens run: ${termSafe(t.pseudoRunsFolder(opts.runsFolder, pseudo))}\n`);
      return 2;
    }
  }
  const rep = new Reporter(process.stderr);
  const sameTerminal = !!process.stdout.isTTY && !!process.stderr.isTTY;
  process.stdout.on('error', () => {}); // a closed pipe (| head) must not kill the runner

  const run = new TrainingRun(opts);
  run.onChunk(({ data, stream }) => {
    if (stream === 'stdout') {
      process.stdout.write(data);
      if (sameTerminal) rep.passed(data);
    } else {
      process.stderr.write(data);
      rep.passed(data);
    }
  });
  run.onDidStart(({ pid }) => {
    const where = run.runDir ? ` · ${run.runDir}` : '';
    const stops = run.stopKinds.length ? run.stopKinds.join(', ') : 'nothing';
    rep.note(`running ${run.commandLine} (pid ${pid}) · stops on: ${stops}${where}`);
  });
  run.onRun(e => {
    if (e.origin === 'file') rep.note(`following ${e.run.source} (${e.format}${e.reason === 'opened' ? '' : `, ${e.reason}`})`);
  });
  // A finding that stops the run: its header here, its message and fixes in the stop message.
  run.onFinding(({ finding, stops }) => rep.finding(finding, 0, stops || finding.severity === 'info'));
  run.onNote(n => rep.note(n));
  run.onStopping(rec => {
    if (rec.by === 'user') {
      rep.note(rec.reason);
      return;
    }
    // The same sentence as the editor's notification (src/runner/runLabels.ts: stopSentence).
    rep.line(`${rep.tag()} ${rep.c('31;1', termSafe(rec.reason))}`);
    const f = rec.finding;
    if (f) {
      for (const l of f.message.split('\n')) rep.line(`${rep.tag()}   ${termSafe(l)}`);
      if (f.fixes.length) rep.line(`${rep.tag()}   ${t.whatToChange}`);
      for (const l of formatFixes(f.fixes, 3, '    ')) rep.line(`${rep.tag()} ${termSafe(l)}`);
    }
  });

  // Ctrl-C reaches only this process (the command leads its own process group): pass it on.
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1 && sig === 'SIGINT') rep.note('stopping the command (Ctrl-C again to hurry)');
    run.stop(sig === 'SIGINT' ? undefined : `loss-lens received ${sig}`);
    if (sig !== 'SIGINT') run.stop();
  };
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of sigs) process.on(s, onSignal);
  let result: RunResult;
  try {
    result = await run.start();
  } finally {
    for (const s of sigs) process.off(s, onSignal);
  }
  return reportExit(result, rep);
}

function reportExit(r: RunResult, rep: Reporter): number {
  if (r.status === 'failed') {
    rep.line(`${rep.tag()} ${rep.c('31;1', termSafe(r.error ?? 'the command could not start'))}`);
    return 2;
  }
  const n = r.findings.length;
  const findings = `${n} finding${n === 1 ? '' : 's'}`;
  const folder = r.runDir ? ` · ${r.runDir}` : '';
  const how = r.signal ? `was ended by ${r.signal}` : `exited with code ${r.exitCode}`;
  if (r.stoppedBy?.by === 'finding') {
    rep.note(`stopped by Loss Lens (${r.stoppedBy.kind}); the command ${how} · ${findings}${folder}`);
    return 1;
  }
  rep.note(`the command ${how} · ${findings}${folder}`);
  if (r.exitCode !== null) return r.exitCode;
  const signo = r.signal ? (os.constants.signals as Record<string, number>)[r.signal] : undefined;
  return signo ? 128 + signo : 1;
}
