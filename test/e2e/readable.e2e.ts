/**
 * Issue #13, points 3, 5 and 6 in a real VS Code (code-server 4.100.3) driven with Chromium:
 * compared runner runs told apart, failed and stopped runs explained, the first run's
 * walkthrough. Each test saves its screenshot in docs/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePrerequisites, makeWorkspace, REPO, runCommand, shot, startSession, type Session } from './harness';

const PY = '/usr/bin/python3';
const CLI = path.join(REPO, 'dist/cli.js');

/** A real runner run of the bundled example, through the CLI (`loss-lens run`), in `ws`. */
function cliRun(ws: string, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, 'run', '--', PY, 'train_example.py', ...args], { cwd: ws, encoding: 'utf8', timeout: 120_000 });
  return `${r.stdout}\n${r.stderr}`;
}

/** The frames that show a Loss Lens chart. */
async function viewerFrames(page: Session['page']) {
  const out = [];
  for (const f of page.frames()) if ((await f.locator('.chart-box.main canvas').count().catch(() => 0)) > 0) out.push(f);
  return out;
}

describe('compared runner runs are told apart (issue #13, 3)', () => {
  let s: Session;
  beforeAll(async () => {
    ensurePrerequisites();
    const ws = makeWorkspace({ 'train_example.py': path.join(REPO, 'examples/train_example.py') });
    // Two real PyTorch runs that differ by their learning rate: one blows up and is stopped.
    expect(cliRun(ws, ['--lr', '0.5'])).toMatch(/stopped/i);
    expect(cliRun(ws, ['--lr', '0.01', '--epochs', '10'])).toMatch(/exited with code 0/);
    s = await startSession({ workspace: ws });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('labels each run by its arguments and outcome in the picker, the title and the legend', async () => {
    await runCommand(s.page, 'Loss Lens: Compare Runs');
    const rows = s.page.locator('.quick-input-list .monaco-list-row', { hasText: '.loss-lens' });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const picker = (await rows.allTextContents()).join('\n');
    await shot(s.page, 'e2e-compare-picker');
    await rows.nth(0).click({ force: true });
    await rows.nth(1).click({ force: true });
    await s.page.keyboard.press('Enter');
    let frame: Awaited<ReturnType<typeof viewerFrames>>[number] | undefined;
    await expect
      .poll(
        async () => {
          for (const f of await viewerFrames(s.page)) {
            if ((await f.locator('.series-run').count().catch(() => 0)) >= 2) frame = f;
          }
          return frame !== undefined;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    await s.page.waitForTimeout(1000);
    await shot(s.page, 'e2e-compare-runs-labels');
    const legend = (await frame!.locator('.series-run').allTextContents()).join('\n');
    const title = (await frame!.locator('.ll-title').first().textContent()) ?? '';
    const tabs = (await s.page.locator('.tabs-container .tab').allTextContents()).join('\n');
    // The picker: arguments and outcome of each run.
    expect(picker).toMatch(/--lr 0\.5/);
    expect(picker).toMatch(/--lr 0\.01/);
    expect(picker).toMatch(/stopped: NaN at step \d+/);
    expect(picker).toMatch(/finished/);
    // The legend and the title: only what differs (the learning rate; --epochs only in one).
    expect(legend).toMatch(/--lr 0\.5/);
    expect(legend).toMatch(/--lr 0\.01/);
    expect(legend).not.toMatch(/output\.log/);
    expect(title).toMatch(/--lr 0\.5/);
    expect(tabs).toMatch(/--lr 0\.5/);
    // The run folders say it too.
    const folders = fs.readdirSync(path.join(s.workspace, '.loss-lens/runs'));
    expect(folders.join('\n')).toMatch(/train_example-lr0\.5/);
  });
});
