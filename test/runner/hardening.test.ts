/**
 * Issue #14 (hardening) for `loss-lens watch` and `loss-lens run`, as real processes: the
 * --fail-on exit codes of watch, and log-derived names printed escaped, never raw.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from './cliBuild';

let CLI: string;
let tmp: string;
beforeAll(() => {
  CLI = ensureCliBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-runner-harden-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

// eslint-disable-next-line no-control-regex -- what must not reach a terminal
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const EVIL = 'loss\x1b]0;pwned\x07\x1b[2J';

function jsonl(n: number, key: string, nanFrom = Infinity): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += `{"step": ${i}, ${JSON.stringify(key)}: ${i >= nanFrom ? 'NaN' : 1 / i}}\n`;
  return s;
}

function cli(args: string[], cwd = tmp) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
}

describe('loss-lens watch --fail-on (#14.10)', () => {
  const file = () => {
    const f = path.join(tmp, 'nan.jsonl');
    fs.writeFileSync(f, jsonl(40, 'loss', 35));
    return f;
  };

  it('exits 1 after an error finding by default, as analyze does', () => {
    const r = cli(['watch', file(), '--stop-after-idle', '0.5', '--poll', '50']);
    expect(r.stdout).toMatch(/ERROR non-finite/);
    expect(r.status).toBe(1);
  });

  it('--fail-on never exits 0; a bad level is a usage error', () => {
    expect(cli(['watch', file(), '--stop-after-idle', '0.5', '--poll', '50', '--fail-on', 'never']).status).toBe(0);
    const bad = cli(['watch', file(), '--fail-on', 'sometimes']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--fail-on must be');
  });

  it('a clean log exits 0', () => {
    const f = path.join(tmp, 'ok.jsonl');
    fs.writeFileSync(f, jsonl(40, 'loss'));
    expect(cli(['watch', f, '--stop-after-idle', '0.5', '--poll', '50']).status).toBe(0);
  });
});

describe('terminal control sequences in watch and run (#14.2)', () => {
  it('watch prints series names escaped', () => {
    const f = path.join(tmp, 'evil.jsonl');
    fs.writeFileSync(f, jsonl(40, EVIL, 35));
    const r = cli(['watch', f, '--stop-after-idle', '0.5', '--poll', '50', '--fail-on', 'never']);
    expect(r.stdout).toContain('loss\\x1b]0;pwned\\x07\\x1b[2J');
    expect(RAW_CONTROL.test(r.stdout + r.stderr)).toBe(false);
  });

  it("run prints the findings' series names escaped (the command's own output passes as it is)", () => {
    const script = `for (let i = 1; i <= 40; i++) console.log(JSON.stringify({ step: i, ${JSON.stringify(EVIL)}: i >= 35 ? NaN : 1 / i }).replace('null', 'NaN'));`;
    const r = cli(['run', '--no-save', '--stop-on', 'none', '--', process.execPath, '-e', script]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('loss\\x1b]0;pwned\\x07\\x1b[2J');
    expect(RAW_CONTROL.test(r.stderr)).toBe(false);
  });
});
