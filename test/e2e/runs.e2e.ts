/**
 * The "Loss Lens Runs" view in a real VS Code (code-server 4.100.3) on a real PyTorch sweep
 * (test/fixtures/runs/lightning_sweep.py, written as Lightning writes it): the runs with their
 * status icons, the insight naming the learning rate, the sweep table, and the explanation of
 * two selected runs. Saves docs/screenshots/e2e-runs-view.png.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePrerequisites, notifications, REPO, runCommand, shot, startSession, webviewFrame, type Session } from './harness';

const SWEEP = path.join(REPO, 'test/fixtures/runs/lightning_sweep.py');

function sweepWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-ws-runs-'));
  const r = spawnSync('/usr/bin/python3', ['-B', SWEEP, '--out', ws, '--lrs', '0.001,0.003,0.01,0.03,3,10', '--batch-sizes', '16,64'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (r.status !== 0) throw new Error(`the sweep failed: ${r.stderr}`);
  return ws;
}

describe('Loss Lens Runs view in code-server', () => {
  let s: Session;
  beforeAll(async () => {
    ensurePrerequisites();
    s = await startSession({ workspace: sweepWorkspace(), viewport: { width: 1600, height: 900 } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists the sweep with status icons and the insight that names the learning rate; the sweep table; two runs explained and compared; a new run appears', async () => {
    const page = s.page;
    await page.keyboard.press('Control+Shift+E');
    const header = page.locator('.pane-header', { hasText: 'Loss Lens Runs' });
    await header.waitFor({ timeout: 60_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // The folder's own section closed, so the runs have the room.
    const folder = page.locator('.pane-header[aria-expanded="true"]').first();
    if (!((await folder.textContent()) ?? '').includes('Loss Lens Runs')) await folder.click();
    const pane = page.locator('.pane', { has: header });
    const rows = pane.locator('.monaco-list-row');
    await expect.poll(async () => pane.locator('.codicon-error').count(), { timeout: 60_000 }).toBe(4);
    expect(await pane.locator('.codicon-pass').count()).toBe(8);
    const insight = pane.locator('.monaco-list-row', { has: page.locator('.codicon-lightbulb') }).first();
    await expect.poll(async () => (await insight.getAttribute('aria-label')) ?? '', { timeout: 15_000 }).toContain('4 of 4 runs with lr ≥ 3 had an error finding');
    expect(await rows.count()).toBeGreaterThanOrEqual(13);
    // A wider side bar, so the rows' descriptions show in the screenshot.
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (bar) {
      await page.mouse.move(bar.x + bar.width + 1, bar.y + 400);
      await page.mouse.down();
      await page.mouse.move(bar.x + bar.width + 330, bar.y + 400, { steps: 8 });
      await page.mouse.up();
    }

    // The sweep table beside it: the insights and one row per run, with a sparkline.
    await runCommand(page, 'Loss Lens: Show Sweep Table');
    const table = await webviewFrame(page, 'table.runs tbody tr', 60_000);
    expect(await table.locator('table.runs tbody tr').count()).toBe(12);
    expect(await table.locator('li.insight').first().textContent()).toContain('lr ≥ 3');
    expect(await table.locator('svg.spark path').count()).toBe(12);
    expect(await table.locator('tr[data-status="error"]').count()).toBe(4);
    await shot(page, 'e2e-runs-view');

    // Two runs (one blown up, one healthy with the same batch size), picked for "Explain Two Runs".
    await runCommand(page, 'Loss Lens: Explain Two Runs');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    // In a multi-select quick pick a click on a row toggles it.
    for (const name of ['version_8', 'version_6']) {
      await page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first().click({ force: true });
    }
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await notifications(page)).join('\n'), { timeout: 30_000 })
      .toMatch(/version_8's train_loss became (Inf|NaN) at step \d+ and version_6's did not; version_8's lr is 100× version_6's \(3 vs 0\.03\); everything else is equal\./);

    // The same two runs compared in the viewer.
    await runCommand(page, 'Loss Lens: Compare Selected Runs');

    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
    for (const name of ['version_8', 'version_6']) {
      await page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first().click({ force: true });
    }
    await page.keyboard.press('Enter');
    await expect
      .poll(
        async () => {
          for (const f of page.frames()) {
            if ((await f.locator('.chart-box.main canvas').count().catch(() => 0)) === 0) continue;
            const title = (await f.locator('.ll-title').first().textContent().catch(() => '')) ?? '';
            // In the order of the list: the healthy run first.
            if (title.includes('version_6 · version_8')) return true;
          }
          return false;
        },
        { timeout: 60_000 },
      )
      .toBe(true);

    // A run written while the view is open appears without a refresh, with its parameters.
    const src = path.join(s.workspace, 'lightning_logs', 'version_6');
    const dst = path.join(s.workspace, 'lightning_logs', 'version_12');
    fs.mkdirSync(dst);
    fs.writeFileSync(path.join(dst, 'hparams.yaml'), fs.readFileSync(path.join(src, 'hparams.yaml'), 'utf8').replace('batch_size: 16', 'batch_size: 32'));
    fs.copyFileSync(path.join(src, 'metrics.csv'), path.join(dst, 'metrics.csv'));
    const added = pane.locator('.monaco-list-row', { has: page.locator('.codicon-pass') }).filter({ hasText: 'version_12' });
    await expect.poll(async () => added.count(), { timeout: 60_000 }).toBe(1);
    expect(await added.textContent()).toContain('batch_size=32');
    expect(await pane.locator('.codicon-pass').count()).toBe(9);
  });
});
