/**
 * Issue #14 (hardening) through the built CLI, as real processes: log-derived text never acts
 * on the terminal, a closed pipe ends quietly, nothing readable exits 2, `analyze --help`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { termSafe } from '../../../src/cli/terminal';
import { ensureCliBuilt } from '../../runner/cliBuild';
import { scratchDir } from '../../helpers';

let CLI: string;
beforeAll(() => {
  CLI = ensureCliBuilt();
});
const tmp = scratchDir('loss-lens-cli-harden-');
const write = tmp.write;


function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: tmp.path(), encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
}

function jsonl(n: number, key = 'loss', nanFrom = Infinity): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += `{"step": ${i}, ${JSON.stringify(key)}: ${i >= nanFrom ? 'NaN' : 2 * Math.exp(-i / 30) + 0.1}}\n`;
  return s;
}

// eslint-disable-next-line no-control-regex -- what must not reach a terminal
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('terminal control sequences (#14.2)', () => {
  it('termSafe shows control characters and bidi overrides escaped, the rest as it is', () => {
    expect(termSafe('loss\x1b]0;pwned\x07')).toBe('loss\\x1b]0;pwned\\x07');
    expect(termSafe('a\x1b[2Jb\u009b1m\u202e')).toBe('a\\x1b[2Jb\\x9b1m\\u202e');
    expect(termSafe('val/loss 损失 ✓')).toBe('val/loss 损失 ✓');
  });

  it('series names with ESC, OSC 0, OSC 8 and CSI are printed escaped by analyze', () => {
    const key = 'loss\x1b]0;pwned\x07\x1b]8;;https://attacker.example/\x1b\\x\x1b]8;;\x1b\\\x1b[2J';
    const f = write('esc/a.jsonl', jsonl(40, key, 35));
    const r = cli('analyze', '--fail-on', 'never', f);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('loss\\x1b]0;pwned\\x07');
    expect(RAW_CONTROL.test(r.stdout)).toBe(false);
    expect(RAW_CONTROL.test(r.stderr)).toBe(false);
  });

  it('a file name with control characters is printed escaped in problems', () => {
    const f = write('esc/\x1b[31mred.log', '');
    const r = cli('analyze', f);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('\\x1b[31mred.log');
    expect(RAW_CONTROL.test(r.stdout + r.stderr)).toBe(false);
  });
});

describe('exit codes (#14.5, #14.6, #14.10)', () => {
  it('a directory from which nothing can be read exits 2 with a reason, even with --fail-on never', () => {
    write('junk/a.log', new Uint8Array(512).map((_, i) => (i * 37) & 0xff));
    write('junk/b.csv', 'just,a,header\n');
    const r = cli('analyze', '--fail-on', 'never', path.join(tmp.path(), 'junk'));
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('nothing could be read from this directory');
  });

  it.runIf(process.platform !== 'win32')('a FIFO as PATH exits 2 at once', () => {
    const fifo = path.join(tmp.path(), 'fifo.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const t0 = Date.now();
    const r = cli('analyze', fifo);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('not a regular file (a named pipe)');
  });

  it('analyze --help and report -h print the usage on stdout and exit 0', () => {
    for (const args of [['analyze', '--help'], ['report', '-h'], ['analyze', 'x.log', '--help']]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage:');
      expect(r.stderr).toBe('');
    }
  });
});

describe('closed pipe (#14.7)', () => {
  it.runIf(process.platform !== 'win32')('`analyze DIR | head -1` ends quietly with the usual exit code', () => {
    for (let k = 0; k < 150; k++) write(`many/run${String(k).padStart(3, '0')}.jsonl`, jsonl(30, 'loss_with_a_rather_long_name_' + 'x'.repeat(30), 28));
    for (const [failOn, code] of [
      ['never', 0],
      ['error', 1],
    ] as const) {
      const r = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} analyze --fail-on ${failOn} many | head -1 >/dev/null; exit \${PIPESTATUS[0]}`], {
        cwd: tmp.path(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(code);
    }
  });
});
