/**
 * Command lines without a shell: split a settings string into argv, quote argv for display,
 * expand the few `${...}` variables the settings allow, and resolve a program on PATH so a
 * missing interpreter is reported clearly before anything is spawned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Split a command line into words the way a POSIX shell would for plain words, single quotes,
 * double quotes and backslash escapes. No expansion, pipes or redirections: the result is run
 * without a shell.
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | '' = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** Quote one word for display (and for pasting into a POSIX shell). */
function quoteArg(a: string): string {
  if (a.length > 0 && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
  return "'" + a.replace(/'/g, `'\\''`) + "'";
}

export function formatCommandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteArg).join(' ');
}

/** Replace `${name}` for the names given; unknown variables are left as written. */
export function expandVariables(s: string, vars: Record<string, string | undefined>): string {
  return s.replace(/\$\{([A-Za-z][A-Za-z0-9_:]*)\}/g, (whole, name: string) => {
    if (name.startsWith('env:')) return process.env[name.slice(4)] ?? '';
    const v = vars[name];
    return v === undefined ? whole : v;
  });
}

export type Resolved = { ok: true; path: string } | { ok: false; message: string };

/**
 * Find the program the way spawn will (PATH from `env`, relative paths against `cwd`), and
 * explain precisely why it cannot be run when it cannot.
 */
export function resolveProgram(command: string, cwd: string, env: NodeJS.ProcessEnv): Resolved {
  if (!command) return { ok: false, message: 'no command given' };
  const win = process.platform === 'win32';
  const hasSep = command.includes('/') || (win && command.includes('\\'));
  const check = (p: string): Resolved | undefined => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return undefined;
    }
    if (st.isDirectory()) return { ok: false, message: `'${command}' is a directory, not a program` };
    if (!win) {
      try {
        fs.accessSync(p, fs.constants.X_OK);
      } catch {
        return { ok: false, message: `'${p}' is not executable (chmod +x, or run it with its interpreter)` };
      }
    }
    return { ok: true, path: p };
  };
  if (hasSep || path.isAbsolute(command)) {
    const p = path.resolve(cwd, command);
    return check(p) ?? { ok: false, message: `'${command}' does not exist (looked for ${p})` };
  }
  const pathVar = env.PATH ?? env.Path ?? '';
  const exts = win ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').concat(['']) : [''];
  let denied: Resolved | undefined;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const r = check(path.join(dir, command + ext));
      if (r?.ok) return r;
      if (r && !denied) denied = r;
    }
  }
  if (denied) return denied;
  const hint = /^python[0-9.]*$/.test(command)
    ? ' Is Python installed? Select an interpreter, or set lossLens.runner.command to its full path.'
    : '';
  return { ok: false, message: `command not found: '${command}' is not on PATH.${hint}` };
}
