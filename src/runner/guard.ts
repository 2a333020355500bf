/**
 * A guard for when loss-lens itself dies hard (SIGKILL, a crash, the extension host killed):
 * the training command leads its own process group, so nothing would stop it and it would go
 * on unseen. A small helper process, in its own session, holds a pipe from the runner; when the
 * pipe closes without the runner's "done", it stops the run's process group and the processes
 * that carry the run's marker (SIGTERM, then SIGKILL after 2 s) and exits.
 *
 * POSIX only (Windows has no process groups of this kind: nothing is started there). What
 * remains: a descendant that both left the group and cleared its environment is not found, and
 * a SIGKILL of the guard itself (or of both at once, e.g. by a cgroup) leaves the run running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** The guard's program (run by `node -e`, or Electron as node): argv = [pgid, marker]. */
const GUARD_SOURCE = `
const fs = require('fs');
const pgid = Number(process.argv[1]);
const marker = process.argv[2] || '';
let done = false;
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
const marked = () => {
  const out = [];
  if (!marker || process.platform !== 'linux') return out;
  const needle = Buffer.from(marker + '\\0', 'latin1');
  let names = [];
  try { names = fs.readdirSync('/proc'); } catch { return out; }
  for (const n of names) {
    if (!/^\\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const env = fs.readFileSync('/proc/' + n + '/environ');
      const at = env.indexOf(needle);
      if (at === 0 || (at > 0 && env[at - 1] === 0)) out.push(Number(n));
    } catch {}
  }
  return out;
};
const signal = sig => {
  try { process.kill(-pgid, sig); } catch {}
  for (const p of marked()) { try { process.kill(p, sig); } catch {} }
};
const alive = () => {
  try { process.kill(-pgid, 0); return true; } catch {}
  return marked().length > 0;
};
process.stdin.on('data', d => { if (String(d).includes('done')) done = true; });
process.stdin.on('error', () => {});
process.stdin.on('close', () => {
  if (done) process.exit(0);
  signal('SIGTERM');
  const until = Date.now() + 2000;
  const t = setInterval(() => {
    if (!alive() || Date.now() > until) {
      clearInterval(t);
      signal('SIGKILL');
      process.exit(0);
    }
  }, 50);
});
`;

export interface RunGuard {
  /** The run ended normally (or was stopped by the runner): the guard exits without acting. */
  release(): void;
}

/** Start a guard for the process group `pgid` (and processes carrying `marker`). */
export function startGuard(pgid: number, marker: string): RunGuard | undefined {
  if (process.platform === 'win32') return undefined;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['-e', GUARD_SOURCE, String(pgid), marker], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      // In the extension host process.execPath is Electron: run it as node. The guard does not
      // carry the run's marker (it must not be taken for part of the run).
      env: { ...withoutMarker(process.env, marker), ELECTRON_RUN_AS_NODE: '1' },
    });
  } catch {
    return undefined;
  }
  child.on('error', () => {});
  const stdin = child.stdin as (Writable & { unref?: () => void }) | null;
  stdin?.on('error', () => {});
  // Neither the guard nor its pipe keeps the runner's event loop alive.
  child.unref();
  stdin?.unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        stdin?.end('done\n');
      } catch {
        // the guard is gone already
      }
    },
  };
}

function withoutMarker(env: NodeJS.ProcessEnv, marker: string): NodeJS.ProcessEnv {
  const name = marker.slice(0, marker.indexOf('='));
  const out = { ...env };
  if (name && out[name] === marker.slice(name.length + 1)) delete out[name];
  return out;
}
