/**
 * The runner's own words (stop reasons, start errors, output notes) in the two languages the
 * CLI and the extension offer, and plain-text rendering of findings for a terminal or an
 * output channel.
 */
import type { Finding, Lang } from '../core/diagnose/types';
import { fmtBytes, type OutputStats } from './outputLog';

const EN = {
  stopped: (what: string) => `Loss Lens stopped the run: ${what}`,
  userStopped: 'the run was stopped by the user',
  atStep: (series: string, step: string, line?: number) =>
    `in ${series} at step ${step}${line ? ` (line ${line})` : ''}`,
  whatToChange: 'What to change:',
  cannotStart: (cmd: string, why: string) => `Cannot start ${cmd}: ${why}`,
  badCwd: (cwd: string) => `the working directory does not exist: ${cwd}`,
  notDir: (cwd: string) => `the working directory is not a directory: ${cwd}`,
  dropped: (s: OutputStats) =>
    `${s.droppedLines.toLocaleString('en-US')} lines (${fmtBytes(s.droppedBytes)}) of output were dropped from the middle of output.log to keep it bounded`,
  cutLines: (n: number, chars: number, max: number) =>
    `${n.toLocaleString('en-US')} line${n === 1 ? ' was' : 's were'} longer than ${max.toLocaleString('en-US')} characters and cut (${fmtBytes(chars)} dropped)`,
  leftovers: (n: number) =>
    `${n} process${n === 1 ? '' : 'es'} of the run ${n === 1 ? 'was' : 'were'} still running after it exited; stopped ${n === 1 ? 'it' : 'them'}`,
  signalSent: (sig: string, outside: number) =>
    `sent ${sig} to the run's process group${outside ? ` and to ${outside} process${outside === 1 ? '' : 'es'} that left it` : ''}`,
  survivors: (pids: number[]) => `could not stop processes ${pids.join(', ')}`,
  pseudoRunsFolder: (dir: string, fsRoot: string) => `--runs-folder ${dir} is on ${fsRoot}, a kernel pseudo file system: choose another folder`,
};

const ZH: typeof EN = {
  stopped: what => `Loss Lens 已停止训练：${what}`,
  userStopped: '用户手动停止',
  atStep: (series, step, line) => `${series} 第 ${step} 步${line ? `（第 ${line} 行）` : ''}`,
  whatToChange: '建议修改：',
  cannotStart: (cmd, why) => `无法启动 ${cmd}：${why}`,
  badCwd: cwd => `工作目录不存在：${cwd}`,
  notDir: cwd => `工作目录不是文件夹：${cwd}`,
  dropped: s => `为限制 output.log 的大小，中间丢弃了 ${s.droppedLines} 行（${fmtBytes(s.droppedBytes)}）输出`,
  cutLines: (n, chars, max) => `${n} 行超过 ${max} 个字符，已截断（丢弃 ${fmtBytes(chars)}）`,
  leftovers: n => `训练退出后仍有 ${n} 个进程在运行，已将其停止`,
  signalSent: (sig, outside) => `已向训练进程组发送 ${sig}${outside ? `（另有 ${outside} 个已脱离进程组的进程）` : ''}`,
  survivors: pids => `无法停止进程 ${pids.join(', ')}`,
  pseudoRunsFolder: (dir, fsRoot) => `--runs-folder ${dir} 位于内核伪文件系统 ${fsRoot} 中，请选择其他文件夹`,
};

export function msg(lang: Lang | undefined): typeof EN {
  return lang === 'zh-cn' ? ZH : EN;
}

export function fmtStep(step: number): string {
  if (!Number.isFinite(step)) return String(step);
  return Number.isInteger(step) ? String(step) : step.toPrecision(6).replace(/\.?0+$/, '');
}

/** One finding as terminal lines: a header with severity and kind, the message, the fixes. */
export function formatFinding(f: Finding, opts: { fixes?: number; indent?: string } = {}): string[] {
  const ind = opts.indent ?? '';
  const where = `${f.series} @ step ${fmtStep(f.step)}${f.line ? ` (line ${f.line})` : ''}`;
  const out = [`${ind}${f.severity.toUpperCase()} ${f.kind}: ${f.title} — ${where}`, `${ind}  ${f.message}`];
  out.push(...formatFixes(f.fixes, opts.fixes ?? 0, ind + '  '));
  return out;
}

/** The first `n` fixes, numbered, with their code snippets indented under them. */
export function formatFixes(fixes: Finding['fixes'], n: number, indent = ''): string[] {
  const out: string[] = [];
  fixes.slice(0, n).forEach((fx, i) => {
    out.push(`${indent}${i + 1}. ${fx.title}${fx.detail ? ` — ${fx.detail}` : ''}`);
    if (fx.code) for (const l of fx.code.split('\n')) out.push(`${indent}     ${l}`);
  });
  return out;
}
