// One folder walker (src/core/walk.ts) for `analyze DIR` and `watch DIR`: over a generated tree
// (nested run folders, Lightning versions, checkpoints, node_modules, .git, deep folders) both
// read exactly the same files, and those are the files the walk rules name.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPaths } from '../../../src/core/load';
import { isLogFileName, walkLogs } from '../../../src/core/walk';
import { LogWatcher } from '../../../src/runner';
import { writeScalarEvents } from '../../writers/tfevents';

let root: string;

const textLog = (n: number) => Array.from({ length: n }, (_, i) => `step ${i + 1}: loss ${(1 / (i + 1)).toFixed(4)}`).join('\n') + '\n';
const csvLog = (n: number) => 'step,loss\n' + Array.from({ length: n }, (_, i) => `${i + 1},${(1 / (i + 1)).toFixed(4)}`).join('\n') + '\n';
const hfState = (n: number) =>
  JSON.stringify({ global_step: n, log_history: Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1) })) });
const events = (n: number) => writeScalarEvents(Array.from({ length: n }, (_, i) => ({ tag: 'loss', step: i + 1, value: 1 / (i + 1) })));

/** Relative path -> content. */
const TREE: Record<string, string | Uint8Array> = {
  'train.log': textLog(20),
  'metrics.csv': csvLog(20),
  'package.json': '{"name": "x"}',
  'run.json': '{"command": "python train.py"}',
  'README.md': '# notes',
  'notes.txt': textLog(5),
  'runA/events.out.tfevents.100.host': events(10),
  'runA/events.out.tfevents.100.host.profile-empty': events(1),
  'runA/events.out.tfevents.200.host': events(10),
  'runA/sub/events.out.tfevents.300.host': events(10),
  'lightning_logs/version_0/metrics.csv': csvLog(10),
  'lightning_logs/version_0/hparams.yaml': 'lr: 0.1\n',
  'lightning_logs/version_1/metrics.csv': csvLog(12),
  'lightning_logs/version_1/checkpoints/epoch=0-step=12.ckpt': 'binary',
  'lightning_logs/version_1/checkpoints/train.log': textLog(8),
  'hf/trainer_state.json': hfState(30),
  'hf/config.json': '{"hidden_size": 8}',
  'hf/checkpoint-10/trainer_state.json': hfState(10),
  'hf/checkpoint-20/trainer_state.json': hfState(20),
  'hf-running/checkpoint-10/trainer_state.json': hfState(10),
  'hf-running/checkpoint-20/trainer_state.json': hfState(20),
  'node_modules/pkg/debug.log': textLog(5),
  '.git/logs/train.log': textLog(5),
  '__pycache__/x.txt': textLog(5),
  '.venv/lib/log.txt': textLog(5),
  'artifacts/metrics.csv': csvLog(5),
  'wandb-artifacts/metrics.csv': csvLog(5),
  'wandb/run-1/files/wandb-summary.json': '{"loss": 0.1}',
  'wandb/run-1/files/wandb-metadata.json': '{"os": "linux"}',
  'wandb/run-1/files/output.log': textLog(6),
  // Depth 6 (read) and depth 9 (below the walk's 8 levels).
  'deep/a/b/c/d/e/train.log': textLog(7),
  'deep/a/b/c/d/e/f/g/h/train.log': textLog(7),
  'exp1/seed0/run/logs/train.jsonl': Array.from({ length: 9 }, (_, i) => JSON.stringify({ step: i + 1, loss: 1 / (i + 1) })).join('\n') + '\n',
};

const EXPECTED = [
  'deep/a/b/c/d/e/train.log',
  'exp1/seed0/run/logs/train.jsonl',
  'hf-running/checkpoint-10/trainer_state.json',
  'hf-running/checkpoint-20/trainer_state.json',
  'hf/trainer_state.json',
  'lightning_logs/version_0/metrics.csv',
  'lightning_logs/version_1/checkpoints/train.log',
  'lightning_logs/version_1/metrics.csv',
  'metrics.csv',
  'notes.txt',
  'runA/events.out.tfevents.100.host',
  'runA/events.out.tfevents.200.host',
  'runA/sub/events.out.tfevents.300.host',
  'train.log',
  'wandb/run-1/files/output.log',
];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-walk-'));
  for (const [rel, content] of Object.entries(TREE)) {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const rel = (files: Iterable<string>) => [...new Set([...files].map(f => path.relative(root, f).split(path.sep).join('/')))].sort();

describe('one folder walker', () => {
  it('walkLogs names the expected files', () => {
    const files = walkLogs(root).flatMap(e => (e.kind === 'file' ? [e.file] : e.kind === 'tb' ? e.files : []));
    expect(rel(files)).toEqual(EXPECTED);
  });

  it('analyze DIR and watch DIR read the same files', async () => {
    const read: string[] = [];
    const loaded = await loadPaths([root], { threads: false, onProgress: (_d, _t, f) => read.push(f) });
    expect(loaded.problems).toEqual([]);

    const w = new LogWatcher(root, { onEvent: () => {}, useFsWatch: false, detectWaitMs: 0 });
    try {
      w.poll();
      const watched = rel(w.tailers.keys());
      expect(rel(read)).toEqual(EXPECTED);
      expect(watched).toEqual(rel(read));
      // Every followed file was read as a log.
      for (const t of w.tailers.values()) expect(t.runs.length, t.file).toBeGreaterThan(0);
    } finally {
      w.close();
    }
  });

  it('the depth limit applies to both', async () => {
    const read: string[] = [];
    await loadPaths([root], { threads: false, maxDepth: 2, onProgress: (_d, _t, f) => read.push(f) });
    const w = new LogWatcher(root, { onEvent: () => {}, useFsWatch: false, detectWaitMs: 0, maxDepth: 2 });
    try {
      w.poll();
      expect(rel(w.tailers.keys())).toEqual(rel(read));
      expect(rel(read)).not.toContain('deep/a/b/c/d/e/train.log');
      expect(rel(read)).toContain('lightning_logs/version_1/metrics.csv');
    } finally {
      w.close();
    }
  });

  it('names logs by file name', () => {
    for (const n of ['train.log', 'metrics.csv', 'x.tsv', 'a.jsonl', 'trainer_state.json', 'run-1.wandb', 'events.out.tfevents.1.h'])
      {expect(isLogFileName(n), n).toBe(true);}
    for (const n of ['package.json', 'config.json', 'run.json', 'wandb-summary.json', 'wandb-events.jsonl', 'README.txt', 'x.ipynb', 'events.out.tfevents.1.h.profile-empty', 'model.ckpt'])
      {expect(isLogFileName(n), n).toBe(false);}
  });
});
