/**
 * The training runner in VS Code: "Run Training" (the active Python file with the selected
 * interpreter, or the configured command), "Stop Training", "Watch Log…" and the status bar
 * item that shows the live curves. The runner core (src/runner) does the work; this adapter
 * wires it to an output channel, the status bar, the curve viewer, the Problems panel and
 * notifications.
 *
 * Safety: nothing runs in an untrusted workspace, and a command that comes from workspace
 * settings (the project's files, not the user) is shown in a modal dialog before its first run
 * (remembered per command in workspaceState).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../../core/diagnose/types';
import { t as tr } from '../../core/i18n';
import type { Run } from '../../core/model';
import {
  expandVariables,
  formatCommandLine,
  formatFinding,
  formatFixes,
  lastLines,
  LiveDiagnosis,
  msg,
  LogWatcher,
  splitCommandLine,
  ThrottledLineSink,
  TrainingRun,
  type RunReason,
  type RunResult,
  type StopRecord,
} from '../../runner';
import { CommandId, ContextKey, ExternalCommand } from '../commands';
import { readRunnerSettings, RUNNER_SECTION, runnerCommandFromWorkspace } from '../config';
import { linkScript, publishRun } from '../diagnostics';
import { plainNotice } from '../diagnostics/pure/text';
import { displayLang, engineThresholds } from '../l10n';
import { Disposable, toDisposable } from '../viewer/dispose';
import type { LossLensViewers } from '../viewer/viewers';
import { confirmationKey } from './confirmation';
import { ViewerLiveSink, type LiveViewSink } from './liveView';
import { pythonInterpreter } from './python';
import { RunStatusBar } from './statusBar';

const CONFIRMED_KEY = 'lossLens.runner.confirmedCommands';
/** Lines of a run's stderr kept to explain a failure. */
const STDERR_LINES = 40;
/** Live views opened at once by "Watch Log…" on a directory. */
const MAX_WATCH_VIEWS = 4;

interface Launch {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  runsFolder: string;
  /** The training script, when one is known (its hyperparameter fixes go there). */
  script?: vscode.Uri;
  /** The command comes from workspace settings: confirm before its first run. */
  fromWorkspace: boolean;
  settingsScope?: vscode.Uri;
}

interface ActiveRun {
  run: TrainingRun;
  lines: ThrottledLineSink;
  output?: Run;
  findingsKey: string;
  findings: Finding[];
  /** The last lines the command wrote to stderr (why it failed, when it did). */
  stderr: string[];
  /** The run's script, when known (to offer another interpreter when it fails). */
  script?: vscode.Uri;
}

interface ActiveWatch {
  target: string;
  watcher: LogWatcher;
  diagnosis: LiveDiagnosis;
}

export class TrainingController extends Disposable {
  private readonly channel: vscode.OutputChannel;
  private readonly status: RunStatusBar;
  private readonly sink: LiveViewSink | undefined;
  private active: ActiveRun | undefined;
  private last: ActiveRun | undefined;
  private readonly watches = new Map<string, ActiveWatch>();

  static register(context: vscode.ExtensionContext, viewers?: LossLensViewers, sink?: LiveViewSink): vscode.Disposable {
    return new TrainingController(context, sink ?? (viewers ? new ViewerLiveSink(viewers) : undefined));
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    sink: LiveViewSink | undefined,
  ) {
    super();
    this.sink = sink;
    this.channel = this._register(vscode.window.createOutputChannel(vscode.l10n.t('Loss Lens: Training')));
    this.status = this._register(new RunStatusBar());
    const reg = (id: string, fn: (...a: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(CommandId.runTraining, (uri?: vscode.Uri) => this.runTraining(uri));
    reg(CommandId.stopTraining, () => this.stopTraining());
    reg(CommandId.watchLog, (uri?: vscode.Uri) => this.watchLog(uri));
    reg(CommandId.showLiveRun, () => this.showLiveRun());
    this._register(
      toDisposable(() => {
        // The window is closing: stop the run (SIGINT, escalating while the host lives).
        this.active?.run.dispose();
        for (const w of this.watches.values()) {
          w.watcher.close();
          w.diagnosis.dispose();
        }
        this.sink?.dispose();
      }),
    );
    void vscode.commands.executeCommand('setContext', ContextKey.trainingRunning, false);
  }

  // ---------------------------------------------------------------------------------------
  // Run Training

  async runTraining(uri?: vscode.Uri): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      const manage = vscode.l10n.t('Manage Workspace Trust');
      const choice = await vscode.window.showErrorMessage(
        vscode.l10n.t('Loss Lens runs training commands only in trusted workspaces.'),
        manage,
      );
      if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    if (this.active) {
      const stop = vscode.l10n.t('Stop It and Start Again');
      const show = vscode.l10n.t('Show It');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('A training run is in progress: {0}', this.active.run.name),
        stop,
        show,
      );
      if (choice === show) return this.showLiveRun();
      if (choice !== stop) return;
      const running = this.active.run;
      running.stop();
      await running.done;
    }
    const launch = await this.resolveLaunch(uri);
    if (typeof launch === 'string') {
      const open = vscode.l10n.t('Open Settings');
      const choice = await vscode.window.showErrorMessage(launch, open);
      if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', RUNNER_SECTION);
      return;
    }
    if (launch.fromWorkspace && !(await this.confirm(launch))) return;
    this.start(launch);
  }

