/**
 * Worker-thread entry (bundled as dist/parse-worker.js): reads the later part of a file that
 * the main thread splits (parallel.ts) and posts the points back without copying them.
 */
import { parentPort } from 'node:worker_threads';
import { partBuffers } from './formats/split';
import { readPartSync, type PartJob, type PartResult } from './parallel';

parentPort?.once('message', (job: PartJob) => {
  let r: PartResult;
  try {
    r = readPartSync(job);
  } catch (e) {
    r = { ok: false, why: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(r, r.ok ? partBuffers(r.part) : []);
});
