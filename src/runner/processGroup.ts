/**
 * Process groups: the runner starts every command as the leader of its own group
 * (`detached: true` = setsid), so one signal reaches the whole tree (data-loader workers,
 * multiprocessing children, shells). Stopping escalates SIGINT -> SIGTERM -> SIGKILL and only
 * reports success once no live member of the group is left. Linux reads /proc to tell live
 * members from zombies, to find descendants that moved to another group, and (through the
 * LOSS_LENS_RUN marker in their environment) those that double-forked away; other POSIX
 * systems fall back to `kill(-pgid, 0)`. Windows uses `taskkill /T`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

const HAVE_PROC = process.platform === 'linux' && fs.existsSync('/proc/self/stat');

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

function readStat(pid: number): ProcStat | undefined {
  let s: string;
  try {
    s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const close = s.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = s.slice(close + 2).split(' ');
  return { pid, state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]) };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readStat(Number(n));
    if (st) out.push(st);
  }
  return out;
}

const dead = (st: ProcStat) => st.state === 'Z' || st.state === 'X' || st.state === 'x';

/** Live (not zombie) members of a process group. */
export function groupMembers(pgid: number): number[] {
  if (process.platform === 'win32') return isAlive(pgid) ? [pgid] : [];
  if (HAVE_PROC) return allStats().filter(st => st.pgrp === pgid && !dead(st)).map(st => st.pid);
  try {
    process.kill(-pgid, 0);
    return [pgid];
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? [pgid] : [];
  }
}

/** Direct children of a process, from /proc/PID/task/TID/children (undefined if unavailable). */
function childrenOf(pid: number): number[] | undefined {
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    let s: string;
    try {
      s = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && tid === tids[0]) return undefined;
      continue;
    }
    for (const w of s.split(' ')) if (w) out.push(Number(w));
  }
  return out;
}

/** Live descendants of `pid` (children, grandchildren, ...), Linux only (empty elsewhere). */
function descendants(pid: number): number[] {
  if (!HAVE_PROC) return [];
  // Fast path: walk the tree through the children files (no full /proc scan).
  const out: number[] = [];
  const queue = [pid];
  let fast = true;
  while (queue.length && fast) {
    const kids = childrenOf(queue.shift()!);
    if (!kids) {
      fast = false;
      break;
    }
    for (const k of kids) {
      out.push(k);
      queue.push(k);
    }
  }
  if (fast) return out.filter(isAlive);
  const kids = new Map<number, number[]>();
  for (const st of allStats()) {
    if (dead(st)) continue;
    const l = kids.get(st.ppid);
    if (l) l.push(st.pid);
    else kids.set(st.ppid, [st.pid]);
  }
  const all: number[] = [];
  const q = [pid];
  while (q.length) {
    for (const k of kids.get(q.shift()!) ?? []) {
      all.push(k);
      q.push(k);
    }
  }
  return all;
}

/**
 * The environment variable set on every command the runner starts (inherited by its whole
 * tree unless a process clears its environment): `LOSS_LENS_RUN=<token>`. A descendant that
 * double-forked into its own session has neither a parent link nor the group left; this finds it.
 */
export const RUN_MARKER_VAR = 'LOSS_LENS_RUN';

/** Live processes (other than this one) whose environment holds `marker` (`NAME=value`), Linux only. */
export function markedProcesses(marker: string): number[] {
  if (!HAVE_PROC || !marker) return [];
  const needle = Buffer.from(marker + '\0', 'latin1');
  const out: number[] = [];
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(n);
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = fs.readFileSync(`/proc/${n}/environ`);
    } catch {
      continue; // another user's process, or gone
    }
    const at = env.indexOf(needle);
    // The variable starts the environment or follows a NUL (not the tail of another one).
    if (at < 0 || (at > 0 && env[at - 1] !== 0)) continue;
    if (isAlive(pid)) out.push(pid);
  }
  return out;
}