  /** What to run, from the settings and the active editor; a message when there is nothing. */
  private async resolveLaunch(uri?: vscode.Uri): Promise<Launch | string> {
    const doc = uri ? vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString()) : vscode.window.activeTextEditor?.document;
    const fileUri = uri ?? doc?.uri;
    const localFile = fileUri?.scheme === 'file' ? fileUri : undefined;
    const folder = (fileUri && vscode.workspace.getWorkspaceFolder(fileUri)) ?? vscode.workspace.workspaceFolders?.[0];
    const scope = fileUri ?? folder?.uri;
    const s = readRunnerSettings(scope);
    const isPy = !!localFile && (/\.py$/i.test(localFile.fsPath) || doc?.languageId === 'python');
    const vars: Record<string, string | undefined> = {
      file: localFile?.fsPath,
      fileDirname: localFile ? path.dirname(localFile.fsPath) : undefined,
      fileBasename: localFile ? path.basename(localFile.fsPath) : undefined,
      workspaceFolder: folder?.uri.fsPath,
    };
    let argv: string[];
    let script: vscode.Uri | undefined;
    if (s.command) {
      const words = s.args.length ? [s.command, ...s.args] : splitCommandLine(s.command);
      if (words.some(w => w === '${python}')) {
        const py = await pythonInterpreter(fileUri);
        argv = words.flatMap(w => (w === '${python}' ? py.command : [w]));
      } else argv = words;
      argv = argv.map(a => expandVariables(a, vars));
      const unresolved = argv.find(a => /\$\{(file|fileDirname|fileBasename|workspaceFolder)\}/.test(a));
      if (unresolved) {
        return vscode.l10n.t('{0} in lossLens.runner needs an open file or a workspace folder.', unresolved);
      }
      const py = argv.find(a => /\.py$/i.test(a));
      if (py) script = vscode.Uri.file(path.resolve(folder?.uri.fsPath ?? '', py));
    } else {
      if (!isPy || !localFile) {
        return vscode.l10n.t('Open a Python training script (or set lossLens.runner.command) to run it.');
      }
      if (doc?.isDirty) await doc.save();
      const py = await pythonInterpreter(localFile);
      argv = [...py.command, localFile.fsPath];
      script = localFile;
    }
    if (!argv.length || !argv[0]) return vscode.l10n.t('lossLens.runner.command is empty.');
    const base = folder?.uri.fsPath ?? vars.fileDirname;
    const cwd = s.cwd ? path.resolve(base ?? '', expandVariables(s.cwd, vars)) : base;
    if (!cwd) {
      return vscode.l10n.t('Open a folder or a Python file first: the run needs a working directory.');
    }
    const env = Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, expandVariables(v, vars)]));
    const runsFolder = path.isAbsolute(s.runsFolder) ? s.runsFolder : path.join(folder?.uri.fsPath ?? cwd, s.runsFolder);
    return { argv, cwd, env, runsFolder, script, fromWorkspace: runnerCommandFromWorkspace(scope), settingsScope: scope };
  }

  /** Show a command from workspace settings before its first run; remember the answer. */
  private async confirm(l: Launch): Promise<boolean> {
    // Everything the workspace's settings decide is in the key: a changed runs folder asks again.
    const key = confirmationKey(l);
    const confirmed = this.context.workspaceState.get<string[]>(CONFIRMED_KEY, []);
    if (confirmed.includes(key)) return true;
    const envText = Object.keys(l.env).length
      ? `\n${vscode.l10n.t('with: {0}', Object.entries(l.env).map(([k, v]) => `${k}=${v}`).join(' '))}`
      : '';
    const run = vscode.l10n.t('Run');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("Run this training command from the workspace's settings?"),
      {
        modal: true,
        detail:
          `${formatCommandLine(l.argv[0], l.argv.slice(1))}\n\n${vscode.l10n.t('in: {0}', l.cwd)}${envText}\n${vscode.l10n.t('run folders in: {0}', l.runsFolder)}\n\n` +
          vscode.l10n.t(
            "It comes from this workspace's settings (lossLens.runner.*), not from your user settings. Loss Lens asks once per command.",
          ),
      },
      run,
    );
    if (choice !== run) return false;
    await this.context.workspaceState.update(CONFIRMED_KEY, [...confirmed.slice(-49), key]);
    return true;
  }

  private start(l: Launch): void {
    const s = readRunnerSettings(l.settingsScope);
    const lang = displayLang();
    const run = new TrainingRun({
      command: l.argv[0],
      args: l.argv.slice(1),
      cwd: l.cwd,
      env: l.env,
      runsFolder: l.runsFolder,
      stopOn: s.stopOn,
      earlyStopPatience: s.earlyStopPatience,
      // (null: the runner takes the best of the earlier runs in the runs folder)
      beatBest: s.best ?? undefined,
      maxOutputBytes: s.maxOutputBytes,
      lang,
      thresholds: engineThresholds(),
    });
    const lines = new ThrottledLineSink(text => this.channel.appendLine(text));
    const a: ActiveRun = { run, lines, findingsKey: '', findings: [], stderr: [], script: l.script };
    this.active = a;
    const ch = this.channel;
    ch.appendLine('');
    ch.appendLine(`▶ ${run.commandLine}`);
    ch.appendLine(`  ${vscode.l10n.t('cwd: {0} · stops on: {1}', l.cwd, run.stopKinds.join(', ') || vscode.l10n.t('nothing'))}`);
    ch.show(true);
    this.status.starting(run.name, run.commandLine);
    const subs: vscode.Disposable[] = [];
    subs.push(
      run.onDidStart(({ pid }) => {
        lines.push(`  ${run.runDir ? vscode.l10n.t('pid {0} · run folder: {1}', pid, run.runDir) : vscode.l10n.t('pid {0}', pid)}`);
        void vscode.commands.executeCommand('setContext', ContextKey.trainingRunning, true);
      }),
      run.onLine(e => {
        lines.push(e.text);
        if (e.stream === 'stderr' && a.stderr.push(e.text) > STDERR_LINES) a.stderr.shift();
      }),
      run.onNote(n => lines.push(`[loss-lens] ${n}`)),
      run.onFinding(({ finding }) => {
        for (const l2 of formatFinding(finding, { fixes: finding.severity === 'info' ? 0 : 2 })) lines.push(`[loss-lens] ${l2}`);
      }),
      run.onRun(e => {
        if (e.origin !== 'output') return;
        a.output = e.run;
        this.sink?.open(e.run, []);
        if (l.script && run.runDir) void linkScript(vscode.Uri.file(e.run.source), l.script);
      }),
      run.onUpdate(({ run: r, findings }) => {
        if (r !== a.output) return;
        this.sink?.append(r);
        const key = findings.map(f => `${f.id ?? f.kind}:${f.severity}:${f.step}`).join('|');
        if (key !== a.findingsKey) {
          a.findingsKey = key;
          a.findings = [...findings];
          this.sink?.findings(r, a.findings);
          if (run.runDir) publishRun(vscode.Uri.file(r.source), [r], a.findings);
        }
        this.status.update(r, a.findings, run.status === 'stopping');
      }),
      run.onStopping(rec => {
        this.status.update(a.output, a.findings, true);
        lines.push(`[loss-lens] ${rec.reason}`);
        if (rec.by === 'finding') void this.notifyStopped(rec, a);
      }),
    );
    void run.start().then(result => {
      for (const d of subs) d.dispose();
      this.ended(a, result);
    });
  }

  private ended(a: ActiveRun, r: RunResult): void {
    a.lines.flush();
    const how =
      r.status === 'failed'
        ? r.error
        : `${r.stoppedBy ? `${vscode.l10n.t('stopped')} · ` : ''}${r.signal ? vscode.l10n.t('ended by {0}', r.signal) : vscode.l10n.t('exit code {0}', String(r.exitCode))}`;
    this.channel.appendLine(`■ ${how} · ${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s${r.runDir ? ` · ${r.runDir}` : ''}`);
    this.status.ended(r);
    if (a.output) {
      this.sink?.finish(a.output, r.findings);
      if (r.runDir) publishRun(vscode.Uri.file(a.output.source), [a.output], r.findings);
    }
    if (this.active === a) this.active = undefined;
    this.last = a;
    void vscode.commands.executeCommand('setContext', ContextKey.trainingRunning, false);
    const logged = !!a.output && [...a.output.series.values()].some(x => x.length > 0);
    if (r.status !== 'failed' && !r.stoppedBy && r.exitCode !== 0 && !logged) {
      void this.notifyFailed(a, r);
    } else if (r.status === 'failed') {
      const open = vscode.l10n.t('Open Settings');
      void vscode.window.showErrorMessage(plainNotice(r.error ?? vscode.l10n.t('The training command could not start.')), open).then(c => {
        if (c === open) void vscode.commands.executeCommand('workbench.action.openSettings', RUNNER_SECTION);
      });
    } else if (!r.stoppedBy && r.exitCode !== 0) {
      const show = vscode.l10n.t('Show Output');
      void vscode.window
        .showWarningMessage(vscode.l10n.t('Training ended with {0}.', r.signal ?? vscode.l10n.t('exit code {0}', String(r.exitCode))), show)
        .then(c => c === show && this.channel.show());
    }
  }

  /**
   * The command ended in error before it logged any metric (an interpreter without torch, a
   * typo): say why with the last lines of its stderr, mark the live view failed, and offer to
   * pick another interpreter.
   */
  private async notifyFailed(a: ActiveRun, r: RunResult): Promise<void> {
    const lang = displayLang();
    const how = r.signal ?? msg(lang).exitCode(String(r.exitCode));
    const why = lastLines(a.stderr);
    const text = why ? tr(lang, 'runner.failedBeforeMetrics', { how, why }) : tr(lang, 'runner.failedNoOutput', { how });
    if (a.output) this.sink?.fail(a.output, text);
    const pick = vscode.l10n.t('Select Interpreter');
    const output = vscode.l10n.t('Show Output');
    const choice = await vscode.window.showErrorMessage(plainNotice(text), ...(a.script ? [pick] : []), output);
    if (choice === output) this.channel.show();
    else if (choice === pick) {
      // The Python extension's picker when it is there, else the runner's own setting.
      const hasPython = !!vscode.extensions.getExtension('ms-python.python');
      if (hasPython) await vscode.commands.executeCommand(ExternalCommand.pythonSetInterpreter);
      else await vscode.commands.executeCommand('workbench.action.openSettings', `${RUNNER_SECTION}.command`);
    }
  }

  private async notifyStopped(rec: StopRecord, a: ActiveRun): Promise<void> {
    const f = rec.finding;
    const curves = vscode.l10n.t('Show Curves');
    const output = vscode.l10n.t('Show Output');
    const copy = vscode.l10n.t('Copy Fixes');
    const choice = await vscode.window.showWarningMessage(
      // One sentence, as the CLI says it: "Stopped at step 15: the loss became NaN. Try: …".
      plainNotice(rec.reason),
      curves,
      output,
      copy,
    );
    if (choice === curves && a.output) this.sink?.reveal(a.output);
    else if (choice === output) this.channel.show();
    else if (choice === copy && f) {
      await vscode.env.clipboard.writeText([f.title, f.message, '', ...formatFixes(f.fixes, f.fixes.length)].join('\n'));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Stop Training, Show Live Run

  stopTraining(): void {
    const a = this.active;
    if (!a) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No training run is in progress.'));
      return;
    }
    if (a.run.status === 'stopping') {
      a.run.stop(); // again: skip the rest of the grace period
      this.channel.appendLine(`[loss-lens] ${vscode.l10n.t('stopping harder')}`);
      return;
    }
    a.run.stop();
  }

  showLiveRun(): void {
    const a = this.active ?? this.last;
    if (a?.output && this.sink) {
      this.sink.reveal(a.output);
      return;
    }
    if (a) {
      this.channel.show();
      return;
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('No training run yet: start one with "Loss Lens: Run Training".'));
  }

  // ---------------------------------------------------------------------------------------
  // Watch Log…

  async watchLog(target?: vscode.Uri): Promise<void> {
    const pick =
      target ??
      (
        await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: vscode.l10n.t('Watch'),
          title: vscode.l10n.t('Loss Lens: log file or run directory to watch'),
        })
      )?.[0];
    if (!pick) return;
    if (pick.scheme !== 'file') {
      void vscode.window.showErrorMessage(vscode.l10n.t('Only files on disk (local or on the remote host) can be watched.'));
      return;
    }
    const p = pick.fsPath;
    const existing = this.watches.get(p);
    if (existing) {
      const stop = vscode.l10n.t('Stop Watching');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Already watching {0}', plainNotice(p)), stop);
      if (choice === stop) this.stopWatching(p);
      else for (const r of existing.watcher.runs) this.sink?.reveal(r);
      return;
    }
    const lang = displayLang();
    const lines = new ThrottledLineSink(text => this.channel.appendLine(text));
    let opened = 0;
    const diagnosis = new LiveDiagnosis({
      lang,
      onFindings: added => {
        for (const f of added) for (const l of formatFinding(f, { fixes: f.severity === 'info' ? 0 : 2 })) lines.push(`[watch] ${l}`);
      },
      onPass: (run, _key, current) => {
        this.sink?.append(run);
        this.sink?.findings(run, [...current]);
        publishRun(vscode.Uri.file(run.source), [run], [...current]);
      },
    });
    const watcher = new LogWatcher(p, {
      pollMs: 500,
      existing: 'read',
      onEvent: e => {
        switch (e.type) {
          case 'run':
            diagnosis.track(e.run, e.key);
            // A view per run, for the first few (a big run directory holds many logs).
            if (++opened <= MAX_WATCH_VIEWS || e.reason !== 'opened') this.sink?.open(e.run, []);
            lines.push(
              `[watch] ${
                e.reason === 'opened'
                  ? vscode.l10n.t('following {0} ({1})', e.file, e.format)
                  : vscode.l10n.t('following {0} ({1}, {2})', e.file, e.format, reasonText(e.reason))
              }`,
            );
            break;
          case 'data':
            diagnosis.notify(e.run);
            break;
          case 'baseline':
            break;
          case 'note':
            lines.push(`[watch] ${e.message}`);
            break;
        }
      },
    });
    this.watches.set(p, { target: p, watcher, diagnosis });
    this.channel.appendLine(`[watch] ${vscode.l10n.t('watching {0}', p)}`);
    this.channel.show(true);
    watcher.start();
    const stop = vscode.l10n.t('Stop Watching');
    void vscode.window.showInformationMessage(vscode.l10n.t('Loss Lens is watching {0}', plainNotice(path.basename(p))), stop).then(c => {
      if (c === stop) this.stopWatching(p);
    });
  }

  private stopWatching(p: string): void {
    const w = this.watches.get(p);
    if (!w) return;
    this.watches.delete(p);
    w.watcher.close();
    w.diagnosis.pass(true);
    for (const r of w.watcher.runs) this.sink?.finish(r, w.diagnosis.current(r));
    w.diagnosis.dispose();
    this.channel.appendLine(`[watch] ${vscode.l10n.t('stopped watching {0}', p)}`);
  }
}

/** Why the watcher (re)started reading a file, in words. */
function reasonText(reason: RunReason): string {
  switch (reason) {
    case 'opened':
      return vscode.l10n.t('opened');
    case 'new-file':
      return vscode.l10n.t('new file');
    case 'truncated':
      return vscode.l10n.t('truncated');
    case 'rotated':
      return vscode.l10n.t('rotated');
    case 'replaced':
      return vscode.l10n.t('replaced');
  }
}
