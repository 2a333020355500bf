#!/usr/bin/env node
// Curve viewer benchmark in real Chromium (Debian's /usr/bin/chromium via playwright-core):
// for 1 M and 10 M point series, the time from the snapshot's arrival to the first drawn frame,
// and the redraw time after zooms and pans; then checks that every injected spike is still
// drawn (in the decimated data and as pixels on the canvas), at full view and zoomed.
//
//   node scripts/build.mjs && node bench/webview.mjs [--sizes 1e6,1e7] [--json]
//
// Targets: 10 M first frame < 1000 ms, zoom redraw < 50 ms.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
/* global window, requestAnimationFrame -- page.evaluate bodies run in the browser */

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--js-flags=--max-old-space-size=8192',
];
const argv = process.argv.slice(2);
const sizesArg = argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1] : '1e6,1e7';
const SIZES = sizesArg.split(',').map(Number);
const JSON_OUT = argv.includes('--json');
const SPIKES = 25;
const NANS = 40;

if (!fs.existsSync(path.join(REPO, 'dist/webview.js'))) {
  console.error('dist/webview.js is missing: run `node scripts/build.mjs` first.');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`no Chromium at ${CHROMIUM}`);
  process.exit(2);
}

// The production CSP (src/host/viewer/html.ts), with a stub VS Code API before the bundle.
function page(origin, nonce) {
  const csp = `default-src 'none'; style-src ${origin}; img-src ${origin} data:; font-src ${origin}; script-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${origin}/media/viewer.css"><title>bench</title></head>
<body class="vscode-dark"><div id="app"></div>
<script nonce="${nonce}">
window.__LOSS_LENS_TEST__ = true; window.__posted = []; window.__state = undefined; window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));
window.acquireVsCodeApi = () => ({ postMessage: m => window.__posted.push(m), getState: () => window.__state, setState: s => { window.__state = s; } });
</script>
<script nonce="${nonce}" src="${origin}/dist/webview.js"></script></body></html>`;
}

function serve() {
  const server = http.createServer((req, res) => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page(origin, 'bench' + Math.random().toString(36).slice(2)));
      return;
    }
    const rel = url.pathname.slice(1);
    if (!/^(dist|media)\/[\w.-]+$/.test(rel)) {
      res.writeHead(404);
      res.end();
      return;
    }
    fs.readFile(path.join(REPO, rel), (err, data) => {
      if (err) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': rel.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(data);
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// CPU time of Chromium's processes (renderer, GPU, browser), from /proc: unlike wall time it
// does not grow when other work shares the machine. Clock ticks are 10 ms, so short steps are
// measured over many repetitions.
const TICK_MS = 1000 / 100;
let browserPid = 0;
function chromiumCpuMs() {
  if (!browserPid || !fs.existsSync('/proc/self/stat')) return NaN;
  const parent = new Map();
  const ticks = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch {
      // The process went away.
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    let p = pid;
    for (let k = 0; k < 10 && p > 1; k++) {
      if (p === browserPid) {
        total += t;
        break;
      }
      p = parent.get(p) ?? 0;
    }
  }
  return total * TICK_MS;
}

/** In the page: build the series, deliver the snapshot, time the first frame. */
async function firstFrame(pg, n) {
  return pg.evaluate(
    ({ n, spikes, nans }) => {
      // A noisy decaying loss with a few huge one-point spikes and NaN bursts.
      const steps = new Float64Array(n);
      const values = new Float64Array(n);
      let seed = 12345;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
      for (let i = 0; i < n; i++) {
        steps[i] = i;
        values[i] = 2 + 8 * Math.exp(-i / (n / 8)) + 0.3 * (rnd() - 0.5);
      }
      const spikeAt = [];
      for (let k = 0; k < spikes; k++) {
        const i = Math.floor(((k + 0.5) / spikes) * n) + Math.floor(rnd() * 1000);
        values[i] = 40 + 20 * rnd();
        spikeAt.push(i);
      }
      for (let k = 0; k < nans; k++) values[Math.floor(rnd() * n)] = k % 10 === 0 ? Infinity : NaN;
      const lr = new Float64Array(Math.ceil(n / 100));
      const lrSteps = new Float64Array(lr.length);
      for (let i = 0; i < lr.length; i++) {
        lrSteps[i] = i * 100;
        lr[i] = 3e-4 * Math.min(1, i / 100) * (0.5 + 0.5 * Math.cos((Math.PI * i) / lr.length));
      }
      window.__spikes = spikeAt.map(i => ({ step: steps[i], value: values[i], index: i }));
      const msg = {
        type: 'snapshot',
        protocol: 1,
        locale: 'en',
        title: `bench ${n}`,
        runs: [
          {
            id: 'r0',
            source: '/bench/log.txt',
            name: 'bench',
            format: 'text',
            series: [
              { name: 'loss', role: 'train_loss', steps, values },
              { name: 'lr', role: 'lr', steps: lrSteps, values: lr },
            ],
            events: [],
          },
        ],
        findings: [],
        summaries: [],
        problems: [],
      };
      window.__msg = msg;
      return new Promise(resolve => {
        const t0 = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data: msg }));
        const t1 = performance.now();
        requestAnimationFrame(() => {
          const t2 = performance.now();
          resolve({ syncMs: t1 - t0, frameMs: t2 - t0, redrawMs: window.__lossLens.lastRedrawMs });
        });
      });
    },
    { n, spikes: SPIKES, nans: NANS },
  );
}

