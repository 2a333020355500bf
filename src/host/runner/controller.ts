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
import type { Run } from '../../core/model';
import {
  expandVariables,
  formatCommandLine,
  formatFinding,
  formatFixes,
  LiveDiagnosis,
  LogWatcher,
  msg,
  splitCommandLine,
  ThrottledLineSink,
  TrainingRun,
  type RunResult,
  type StopRecord,
} from '../../runner';
import { linkScript, publishRun } from '../diagnostics';
import { uiLang } from '../diagnostics/settings';
import { Disposable, toDisposable } from '../viewer/dispose';
import type { LossLensViewers } from '../viewer/viewers';
import { RunnerCommandId, RUNNING_CONTEXT } from './commands';
import { commandFromWorkspace, readRunnerSettings, RUNNER_SECTION } from './config';
import { ViewerLiveSink, type LiveViewSink } from './liveView';
import { pythonInterpreter } from './python';
import { RunStatusBar } from './statusBar';

const CONFIRMED_KEY = 'lossLens.runner.confirmedCommands';
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
    this.channel = this._register(vscode.window.createOutputChannel('Loss Lens: Training'));
    this.status = this._register(new RunStatusBar());
    const reg = (id: string, fn: (...a: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    reg(RunnerCommandId.runTraining, (uri?: vscode.Uri) => this.runTraining(uri));
    reg(RunnerCommandId.stopTraining, () => this.stopTraining());
    reg(RunnerCommandId.watchLog, (uri?: vscode.Uri) => this.watchLog(uri));
    reg(RunnerCommandId.showLiveRun, () => this.showLiveRun());
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
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
  }

  // ---------------------------------------------------------------------------------------
  // Run Training

  async runTraining(uri?: vscode.Uri): Promise<void> {
    const zh = uiLang() === 'zh-cn';
    if (!vscode.workspace.isTrusted) {
      const manage = zh ? '管理工作区信任' : 'Manage Workspace Trust';
      const choice = await vscode.window.showErrorMessage(
        zh
          ? 'Loss Lens 只在受信任的工作区中运行训练命令。'
          : 'Loss Lens runs training commands only in trusted workspaces.',
        manage,
      );
      if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    if (this.active) {
      const stop = zh ? '停止并重新开始' : 'Stop It and Start Again';
      const show = zh ? '显示' : 'Show It';
      const choice = await vscode.window.showWarningMessage(
        zh ? `训练正在运行：${this.active.run.name}` : `A training run is in progress: ${this.active.run.name}`,
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
      const open = zh ? '打开设置' : 'Open Settings';
      const choice = await vscode.window.showErrorMessage(launch, open);
      if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', RUNNER_SECTION);
      return;
    }
    if (launch.fromWorkspace && !(await this.confirm(launch))) return;
    this.start(launch);
  }

  /** What to run, from the settings and the active editor; a message when there is nothing. */
  private async resolveLaunch(uri?: vscode.Uri): Promise<Launch | string> {
    const zh = uiLang() === 'zh-cn';
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
        return zh
          ? `lossLens.runner 中的 ${unresolved} 需要一个打开的文件或工作区文件夹。`
          : `${unresolved} in lossLens.runner needs an open file or a workspace folder.`;
      }
      const py = argv.find(a => /\.py$/i.test(a));
      if (py) script = vscode.Uri.file(path.resolve(folder?.uri.fsPath ?? '', py));
    } else {
      if (!isPy || !localFile) {
        return zh
          ? '请打开一个 Python 训练脚本（或设置 lossLens.runner.command）再运行。'
          : 'Open a Python training script (or set lossLens.runner.command) to run it.';
      }
      if (doc?.isDirty) await doc.save();
      const py = await pythonInterpreter(localFile);
      argv = [...py.command, localFile.fsPath];
      script = localFile;
    }
    if (!argv.length || !argv[0]) return zh ? 'lossLens.runner.command 为空。' : 'lossLens.runner.command is empty.';
    const base = folder?.uri.fsPath ?? vars.fileDirname;
    const cwd = s.cwd ? path.resolve(base ?? '', expandVariables(s.cwd, vars)) : base;
    if (!cwd) {
      return zh ? '请先打开一个文件夹或 Python 文件。' : 'Open a folder or a Python file first: the run needs a working directory.';
    }
    const env = Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, expandVariables(v, vars)]));
    const runsFolder = path.isAbsolute(s.runsFolder) ? s.runsFolder : path.join(folder?.uri.fsPath ?? cwd, s.runsFolder);
    return { argv, cwd, env, runsFolder, script, fromWorkspace: commandFromWorkspace(scope), settingsScope: scope };
  }

  /** Show a command from workspace settings before its first run; remember the answer. */
  private async confirm(l: Launch): Promise<boolean> {
    const key = JSON.stringify({ argv: l.argv, cwd: l.cwd, env: l.env });
    const confirmed = this.context.workspaceState.get<string[]>(CONFIRMED_KEY, []);
    if (confirmed.includes(key)) return true;
    const zh = uiLang() === 'zh-cn';
    const envText = Object.keys(l.env).length
      ? `\n${zh ? '环境变量' : 'with'}: ${Object.entries(l.env).map(([k, v]) => `${k}=${v}`).join(' ')}`
      : '';
    const run = zh ? '运行' : 'Run';
    const choice = await vscode.window.showWarningMessage(
      zh ? '运行工作区设置中的这个训练命令？' : "Run this training command from the workspace's settings?",
      {
        modal: true,
        detail:
          `${formatCommandLine(l.argv[0], l.argv.slice(1))}\n\n${zh ? '工作目录' : 'in'}: ${l.cwd}${envText}\n\n` +
          (zh
            ? '它来自本工作区的设置（lossLens.runner.*），而不是你的用户设置。每个命令只会询问一次。'
            : "It comes from this workspace's settings (lossLens.runner.*), not from your user settings. Loss Lens asks once per command."),
      },
      run,
    );
    if (choice !== run) return false;
    await this.context.workspaceState.update(CONFIRMED_KEY, [...confirmed.slice(-49), key]);
    return true;
  }

  private start(l: Launch): void {
    const s = readRunnerSettings(l.settingsScope);
    const lang = uiLang();
    const run = new TrainingRun({
      command: l.argv[0],
      args: l.argv.slice(1),
      cwd: l.cwd,
      env: l.env,
      runsFolder: l.runsFolder,
      stopOn: s.stopOn,
      earlyStopPatience: s.earlyStopPatience,
      maxOutputBytes: s.maxOutputBytes,
      lang,
    });
    const lines = new ThrottledLineSink(text => this.channel.appendLine(text));
    const a: ActiveRun = { run, lines, findingsKey: '', findings: [] };
    this.active = a;
    const ch = this.channel;
    ch.appendLine('');
    ch.appendLine(`▶ ${run.commandLine}`);
    ch.appendLine(`  cwd: ${l.cwd} · stops on: ${run.stopKinds.join(', ') || 'nothing'}`);
    ch.show(true);
    this.status.starting(run.name, run.commandLine);
    const subs: vscode.Disposable[] = [];
    subs.push(
      run.onDidStart(({ pid }) => {
        lines.push(`  pid ${pid}${run.runDir ? ` · run folder: ${run.runDir}` : ''}`);
        void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
      }),
      run.onLine(e => lines.push(e.text)),
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
        lines.push(`[loss-lens] ${rec.by === 'finding' ? msg(lang).stopped(rec.reason) : rec.reason}`);
        if (rec.by === 'finding') void this.notifyStopped(rec, a);
      }),
    );
    void run.start().then(result => {
      for (const d of subs) d.dispose();
      this.ended(a, result);
    });
  }

  private ended(a: ActiveRun, r: RunResult): void {
    const zh = uiLang() === 'zh-cn';
    a.lines.flush();
    const how =
      r.status === 'failed'
        ? r.error
        : `${r.stoppedBy ? 'stopped · ' : ''}${r.signal ? `ended by ${r.signal}` : `exit code ${r.exitCode}`}`;
    this.channel.appendLine(`■ ${how} · ${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s${r.runDir ? ` · ${r.runDir}` : ''}`);
    this.status.ended(r);
    if (a.output) {
      this.sink?.finish(a.output, r.findings);
      if (r.runDir) publishRun(vscode.Uri.file(a.output.source), [a.output], r.findings);
    }
    if (this.active === a) this.active = undefined;
    this.last = a;
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
    if (r.status === 'failed') {
      const open = zh ? '打开设置' : 'Open Settings';
      void vscode.window.showErrorMessage(r.error ?? 'The training command could not start.', open).then(c => {
        if (c === open) void vscode.commands.executeCommand('workbench.action.openSettings', RUNNER_SECTION);
      });
    } else if (!r.stoppedBy && r.exitCode !== 0) {
      const show = zh ? '显示输出' : 'Show Output';
      void vscode.window
        .showWarningMessage(
          zh ? `训练异常结束（${r.signal ?? `退出码 ${r.exitCode}`}）。` : `Training ended with ${r.signal ?? `exit code ${r.exitCode}`}.`,
          show,
        )
        .then(c => c === show && this.channel.show());
    }
  }

  private async notifyStopped(rec: StopRecord, a: ActiveRun): Promise<void> {
    const zh = uiLang() === 'zh-cn';
    const t = msg(uiLang());
    const f = rec.finding;
    const fixes = f ? f.fixes.slice(0, 2).map((x, i) => `${i + 1}. ${x.title}`).join('  ') : '';
    const curves = zh ? '显示曲线' : 'Show Curves';
    const output = zh ? '显示输出' : 'Show Output';
    const copy = zh ? '复制修改建议' : 'Copy Fixes';
    const choice = await vscode.window.showWarningMessage(
      `${t.stopped(rec.reason)}${fixes ? ` — ${t.whatToChange} ${fixes}` : ''}`,
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
      void vscode.window.showInformationMessage(uiLang() === 'zh-cn' ? '没有正在运行的训练。' : 'No training run is in progress.');
      return;
    }
    if (a.run.status === 'stopping') {
      a.run.stop(); // again: skip the rest of the grace period
      this.channel.appendLine('[loss-lens] stopping harder');
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
    void vscode.window.showInformationMessage(
      uiLang() === 'zh-cn' ? '还没有训练运行。使用“Loss Lens: 运行训练”开始。' : 'No training run yet: start one with "Loss Lens: Run Training".',
    );
  }

  // ---------------------------------------------------------------------------------------
  // Watch Log…

  async watchLog(target?: vscode.Uri): Promise<void> {
    const zh = uiLang() === 'zh-cn';
    const pick =
      target ??
      (
        await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: zh ? '跟踪' : 'Watch',
          title: zh ? 'Loss Lens：要跟踪的日志文件或运行目录' : 'Loss Lens: log file or run directory to watch',
        })
      )?.[0];
    if (!pick) return;
    if (pick.scheme !== 'file') {
      void vscode.window.showErrorMessage(zh ? '只能跟踪本地（或远程主机上的）文件。' : 'Only files on disk (local or on the remote host) can be watched.');
      return;
    }
    const p = pick.fsPath;
    const existing = this.watches.get(p);
    if (existing) {
      const stop = zh ? '停止跟踪' : 'Stop Watching';
      const choice = await vscode.window.showInformationMessage(zh ? `已在跟踪 ${p}` : `Already watching ${p}`, stop);
      if (choice === stop) this.stopWatching(p);
      else for (const r of existing.watcher.runs) this.sink?.reveal(r);
      return;
    }
    const lang = uiLang();
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
            lines.push(`[watch] following ${e.file} (${e.format}${e.reason === 'opened' ? '' : `, ${e.reason}`})`);
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
    this.channel.appendLine(`[watch] watching ${p}`);
    this.channel.show(true);
    watcher.start();
    const stop = zh ? '停止跟踪' : 'Stop Watching';
    void vscode.window.showInformationMessage(zh ? `Loss Lens 正在跟踪 ${path.basename(p)}` : `Loss Lens is watching ${path.basename(p)}`, stop).then(c => {
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
    this.channel.appendLine(`[watch] stopped watching ${p}`);
  }
}
