/**
 * A run's folder (default `.loss-lens/runs/<timestamp>-<name>/`): `output.log` (the output,
 * bounded) and `run.json` (what was run, when, how it ended, why Loss Lens stopped it, the
 * findings). Past runs are listed from these folders and reopened with loadPaths on their
 * output.log (plus any log files the run followed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/diagnose/types';
import { toJson } from '../core/summary';
import type { OutputStats } from './outputLog';

export const RUN_RECORD_VERSION = 1;

export interface StopRecord {
  /** 'finding' when the stop policy fired, 'user' when someone stopped it. */
  by: 'finding' | 'user';
  kind?: string;
  /** One-line reason, as shown to the user. */
  reason: string;
  finding?: Finding;
  /** ISO time the stop was requested. */
  at: string;
  /** The last signal that had to be sent. */
  signal?: string;
}

export interface RunRecord {
  version: number;
  name: string;
  command: string;
  args: string[];
  cwd: string;
  /** Environment variables set for the run on top of the inherited ones (secrets redacted). */
  env: Record<string, string>;
  pid?: number;
  status: 'running' | 'exited' | 'stopped' | 'failed';
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** Why it could not start. */
  error?: string;
  stoppedBy?: StopRecord;
  stopOn: string[];
  findings: Finding[];
  output?: OutputStats & { truncatedLines: number; truncatedChars: number; maxLineLength: number };
  /** The logs this run's metrics were read from: output.log first, then followed files. */
  logs: string[];
  /** Formats detected, per log. */
  formats?: Record<string, string>;
  notes: string[];
  /** Which live diagnoser produced the findings. */
  diagnoser?: string;
}

/**
 * Why `root` cannot hold run folders, or undefined: a folder on a kernel pseudo file system
 * (/proc, /sys, /dev on Linux) is refused, since writing or listing there can hang or do harm.
 * The nearest existing ancestor is resolved first (symbolic links included).
 */
export function pseudoFileSystem(root: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  let p = path.resolve(root);
  for (;;) {
    try {
      p = fs.realpathSync(p);
      break;
    } catch {
      const up = path.dirname(p);
      if (up === p) return undefined;
      p = up;
    }
  }
  for (const fsRoot of ['/proc', '/sys', '/dev']) if (p === fsRoot || p.startsWith(fsRoot + '/')) return fsRoot;
  return undefined;
}

/** `20250102-153045-train` style folder name (local time), unique inside `root`. */
export function createRunFolder(root: string, name: string, now = new Date()): string {
  const pseudo = pseudoFileSystem(root);
  if (pseudo) throw new Error(`${root} is on ${pseudo}, a kernel pseudo file system: not a place for run folders`);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts =
    `${now.getFullYear()}${p2(now.getMonth() + 1)}${p2(now.getDate())}-` +
    `${p2(now.getHours())}${p2(now.getMinutes())}${p2(now.getSeconds())}`;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60) || 'run';
  fs.mkdirSync(root, { recursive: true });
  for (let i = 1; ; i++) {
    const dir = path.join(root, i === 1 ? `${ts}-${safe}` : `${ts}-${safe}-${i}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 1000) throw e;
    }
  }
}

/** Write run.json atomically (temp file + rename), so a reader never sees half a file. */
export function writeRunRecord(dir: string, rec: RunRecord): void {
  const file = path.join(dir, 'run.json');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, toJson(rec) + '\n');
  fs.renameSync(tmp, file);
}

function readRunRecord(dir: string): RunRecord | undefined {
  try {
    const rec = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunRecord;
    return rec && typeof rec === 'object' && typeof rec.command === 'string' ? rec : undefined;
  } catch {
    return undefined;
  }
}

export interface PastRun {
  dir: string;
  record: RunRecord;
  /** Files to load to reopen the run (output.log and followed logs that still exist). */
  logs: string[];
}

/** Past runs in a runs folder, newest first. */
export function listRuns(root: string): PastRun[] {
  if (pseudoFileSystem(root)) return [];
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: PastRun[] = [];
  for (const n of names) {
    const dir = path.join(root, n);
    const record = readRunRecord(dir);
    if (!record) continue;
    const logs = (record.logs ?? []).map(l => (path.isAbsolute(l) ? l : path.join(dir, l))).filter(l => fs.existsSync(l));
    out.push({ dir, record, logs });
  }
  out.sort((a, b) => (a.record.startedAt < b.record.startedAt ? 1 : a.record.startedAt > b.record.startedAt ? -1 : 0));
  return out;
}

const SECRET_RE = /(key|token|secret|password|passwd|credential|auth)/i;

/** Environment overrides as recorded in run.json: values of secret-looking names redacted. */
export function redactEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    out[k] = SECRET_RE.test(k) ? '<redacted>' : v;
  }
  return out;
}
