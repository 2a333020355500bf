/**
 * Open-time benchmark (run by bench/run.mjs): opening a big log as the extension host does —
 * read + analyse on a worker thread (core/background.ts, dist/load-worker.js), the first
 * picture (a preview of overviews) as soon as the log is read, then the findings — against
 * the old way (loadPaths + analyzeRuns + a full-resolution snapshot, all on the host's main
 * thread). For each: the time to the first message the webview can draw, its size (what
 * travels to the webview: in code-server, over a WebSocket to the browser), and the longest
 * stall of the main thread (what held up the Problems panel of other logs).
 *
 *   node bench/out/open.cjs FILE [REPEAT]     prints one JSON line
 */
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { analyzeRuns } from '../src/core/analyze';
import { loadInBackground, type Preview } from '../src/core/background';
import { loadPaths } from '../src/core/load';
import type { Run } from '../src/core/model';
import { overviewSnapshot } from '../src/host/viewer/overview';
import { buildSnapshot } from '../src/host/viewer/payload';
import type { SnapshotMessage } from '../src/shared/protocol';

const DIST = path.resolve(__dirname, '../../dist');

/** The longest gap between 10 ms ticks of this thread while `f` runs. */
async function withStall<T>(f: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  try {
    const value = await f();
    worst = Math.max(worst, performance.now() - last - 10);
    return { value, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

/** Bytes of a message as it is serialised to travel (structured clone of the typed arrays). */
function messageBytes(m: SnapshotMessage): number {
  return v8.serialize(m).length;
}

function previewSnapshot(p: Preview): SnapshotMessage {
  // As ViewerSession.showPreview: the preview runs, their full counts in `total`.
  const m = buildSnapshot({ runs: p.runs, findings: [], problems: [], locale: 'en', title: 'bench' });
  m.runs.forEach((r, i) => {
    for (const sp of r.series) {
      const s = p.runs[i].series.get(sp.name);
      const total = s ? p.totals.get(s) : undefined;
      if (total !== undefined) sp.total = total;
    }
  });
  m.analysing = true;
  return m;
}

async function worker(file: string) {
  const t0 = performance.now();
  let firstMs = 0;
  let firstBytes = 0;
  let wholeMs = 0;
  const { value, stallMs } = await withStall(async () => {
    const r = await loadInBackground([file], {
      script: path.join(DIST, 'load-worker.js'),
      analyze: {},
      onPreview: p => {
        // The first picture (of the part read so far, for a large file), then the whole log's.
        if (!firstMs) {
          firstBytes = messageBytes(previewSnapshot(p));
          firstMs = performance.now() - t0;
        }
        if (!p.partial) wholeMs = performance.now() - t0;
      },
    }).result;
    const snap = overviewSnapshot(buildSnapshot({ runs: r.runs, findings: r.findings, locale: 'en' }), r.runs);
    return { r, bytes: messageBytes(snap), doneMs: performance.now() - t0 };
  });
  if (!firstMs) {
    firstMs = value.doneMs;
    firstBytes = value.bytes;
  }
  return { firstMs, firstBytes, wholeMs: wholeMs || value.doneMs, doneMs: value.doneMs, doneBytes: value.bytes, stallMs, findings: value.r.findings.length, timings: value.r.timings };
}

async function mainThread(file: string) {
  const t0 = performance.now();
  const { value, stallMs } = await withStall(async () => {
    const r = await loadPaths([file], { threads: { script: path.join(DIST, 'parse-worker.js') } });
    const findings = analyzeRuns(r.runs as Run[]);
    const snap = buildSnapshot({ runs: r.runs, findings, locale: 'en' });
    let bytes = 0;
    for (const run of snap.runs) for (const s of run.series) bytes += s.steps.byteLength + s.values.byteLength + (s.wallTimes?.byteLength ?? 0) + (s.lines?.byteLength ?? 0);
    return { bytes, findings: findings.length };
  });
  const ms = performance.now() - t0;
  return { firstMs: ms, doneMs: ms, firstBytes: value.bytes, stallMs, findings: value.findings };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const [file, repeatArg] = process.argv.slice(2);
  const repeat = Number(repeatArg ?? 3);
  const w: Awaited<ReturnType<typeof worker>>[] = [];
  const m: Awaited<ReturnType<typeof mainThread>>[] = [];
  for (let i = 0; i < repeat; i++) {
    w.push(await worker(file));
    m.push(await mainThread(file));
  }
  const out = {
    file: path.basename(file),
    worker: {
      firstMs: median(w.map(x => x.firstMs)),
      wholeMs: median(w.map(x => x.wholeMs)),
      doneMs: median(w.map(x => x.doneMs)),
      firstMB: w[0].firstBytes / 1e6,
      doneMB: w[0].doneBytes / 1e6,
      stallMs: median(w.map(x => x.stallMs)),
      findings: w[0].findings,
      timings: w[w.length - 1].timings,
    },
    mainThread: {
      firstMs: median(m.map(x => x.firstMs)),
      firstMB: m[0].firstBytes / 1e6,
      stallMs: median(m.map(x => x.stallMs)),
      findings: m[0].findings,
    },
    repeat,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch(e => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
