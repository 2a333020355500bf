// Builds dist/cli.js when it is missing or older than any source file (tests run the real CLI).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers';

function newest(dir: string): number {
  let m = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return m;
}

export function ensureCliBuilt(): string {
  const cli = path.join(REPO_ROOT, 'dist/cli.js');
  if (!fs.existsSync(cli) || fs.statSync(cli).mtimeMs < newest(path.join(REPO_ROOT, 'src'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  return cli;
}