/** In the page: every spike in [x0, x1] is among the drawn points and lights its pixel. */
async function checkSpikes(pg) {
  return pg.evaluate(() => {
    const app = window.__lossLens;
    const chart = app.charts[0];
    const spec = chart.specs.find(s => s.series.name === 'loss' && s.kind === 'raw');
    const c = chart.chart;
    const x = c.scales.x;
    const y = c.scales.y;
    const ctx = c.canvas.getContext('2d');
    const dpr = c.currentDevicePixelRatio || 1;
    const drawn = new Set(spec.index);
    let inView = 0;
    let inData = 0;
    let lit = 0;
    const missing = [];
    for (const s of window.__spikes) {
      if (s.step < x.min || s.step > x.max) continue;
      inView++;
      if (drawn.has(s.index)) inData++;
      else missing.push(s.step);
      const px = Math.round(x.getPixelForValue(s.step) * dpr);
      const py = Math.round(y.getPixelForValue(Math.min(s.value, y.max)) * dpr);
      const img = ctx.getImageData(px - 2, py - 3, 5, 7).data;
      let hit = false;
      for (let k = 0; k < img.length; k += 4) if (img[k + 3] > 10 && img[k + 2] - img[k] > 30) hit = true;
      if (hit) lit++;
    }
    return { inView, inData, lit, missing };
  });
}

async function zoomTimes(pg) {
  return pg.evaluate(() => {
    const app = window.__lossLens;
    const ext = app.extent();
    const span = ext[1] - ext[0];
    const out = [];
    const time = (label, range) => {
      const t0 = performance.now();
      app.setRange(range, false);
      out.push({ label, ms: performance.now() - t0, t: JSON.stringify(app.lastTimings.map(x => [x.buildMs.toFixed(1), x.drawMs.toFixed(1)])) });
    };
    // Warm once, then measure.
    time('warm-up', [ext[0] + span * 0.25, ext[0] + span * 0.75]);
    for (const f of [0.9, 0.5, 0.1, 0.01, 0.001, 0.00001]) {
      const mid = ext[0] + span * 0.43;
      time(`zoom ${f * 100}%`, [mid - (span * f) / 2, mid + (span * f) / 2]);
    }
    for (let k = 0; k < 5; k++) {
      const a = ext[0] + span * (0.2 + k * 0.05);
      time(`pan ${k + 1}`, [a, a + span * 0.2]);
    }
    time('reset', null);
    return out;
  });
}

/**
 * CPU of Chromium while the same snapshot is delivered again (a fresh model: nothing cached),
 * up to the painted frame.
 */
async function cpuOfFirstFrame(pg) {
  const c0 = chromiumCpuMs();
  await pg.evaluate(() => {
    const msg = { ...window.__msg, runs: window.__msg.runs.map(r => ({ ...r })) };
    window.dispatchEvent(new MessageEvent('message', { data: msg }));
    return new Promise(r => requestAnimationFrame(() => r()));
  });
  return chromiumCpuMs() - c0;
}

/** CPU per zoom/pan redraw, averaged over 60 redraws at assorted ranges. */
async function cpuPerZoom(pg) {
  const c0 = chromiumCpuMs();
  const count = await pg.evaluate(() => {
    const app = window.__lossLens;
    const ext = app.extent();
    const span = ext[1] - ext[0];
    let k = 0;
    for (let r = 0; r < 10; r++) {
      for (const f of [0.9, 0.5, 0.1, 0.01, 0.001, 0.00001]) {
        const mid = ext[0] + span * (0.3 + r * 0.03);
        app.setRange([mid - (span * f) / 2, mid + (span * f) / 2], false);
        k++;
      }
    }
    app.setRange(null, false);
    return k;
  });
  const c1 = chromiumCpuMs();
  return (c1 - c0) / count;
}