/** Does any process (zombies included) belong to the group? One cheap syscall. */
function groupExists(pgid: number): boolean {
  if (process.platform === 'win32') return isAlive(pgid);
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isAlive(pid: number): boolean {
  if (HAVE_PROC) {
    const st = readStat(pid);
    return !!st && !dead(st);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signal a whole group; false when the group no longer exists. Never throws. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (process.platform === 'win32') {
    const args = ['/pid', String(pgid), '/T'];
    if (signal === 'SIGKILL' || signal === 'SIGTERM') args.push('/F');
    return spawnSync('taskkill', args, { stdio: 'ignore', windowsHide: true }).status === 0;
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export interface StopTreeOptions {
  /** Wait after SIGINT before SIGTERM (ms). 0 skips SIGINT. */
  interruptMs?: number;
  /** Wait after SIGTERM before SIGKILL (ms). */
  terminateMs?: number;
  /** Wait after SIGKILL before giving up (ms). */
  killMs?: number;
  /** Polled while waiting: true skips the rest of the current grace period (a second stop). */
  hurry?: () => boolean;
  /** Told each time a signal is sent (for the log). */
  onSignal?: (signal: NodeJS.Signals, outsideGroup: number) => void;
  /** `NAME=value` set in the run's environment: processes that carry it are the run's too. */
  marker?: string;
}

export interface StopTreeResult {
  /** The last signal that had to be sent. */
  signal: NodeJS.Signals | undefined;
  /** Processes still alive when it gave up (should be empty). */
  survivors: number[];
  ms: number;
}

/**
 * Stop the group led by `pgid` and any descendant that left the group: SIGINT (Python raises
 * KeyboardInterrupt, trainers save a checkpoint), then SIGTERM, then SIGKILL, each after its
 * grace period, returning as soon as nothing is left.
 */
export async function stopProcessTree(pgid: number, opts: StopTreeOptions = {}): Promise<StopTreeResult> {
  const t0 = Date.now();
  // Descendants that called setsid/setpgid are not reached by the group signal: find them
  // now, while their parent links still exist (a walk of the children files, a few ms).
  // Those that also left the parent chain (double fork + setsid) still carry the run's marker.
  const strays = () => {
    const found = descendants(pgid).filter(p => readStat(p)?.pgrp !== pgid);
    if (opts.marker) for (const p of markedProcesses(opts.marker)) if (!found.includes(p) && readStat(p)?.pgrp !== pgid) found.push(p);
    return found;
  };
  let extra = HAVE_PROC ? strays() : [];
  let lastScan = 0;
  const gone = (): boolean => {
    extra = extra.filter(isAlive);
    if (extra.length) return false;
    if (!groupExists(pgid)) return true;
    // Something is in the group; zombies only? (a full scan, so not on every poll)
    if (!HAVE_PROC || Date.now() - lastScan < 200) return false;
    lastScan = Date.now();
    return groupMembers(pgid).length === 0;
  };
  const steps: Array<[NodeJS.Signals, number]> = [];
  if ((opts.interruptMs ?? 2000) > 0) steps.push(['SIGINT', opts.interruptMs ?? 2000]);
  steps.push(['SIGTERM', opts.terminateMs ?? 2000]);
  steps.push(['SIGKILL', opts.killMs ?? 3000]);
  let last: NodeJS.Signals | undefined;
  for (let i = 0; i < steps.length; i++) {
    const [sig, wait] = steps[i];
    if (i > 0) {
      lastScan = 0;
      if (gone()) break;
    } else if (!groupExists(pgid) && extra.length === 0) break;
    signalGroup(pgid, sig);
    for (const p of extra) signalPid(p, sig);
    last = sig;
    if (HAVE_PROC && i > 0) for (const p of strays()) if (!extra.includes(p)) extra.push(p);
    opts.onSignal?.(sig, extra.length);
    const until = Date.now() + wait;
    while (Date.now() < until && !gone()) {
      if (opts.hurry?.()) break;
      await delay(20);
    }
  }
  // A last look for marked processes that appeared while stopping (forked late): kill those too.
  if (opts.marker && last) {
    const late = markedProcesses(opts.marker).filter(p => !extra.includes(p));
    for (const p of late) signalPid(p, 'SIGKILL');
    extra.push(...late);
    const until = Date.now() + Math.min(1000, opts.killMs ?? 3000);
    while (late.length && Date.now() < until && late.some(isAlive)) await delay(20);
  }
  const survivors = [...new Set(groupMembers(pgid).concat(extra.filter(isAlive)))];
  return { signal: last, survivors, ms: Date.now() - t0 };
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
