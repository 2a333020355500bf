/**
 * Runs a training command and watches it live.
 *
 * The command is spawned without a shell, with an explicit cwd and env (PYTHONUNBUFFERED=1 so
 * Python prints as it goes), as the leader of its own process group. stdout and stderr are
 * split into lines (progress-bar `\r` redraws included, lines bounded in length); each line is
 * passed to listeners, written to the run folder's bounded output.log and parsed live; the
 * growing run is diagnosed (throttled; at once on a new NaN/Inf) and findings are emitted as
 * they appear. A finding of a `stopOn` kind stops the run: SIGINT to the whole group, then
 * SIGTERM, then SIGKILL. Logs the command writes to files (`logFiles`) are followed too.
 *
 * A command that cannot start resolves `start()` at once with status 'failed' and a clear
 * `error`: the runner never stays 'running' for something that is not.
 */
import type { DiagnoseSettings } from '../core/diagnose/settings';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Lang } from '../core/diagnose/types';
import { LineSplitter } from '../core/formats/lines';
import type { FormatId, Run } from '../core/model';
import { formatCommandLine, resolveProgram } from './commandLine';
import { DIAGNOSER_IMPLEMENTATION, type DiagnoserFactory } from './diagnoser';
import { Emitter, type Disposable } from './emitter';
import { LiveDiagnosis } from './liveDiagnosis';
import { LiveLineParser } from './liveParser';
import { msg } from './messages';
import { fmtNum } from '../core/i18n';
import { BoundedOutputLog, type OutputStats } from './outputLog';
import { startGuard, type RunGuard } from './guard';
import { groupMembers, markedProcesses, RUN_MARKER_VAR, stopProcessTree, type StopTreeResult } from './processGroup';
import { createRunFolder, redactEnv, RUN_RECORD_VERSION, writeRunRecord, type RunRecord, type StopRecord } from './runFolder';
import { parseCommandPlan } from '../core/forecast/plannedEnd';
import { siblingBest } from './siblingBest';
import { CANNOT_BEAT_BEST, DEFAULT_PATIENCE, DEFAULT_STOP_ON, StopPolicy, type StopKind } from './stopPolicy';
import { runFolderName, stopSentence } from './runLabels';
import { LogWatcher, type RunReason, type WatchEvent } from './tail';

export const DEFAULT_RUNS_FOLDER = '.loss-lens/runs';
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

export interface TrainingRunOptions {
  command: string;
  args?: readonly string[];
  /** Working directory (default: this process's). */
  cwd?: string;
  /** Variables set on top of `baseEnv` (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** The inherited environment (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Display name (default: the script's or the program's name). */
  name?: string;
  /** Where run folders go, relative to cwd (default .loss-lens/runs); false: no run folder. */
  runsFolder?: string | false;
  /** Finding kinds that stop the run (default ['non-finite']); [] never stops. */
  stopOn?: readonly StopKind[];
  /** Validation evaluations without improvement before an 'early-stop' stop (default 5). */
  earlyStopPatience?: number;
  /**
   * The best value to beat (the best run's best validation loss), for `cannot-beat-best`; when
   * not given, the lowest best validation loss of the run folders in the same runs folder.
   */
  beatBest?: number;
  /** Log files the command writes, followed like `watch` (old content is not taken as new). */
  logFiles?: readonly string[];
  /** output.log keeps the first and the last half of this many bytes (default 64 MiB). */
  maxOutputBytes?: number;
  /** Longer lines are cut (default 65536 characters). */
  maxLineLength?: number;
  /** Grace periods of the stop escalation: SIGINT, then SIGTERM after interruptMs, SIGKILL after terminateMs. */
  grace?: { interruptMs?: number; terminateMs?: number; killMs?: number };
  /** Minimum time between diagnosis passes (default 100 ms). */
  throttleMs?: number;
  /** Poll interval of followed log files (default 250 ms). */
  pollMs?: number;
  diagnoser?: DiagnoserFactory;
  lang?: Lang;
  /** Engine threshold overrides (validated; see docs/thresholds.md). */
  thresholds?: Partial<DiagnoseSettings>;
}

