/**
 * Worker-thread entry (bundled as dist/load-worker.js): reads and analyses logs for
 * background.ts, posting the bytes read as it goes, then the runs in transferred arrays.
 */
import { parentPort } from 'node:worker_threads';
import { analyseOf, type LoadJob, type LoadWorkerMessage, loadOptionsOf, packPreview, packRun } from './background';
import { loadPaths } from './load';
import type { Run } from './model';

parentPort?.once('message', (job: LoadJob) => {
  const port = parentPort!;
  const post = (m: LoadWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  let last = 0;
  const onProgress = (done: number, total: number, file: string) => {
    const now = Date.now();
    if (now - last < job.progressMs && done < total) return;
    last = now;
    post({ type: 'progress', done, total, file });
  };
  const t0 = performance.now();
  const onSplit = (file: string, outcome: string) => post({ type: 'split', file, outcome });
  // A picture of a large file before it is all read: its runs so far, as overviews.
  const onPartial = job.preview
    ? (runs: readonly Run[]) => {
        const transfer: ArrayBuffer[] = [];
        const packed = packPreview(runs, transfer, true);
        if (packed) post({ type: 'preview', runs: packed, partial: true }, transfer);
      }
    : undefined;
  loadPaths(job.paths, loadOptionsOf({ threads: job.threads, maxDepth: job.maxDepth, onSplit }, undefined, onProgress, onPartial))
    .then(r => {
      const tRead = performance.now();
      if (job.preview) {
        const transfer: ArrayBuffer[] = [];
        const runs = packPreview(r.runs, transfer);
        if (runs) post({ type: 'preview', runs, partial: false }, transfer);
      }
      const t1 = performance.now();
      const a = analyseOf(r.runs, job.analyze);
      const t2 = performance.now();
      const transfer: ArrayBuffer[] = [];
      const runs = r.runs.map(run => packRun(run, transfer));
      const t3 = performance.now();
      const timings = { readMs: Math.round(tRead - t0), analyzeMs: Math.round(t2 - t1), overviewMs: Math.round(t3 - t2 + t1 - tRead) };
      post({ type: 'done', runs, problems: r.problems, ...a, timings }, transfer);
    })
    .catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
});