/** A real wheel event over the chart: from the event to the re-decimated frame. */
async function wheelTime(pg) {
  const box = await pg.locator('.chart-box.main canvas').boundingBox();
  await pg.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const before = await pg.evaluate(() => window.__lossLens.redrawCount);
  const t0 = Date.now();
  await pg.mouse.wheel(0, -300);
  await pg.waitForFunction(b => window.__lossLens.redrawCount > b, before);
  const wall = Date.now() - t0;
  const inPage = await pg.evaluate(() => window.__lossLens.lastRedrawMs);
  const range = await pg.evaluate(() => window.__lossLens.state.zoom);
  return { wall, inPage, range };
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
browserPid = findBrowserPid();

function findBrowserPid() {
  // The newest chromium process whose parent is this node process.
  let best = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === process.pid && st.includes('chrom')) best = Math.max(best, Number(d));
    } catch {
      // gone
    }
  }
  return best;
}
const results = [];
try {
  for (const n of SIZES) {
    const pg = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    pg.on('pageerror', e => errors.push(e.message));
    await pg.goto(`${origin}/`);
    await pg.waitForFunction(() => window.__posted.length > 0);
    await pg.evaluate(() => new Promise(r => setTimeout(r, 50)));
    const first = await firstFrame(pg, n);
    const spikesFull = await checkSpikes(pg);
    // CPU per first frame: a second, identical snapshot (the data is generated outside).
    first.cpuMs = await cpuOfFirstFrame(pg);
    const zooms = await zoomTimes(pg);
    const cpuZoom = await cpuPerZoom(pg);
    const wheel = await wheelTime(pg);
    // Zoomed in: spikes inside the view must still be there.
    await pg.evaluate(() => {
      const app = window.__lossLens;
      const s = window.__spikes[Math.floor(window.__spikes.length / 2)];
      app.setRange([s.step - 50_000, s.step + 50_000], false);
    });
    const spikesZoomed = await checkSpikes(pg);
    const csp = await pg.evaluate(() => window.__csp);
    results.push({ n, first, spikesFull, spikesZoomed, zooms, cpuZoom, wheel, errors, csp });
    await pg.close();
  }
} finally {
  await browser.close();
  server.close();
}

if (JSON_OUT) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const pad = (s, w) => String(s).padEnd(w);
  const ms = v => `${v.toFixed(1)} ms`;
  const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') : '?';
  console.log(`\nLoss Lens viewer benchmark (Chromium, software rendering; ${os.cpus().length} CPUs, load average ${load})\n`);
  console.log('wall = elapsed time in the page; cpu = CPU time Chromium used for it (what an idle core would take)\n');
  console.log(pad('points', 12) + pad('first frame wall', 18) + pad('cpu', 12) + pad('zoom redraw wall median', 25) + pad('max', 11) + pad('cpu/redraw', 12) + pad('wheel→frame', 13) + 'spikes drawn (full / zoomed)');
  for (const r of results) {
    const z = r.zooms.filter(x => x.label !== 'warm-up').map(x => x.ms).sort((a, b) => a - b);
    const med = z[Math.floor(z.length / 2)];
    console.log(
      pad(r.n.toLocaleString('en'), 12) +
        pad(ms(r.first.frameMs), 18) +
        pad(ms(r.first.cpuMs), 12) +
        pad(ms(med), 25) +
        pad(ms(z[z.length - 1]), 11) +
        pad(ms(r.cpuZoom), 12) +
        pad(`${r.wheel.wall} ms`, 13) +
        `${r.spikesFull.inData}/${r.spikesFull.inView} data, ${r.spikesFull.lit} px; ${r.spikesZoomed.inData}/${r.spikesZoomed.inView} data, ${r.spikesZoomed.lit} px`,
    );
  }
  console.log('\nRedraw per step:');
  for (const r of results) {
    console.log(`  ${r.n.toLocaleString('en')}: ` + r.zooms.map(z => `${z.label} ${z.ms.toFixed(1)} ${z.t}`).join(' · '));
  }
  const bad = [];
  for (const r of results) {
    const z = r.zooms.filter(x => x.label !== 'warm-up').map(x => x.ms);
    if (r.n >= 1e7 && r.first.frameMs >= 1000) bad.push(`${r.n}: first frame ${r.first.frameMs.toFixed(0)} ms wall >= 1000 ms`);
    if (r.n >= 1e7 && r.first.cpuMs >= 1000) bad.push(`${r.n}: first frame ${r.first.cpuMs.toFixed(0)} ms cpu >= 1000 ms`);
    const zm = z.slice().sort((a, b) => a - b)[Math.floor(z.length / 2)];
    if (zm >= 50) bad.push(`${r.n}: median zoom redraw ${zm.toFixed(1)} ms wall >= 50 ms`);
    if (r.cpuZoom >= 50) bad.push(`${r.n}: zoom redraw ${r.cpuZoom.toFixed(1)} ms cpu >= 50 ms`);
    for (const [name, s] of [['full', r.spikesFull], ['zoomed', r.spikesZoomed]]) {
      if (s.inData !== s.inView || s.lit !== s.inView) bad.push(`${r.n}: spikes ${name}: ${s.inData}/${s.inView} in data, ${s.lit} lit`);
    }
    if (r.errors.length) bad.push(`${r.n}: page errors: ${r.errors.join('; ')}`);
    if (r.csp.length) bad.push(`${r.n}: CSP violations: ${r.csp.join('; ')}`);
  }
  console.log(bad.length ? `\nMISSED:\n  ${bad.join('\n  ')}` : '\nAll targets met.');
  process.exitCode = bad.length ? 1 : 0;
}