export type RunStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'exited' | 'stopped' | 'failed';

export interface OutputSummary extends OutputStats {
  truncatedLines: number;
  truncatedChars: number;
  maxLineLength: number;
}

export interface RunResult {
  status: 'exited' | 'stopped' | 'failed';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the command could not start. */
  error?: string;
  stoppedBy?: StopRecord;
  /** The final findings of every run (as the diagnoser sees the finished runs). */
  findings: Finding[];
  /** Every finding reported while the run went on, in order (some may no longer hold). */
  reported: Finding[];
  runDir?: string;
  outputLog?: string;
  output: OutputSummary;
  startedAt: number;
  endedAt: number;
  /** Processes of the run's group that outlived it and had to be stopped. */
  leftovers: number;
  /** Processes that could not be stopped at all (should be empty). */
  survivors: number[];
  notes: string[];
}

export interface LineEvent {
  text: string;
  stream: 'stdout' | 'stderr';
  /** The line was longer than maxLineLength: this is its head, the rest was dropped. */
  truncated: boolean;
  at: number;
}

export interface FindingEvent {
  finding: Finding;
  run: Run;
  /** 'output' for the command's output, else the followed file's path and segment. */
  key: string;
  at: number;
  /** This finding makes the stop policy stop the run. */
  stops: boolean;
}

export interface RunEventInfo {
  run: Run;
  key: string;
  origin: 'output' | 'file';
  format: FormatId;
  reason: RunReason;
}

export class TrainingRun implements Disposable {
  private readonly _onDidStart = new Emitter<{ pid: number; commandLine: string }>();
  private readonly _onLine = new Emitter<LineEvent>();
  private readonly _onChunk = new Emitter<{ data: Buffer; stream: 'stdout' | 'stderr' }>();
  private readonly _onFinding = new Emitter<FindingEvent>();
  private readonly _onRun = new Emitter<RunEventInfo>();
  private readonly _onUpdate = new Emitter<{ run: Run; key: string; findings: readonly Finding[] }>();
  private readonly _onNote = new Emitter<string>();
  private readonly _onStopping = new Emitter<StopRecord>();
  private readonly _onExit = new Emitter<RunResult>();
  /** The process started (pid known). */
  readonly onDidStart = this._onDidStart.event;
  /** Each output line (after line splitting), as it arrives. */
  readonly onLine = this._onLine.event;
  /** Raw output bytes, exactly as the command wrote them (for a terminal pass-through). */
  readonly onChunk = this._onChunk.event;
  /** Each new finding, as it appears. */
  readonly onFinding = this._onFinding.event;
  /** A run appeared (the output's format was decided, a followed log was opened/rotated). */
  readonly onRun = this._onRun.event;
  /** A run grew and was diagnosed (throttled), with its current findings: refresh live views here. */
  readonly onUpdate = this._onUpdate.event;
  /** Something worth telling the user about the run's handling (dropped output, leftovers...). */
  readonly onNote = this._onNote.event;
  /** Loss Lens (or the user) started stopping the run. */
  readonly onStopping = this._onStopping.event;
  readonly onExit = this._onExit.event;

  readonly commandLine: string;
  readonly name: string;
  private _status: RunStatus = 'idle';
  private child: ChildProcess | undefined;
  private _pid: number | undefined;
  private promise: Promise<RunResult> | undefined;
  private resolve!: (r: RunResult) => void;
  private readonly lang: Lang | undefined;
  private readonly policy: StopPolicy;
  private bestLookup: Promise<void> | undefined;
  private readonly diagnosis: LiveDiagnosis;
  private readonly parser: LiveLineParser;
  private readonly splitters: Record<'stdout' | 'stderr', LineSplitter>;
  private readonly received = { stdout: 0, stderr: 0 };
  private delivered = 0;
  private truncatedLines = 0;
  private lastTruncated = { stdout: -1, stderr: -1 };
  private truncNoted = false;
  private outputLog: BoundedOutputLog | undefined;
  private watchers: LogWatcher[] = [];
  private _runDir: string | undefined;
  private startedAt = 0;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private stoppedBy: StopRecord | undefined;
  private stopPromise: Promise<StopTreeResult> | undefined;
  private hurries = 0;
  private leftovers = 0;
  private guard: RunGuard | undefined;
  /** `LOSS_LENS_RUN=<token>`: set in the command's environment, unique to this run. */
  readonly marker = `${RUN_MARKER_VAR}=${process.pid}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  private survivors: number[] = [];
  private readonly notes: string[] = [];
  private readonly formats: Record<string, string> = {};
  private readonly cwd: string;
  private currentStream: 'stdout' | 'stderr' = 'stdout';
  private batch: string[] = [];
  private chunkAt = 0;
  private lastRecordWrite = 0;
  private finished = false;
  private leaderExited = false;

  constructor(private readonly opts: TrainingRunOptions) {
    this.lang = opts.lang;
    this.cwd = path.resolve(opts.cwd ?? process.cwd());
    this.commandLine = formatCommandLine(opts.command, opts.args ?? []);
    this.name = opts.name ?? defaultRunName(opts.command, opts.args ?? []);
    this.policy = new StopPolicy(opts.stopOn ?? DEFAULT_STOP_ON, opts.earlyStopPatience ?? DEFAULT_PATIENCE, opts.lang, opts.beatBest);
    this.diagnosis = new LiveDiagnosis({
      factory: opts.diagnoser,
      lang: opts.lang,
      settings: opts.thresholds,
      throttleMs: opts.throttleMs,
      onFindings: (added, run, key) => this.handleFindings(added, run, key),
      onPass: (run, key, current, settled) => {
        if (this.isLive() && !this.stoppedBy) {
          // Several at once (lines arrive in batches): the one that happened first in the log.
          let stopWith: Finding | undefined;
          for (const c of settled) {
            if (!this.policy.shouldStop(c, run)) continue;
            if (!stopWith || (c.line ?? Infinity) < (stopWith.line ?? Infinity)) stopWith = c;
          }
          if (stopWith) this.stopFor(stopWith);
        }
        this._onUpdate.fire({ run, key, findings: current });
      },
    });
    this.parser = new LiveLineParser({
      source: this.commandLine,
      name: this.name,
      onRun: (run, format) => {
        this.formats.output = format;
        this.diagnosis.track(run, 'output');
        this._onRun.fire({ run, key: 'output', origin: 'output', format, reason: 'opened' });
      },
      onFlushed: () => {
        const run = this.parser.run;
        if (run && !this.finished) this.grew(run, 'output');
      },
    });
    const max = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    const mk = (stream: 'stdout' | 'stderr') =>
      new LineSplitter((text, lineNo, truncated) => this.handleLine(text, stream, lineNo, truncated), {
        maxLineLength: max,
      });
    this.splitters = { stdout: mk('stdout'), stderr: mk('stderr') };
  }

  get status(): RunStatus {
    return this._status;
  }
  get pid(): number | undefined {
    return this._pid;
  }
  get runDir(): string | undefined {
    return this._runDir;
  }
  /** The run parsed from the command's output (once its format is decided). */
  get outputRun(): Run | undefined {
    return this.parser.run;
  }
  /** Every run: the output's, then those of followed log files. */
  get runs(): Run[] {
    const out = this.parser.runs.slice();
    for (const w of this.watchers) out.push(...w.runs);
    return out;
  }
  /** Current findings of every run (the diagnoser's latest view). */
  get findings(): Finding[] {
    return this.diagnosis.current();
  }
  /** Every finding reported so far, in the order it appeared. */
  get reported(): Finding[] {
    return this.diagnosis.reported.slice();
  }
  get stopKinds(): StopKind[] {
    return this.policy.stopKinds;
  }
  get done(): Promise<RunResult> | undefined {
    return this.promise;
  }

  /** Start the command; resolves when it has ended (or could not start). Idempotent. */
  start(): Promise<RunResult> {
    if (this.promise) return this.promise;
    this.promise = new Promise<RunResult>(resolve => {
      this.resolve = resolve;
    });
    this._status = 'starting';
    this.startedAt = Date.now();
    this.launch();
    return this.promise;
  }

  private fail(error: string): void {
    this._status = 'failed';
    this.notes.push(error);
    void this.finish(error);
  }

  private launch(): void {
    const t = msg(this.lang);
    const shown = this.commandLine.length > 200 ? this.commandLine.slice(0, 200) + '…' : this.commandLine;
    let st: fs.Stats;
    try {
      st = fs.statSync(this.cwd);
    } catch {
      return this.fail(t.cannotStart(shown, t.badCwd(this.cwd)));
    }
    if (!st.isDirectory()) return this.fail(t.cannotStart(shown, t.notDir(this.cwd)));
    const env: NodeJS.ProcessEnv = { ...(this.opts.baseEnv ?? process.env), PYTHONUNBUFFERED: '1' };
    // Marks the run's processes, even those that leave its process group and parent chain.
    env[RUN_MARKER_VAR] = this.marker.slice(RUN_MARKER_VAR.length + 1);
    for (const [k, v] of Object.entries(this.opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const prog = resolveProgram(this.opts.command, this.cwd, env);
    if (!prog.ok) return this.fail(t.cannotStart(shown, prog.message));

    if (this.opts.runsFolder !== false) {
      try {
        const root = path.resolve(this.cwd, this.opts.runsFolder || DEFAULT_RUNS_FOLDER);
        this._runDir = createRunFolder(root, runFolderName(this.name, this.opts.args ?? []));
        const logPath = path.join(this._runDir, 'output.log');
        this.outputLog = new BoundedOutputLog(logPath, this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
      } catch (e) {
        this.note(`cannot create the run folder: ${(e as Error).message}; output is not saved`);
        this._runDir = undefined;
      }
    }
    if (this.opts.beatBest === undefined && this.policy.stopKinds.includes(CANNOT_BEAT_BEST)) {
      this.lookUpBest(path.resolve(this.cwd, this.opts.runsFolder || DEFAULT_RUNS_FOLDER));
    }
    // The output run's source is output.log when there is one: findings then point at a file.
    if (this.outputLog) this.parser.setSource(this.outputLog.file);

    let child: ChildProcess;
    try {
      child = spawn(prog.path, [...(this.opts.args ?? [])], {
        cwd: this.cwd,
        env,
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      return this.fail(t.cannotStart(shown, (e as Error).message));
    }
    this.child = child;
    child.on('error', err => {
      if (this._status === 'starting') this.fail(t.cannotStart(shown, err.message));
      else this.note(`process error: ${err.message}`);
    });
    child.on('spawn', () => {
      this._pid = child.pid;
      // Should loss-lens itself be killed hard, the guard stops the run (POSIX).
      if (child.pid && process.platform !== 'win32') this.guard = startGuard(child.pid, this.marker);
      if (this._status !== 'starting') return;
      this._status = 'running';
      this.writeRecord(true);
      this._onDidStart.fire({ pid: child.pid!, commandLine: this.commandLine });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.on('data', (b: Buffer) => this.handleChunk(b, stream));
      child[stream]!.on('error', () => {});
    }
    child.on('exit', (code, signal) => void this.onLeaderExit(code, signal));

    for (const f of this.opts.logFiles ?? []) {
      const file = path.resolve(this.cwd, f);
      const w = new LogWatcher(file, {
        existing: 'changes',
        pollMs: this.opts.pollMs ?? 250,
        onEvent: e => this.handleWatchEvent(e),
      });
      this.watchers.push(w);
      w.start();
    }
  }

  private handleChunk(b: Buffer, stream: 'stdout' | 'stderr'): void {
    this.received[stream] += b.length;
    this.chunkAt = Date.now();
    if (this._onChunk.hasListeners) this._onChunk.fire({ data: b, stream });
    this.currentStream = stream;
    this.splitters[stream].push(b);
    this.flushLines();
    this.outputLog?.flush();
    const run = this.parser.run;
    if (run) this.grew(run, 'output');
  }

  /** The lines of the last chunk go to output.log and the parser as one UTF-8 batch. */
  private flushLines(): void {
    if (this.batch.length === 0) return;
    const lines = this.batch;
    this.batch = [];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    this.delivered += bytes.length;
    this.outputLog?.writeLines(bytes, lines.length);
    this.parser.pushLines(lines, bytes);
  }

  private handleLine(text: string, stream: 'stdout' | 'stderr', lineNo: number, truncated: boolean): void {
    if (truncated && this.lastTruncated[stream] !== lineNo) {
      this.lastTruncated[stream] = lineNo;
      this.truncatedLines++;
      if (!this.truncNoted) {
        this.truncNoted = true;
        const max = this.opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
        this.note(
          `a line on ${stream} is longer than ${max.toLocaleString('en-US')} characters: it is cut there and the rest of it is dropped`,
        );
      }
    }
    this.batch.push(text);
    if (this._onLine.hasListeners) this._onLine.fire({ text, stream, truncated, at: this.chunkAt });
  }

  /** A run grew: the runner's own patience check (every time: it is cheap), then diagnosis. */
  private grew(run: Run, key: string): void {
    // The planned end the command line names (`--epochs 50`), for the forecast (cannot-beat-best).
    if (!run.meta.plannedEpochs && !run.meta.plannedSteps && !run.meta.max_steps) {
      const plan = parseCommandPlan(this.opts.args ?? []);
      if (plan.epochs) run.meta.plannedEpochs = String(plan.epochs);
      else if (plan.steps) run.meta.plannedSteps = String(plan.steps);
    }
    const f = this.policy.checkPatience(run);
    if (f) {
      this.diagnosis.report(f, run, key);
      if (this.isLive() && !this.stoppedBy && this.policy.shouldStop(f, run)) this.stopFor(f);
    }
    this.diagnosis.notify(run);
  }

  private handleWatchEvent(e: WatchEvent): void {
    switch (e.type) {
      case 'run':
        this.formats[e.file] = e.format;
        if (e.reason === 'replaced') {
          const current = new Set(this.watchers.flatMap(w => w.runs));
          for (const r of this.diagnosis.runs) if (r.source === e.file && !current.has(r)) this.diagnosis.untrack(r);
        }
        this.diagnosis.track(e.run, e.key);
        this._onRun.fire({ run: e.run, key: e.key, origin: 'file', format: e.format, reason: e.reason });
        break;
      case 'data':
        this.grew(e.run, e.key);
        break;
      case 'baseline':
        this.diagnosis.absorb(e.run);
        break;
      case 'note':
        this.note(e.message);
        break;
      default: {
        const never: never = e;
        void never;
      }
    }
  }

  private handleFindings(added: Finding[], run: Run, key: string): void {
    const at = Date.now();
    for (const f of added) {
      const stops = this.isLive() && !this.stoppedBy && this.policy.shouldStop(f, run);
      this._onFinding.fire({ finding: f, run, key, at, stops });
    }
    if (at - this.lastRecordWrite > 1000) this.writeRecord(true);
  }

  private stopFor(f: Finding): void {
    this.requestStop({
      by: 'finding',
      kind: f.kind,
      reason: stopSentence(f, this.lang),
      finding: f,
      at: new Date().toISOString(),
    });
  }

  private isLive(): boolean {
    return !this.leaderExited && (this._status === 'running' || this._status === 'starting');
  }

  /** Stop the run (the user asked). A second call skips the current grace period. */
  stop(reason?: string): void {
    if (this._status === 'stopping') {
      this.hurries++;
      return;
    }
    if (!this.isLive()) return;
    this.requestStop({ by: 'user', reason: reason ?? msg(this.lang).userStopped, at: new Date().toISOString() });
  }

  private requestStop(rec: StopRecord): void {
    if (!this._pid) {
      // Not spawned yet: kill it as soon as it is.
      this.stoppedBy = rec;
      this._status = 'stopping';
      this._onStopping.fire(rec);
      this.child?.once('spawn', () => this.startStop());
      return;
    }
    this.stoppedBy = rec;
    this._status = 'stopping';
    this._onStopping.fire(rec);
    this.startStop();
  }

  private startStop(): void {
    const pid = this._pid ?? this.child?.pid;
    if (!pid || this.stopPromise) return;
    const g = this.opts.grace ?? {};
    this.stopPromise = stopProcessTree(pid, {
      marker: this.marker,
      interruptMs: g.interruptMs ?? 2000,
      terminateMs: g.terminateMs ?? 2000,
      killMs: g.killMs ?? 3000,
      hurry: () => {
        if (this.hurries > 0) {
          this.hurries--;
          return true;
        }
        return false;
      },
      onSignal: (sig, n) => {
        if (this.stoppedBy) this.stoppedBy.signal = sig;
        this.note(msg(this.lang).signalSent(sig, n));
      },
    });
  }

  private async onLeaderExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.leaderExited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    const child = this.child!;
    // Read what is still in the pipes; a surviving grandchild may hold them open, so bounded.
    await Promise.race([
      Promise.all(
        [child.stdout!, child.stderr!].map(
          s => new Promise<void>(res => (s.readableEnded || s.destroyed ? res() : s.once('close', () => res()))),
        ),
      ),
      delay(1000),
    ]);
    const pid = this._pid ?? child.pid;
    if (this.stopPromise) {
      const r = await this.stopPromise;
      this.survivors = r.survivors;
    } else if (pid && process.platform !== 'win32') {
      const left = [...new Set([...groupMembers(pid), ...markedProcesses(this.marker)])];
      if (left.length > 0) {
        const g = this.opts.grace ?? {};
        const r = await stopProcessTree(pid, { marker: this.marker, interruptMs: 0, terminateMs: g.terminateMs ?? 2000, killMs: g.killMs ?? 3000 });
        this.leftovers = left.length;
        this.survivors = r.survivors;
        this.note(msg(this.lang).leftovers(left.length));
      }
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (this.survivors.length) this.note(msg(this.lang).survivors(this.survivors));
    await this.finish();
  }

  private async finish(error?: string): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    // The runner saw the run to its end (and stopped any leftovers): the guard stands down.
    this.guard?.release();
    this.splitters.stdout.end();
    this.splitters.stderr.end();
    this.flushLines();
    if (!error) this.parser.end();
    for (const w of this.watchers) w.close();
    this.diagnosis.pass(true);
    this.diagnosis.dispose();
    const stats = this.outputLog?.close() ?? { bytes: 0, lines: 0, droppedBytes: 0, droppedLines: 0 };
    const t = msg(this.lang);
    if (stats.droppedLines > 0) this.note(t.dropped(stats));
    const max = this.opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    const truncatedChars = this.truncatedLines > 0 ? Math.max(0, this.received.stdout + this.received.stderr - this.delivered) : 0;
    if (this.truncatedLines > 0) this.note(t.cutLines(this.truncatedLines, truncatedChars, max));
    this._status = error ? 'failed' : this.stoppedBy ? 'stopped' : 'exited';
    const result: RunResult = {
      status: this._status as RunResult['status'],
      exitCode: this.exitCode,
      signal: this.exitSignal,
      error,
      stoppedBy: this.stoppedBy,
      findings: this.diagnosis.current(),
      reported: this.diagnosis.reported.slice(),
      runDir: this._runDir,
      outputLog: this.outputLog?.file,
      output: { ...stats, truncatedLines: this.truncatedLines, truncatedChars, maxLineLength: max },
      startedAt: this.startedAt,
      endedAt: Date.now(),
      leftovers: this.leftovers,
      survivors: this.survivors,
      notes: this.notes.slice(),
    };
    this.writeRecord(false, result);
    this.resolve(result);
    this._onExit.fire(result);
  }

  /**
   * `cannot-beat-best` without a best given: the best validation loss of the runs this runner
   * wrote in the same runs folder (read while the run starts; the forecast waits for it).
   */
  private lookUpBest(root: string): void {
    this.bestLookup = siblingBest(root, this._runDir).then(
      b => {
        if (b) {
          this.policy.setBest(b.value);
          this.note(msg(this.lang).siblingBest(fmtNum(b.value), b.series, this.shownPath(b.runDir)));
        } else {
          this.note(msg(this.lang).noSiblingBest(this.shownPath(root)));
        }
      },
      (e: unknown) => this.note(msg(this.lang).noSiblingBest(`${root}: ${e instanceof Error ? e.message : String(e)}`)),
    );
  }

  /** A path as notes show it: relative to the working directory when inside it. */
  private shownPath(p: string): string {
    const r = path.relative(this.cwd, p);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
  }

  /** The look-up of the best to beat (cannot-beat-best without a best given), when one runs. */
  get bestReady(): Promise<void> {
    return this.bestLookup ?? Promise.resolve();
  }

  private note(message: string): void {
    this.notes.push(message);
    this._onNote.fire(message);
  }

  private writeRecord(running: boolean, result?: RunResult): void {
    if (!this._runDir) return;
    this.lastRecordWrite = Date.now();
    const rec: RunRecord = {
      version: RUN_RECORD_VERSION,
      name: this.name,
      command: this.opts.command,
      args: [...(this.opts.args ?? [])],
      cwd: this.cwd,
      env: redactEnv({ PYTHONUNBUFFERED: '1', ...(this.opts.env ?? {}) }),
      pid: this._pid,
      status: running ? 'running' : (result?.status ?? 'exited'),
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: result ? new Date(result.endedAt).toISOString() : undefined,
      durationMs: result ? result.endedAt - result.startedAt : undefined,
      exitCode: result?.exitCode,
      signal: result?.signal,
      error: result?.error,
      stoppedBy: this.stoppedBy,
      stopOn: this.policy.stopKinds,
      findings: this.diagnosis.current(),
      output: result?.output,
      logs: ['output.log', ...(this.opts.logFiles ?? []).map(f => path.resolve(this.cwd, f))],
      formats: this.formats,
      notes: this.notes.slice(),
      diagnoser: DIAGNOSER_IMPLEMENTATION,
    };
    try {
      writeRunRecord(this._runDir, rec);
    } catch {
      // The folder went away: the run itself goes on.
    }
  }

  /** Stop the run if it is still going (e.g. the window closes). */
  dispose(): void {
    if (this.isLive()) this.stop();
    else if (this._status === 'stopping') this.hurries += 3;
  }

  /** Which stream delivered the last chunk (for interleaving notes on a terminal). */
  get lastStream(): 'stdout' | 'stderr' {
    return this.currentStream;
  }
}

/** `train` for `python train.py ...`, else the program's base name. */
export function defaultRunName(command: string, args: readonly string[]): string {
  const prog = path.basename(command).replace(/\.(exe|cmd|bat)$/i, '');
  if (/^(python|python\d[\d.]*|py|pythonw|uv|poetry|accelerate|torchrun|deepspeed)$/i.test(prog) || /python/i.test(prog)) {
    const script = args.find(a => /\.py$/i.test(a));
    if (script) return path.basename(script).replace(/\.py$/i, '');
    const mIdx = args.indexOf('-m');
    if (mIdx >= 0 && args[mIdx + 1]) return args[mIdx + 1];
  }
  return prog || 'run';
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
