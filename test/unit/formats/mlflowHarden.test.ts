/**
 * Issue #14.4 (MLflow file stores): logged-model metrics de-duplicated in linear time, metric
 * files streamed (lines cut between chunks included), run directories without meta.yaml.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMlflowRuns, isMlflowStore, readMlflowRun } from '../../../src/core/formats/mlflow';
import { loadPaths } from '../../../src/core/load';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-mlflow-harden-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, data: string): string {
  const f = path.join(dir, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
  return f;
}

const EXP = 'experiment_id: "1"\nname: exp\nartifact_location: x\nlifecycle_stage: active\n';

describe('MLflow hardening', () => {
  it('de-duplicates 100,000 logged-model points against the run in linear time', () => {
    write('dedupe/1/meta.yaml', EXP);
    write('dedupe/1/r1/meta.yaml', 'run_id: r1\nexperiment_id: "1"\n');
    let own = '';
    let model = '';
    for (let i = 0; i < 100_000; i++) {
      own += `${1_700_000_000_000 + i} ${(1 / (1 + i)).toFixed(8)} ${i}\n`;
      model += `${1_700_000_000_000 + i} ${(1 / (1 + i)).toFixed(8)} ${i} r1\n`;
    }
    // Two points only in the model, one repeated there, one of another run.
    model += `1800000000000 0.5 100000 r1\n1800000000000 0.5 100000 r1\n1800000000001 0.25 100001 r1\n1800000000002 9 5 other\n`;
    write('dedupe/1/r1/metrics/loss', own);
    write('dedupe/1/models/m-1/meta.yaml', 'model_id: m-1\nsource_run_id: r1\n');
    write('dedupe/1/models/m-1/metrics/loss', model);
    const t0 = Date.now();
    const run = readMlflowRun(path.join(dir, 'dedupe/1/r1'));
    expect(Date.now() - t0).toBeLessThan(5000);
    const s = run.series.get('loss')!;
    expect(s.length).toBe(100_002);
    expect(s.steps.get(100_001)).toBe(100_001);
    expect(run.events).toContainEqual({
      type: 'note',
      message: "MLflow 3 logged-model metrics (m-1): 100001 point(s) repeat the run's own metrics, 2 point(s) added",
    });
  });

  it('streams metric files: lines cut between chunks, no final newline, bad lines with their numbers', () => {
    write('stream/1/meta.yaml', EXP);
    write('stream/1/r1/meta.yaml', 'run_id: r1\nexperiment_id: "1"\n');
    const lines: string[] = [];
    // ~3 MB: several 1 MiB chunks, so lines are cut at chunk ends.
    for (let i = 0; i < 90_000; i++) lines.push(i === 500 ? 'garbage' : `${1_700_000_000_000 + i} ${(i * 0.001).toFixed(9)} ${i}`);
    write('stream/1/r1/metrics/acc', lines.join('\r\n'));
    const run = readMlflowRun(path.join(dir, 'stream/1/r1'));
    const s = run.series.get('acc')!;
    expect(s.length).toBe(89_999);
    const st = s.steps.view();
    const va = s.values.view();
    for (let k = 0; k < st.length; k++) {
      const i = k < 500 ? k : k + 1;
      if (st[k] !== i || Math.abs(va[k] - i * 0.001) > 1e-12) throw new Error(`point ${k}: ${st[k]} ${va[k]}`);
    }
    expect(s.lines!.get(500)).toBe(502);
    expect(run.events).toContainEqual({ type: 'malformed', message: "metric 'acc': line 501 is not 'timestamp value [step]'", line: 501 });
  });

  it('a run directory without meta.yaml but with metrics/ is still a run, found from the store, the experiment or itself', async () => {
    const store = path.join(dir, 'nometa');
    write('nometa/1/meta.yaml', EXP);
    write('nometa/1/abc123/metrics/loss', '1000 1.0 0\n2000 0.5 1\n3000 0.25 2\n');
    write('nometa/1/def456/meta.yaml', 'run_id: def456\nexperiment_id: "1"\n');
    write('nometa/1/def456/metrics/loss', '1000 2 0\n');
    write('nometa/1/not-a-run/notes.txt', 'hello');
    const runDir = path.join(store, '1/abc123');
    expect(findMlflowRuns(store)).toEqual([runDir, path.join(store, '1/def456')]);
    expect(findMlflowRuns(path.join(store, '1'))).toEqual([runDir, path.join(store, '1/def456')]);
    expect(isMlflowStore(runDir)).toBe(true);
    expect(findMlflowRuns(runDir)).toEqual([runDir]);
    for (const p of [store, runDir]) {
      const r = await loadPaths([p]);
      const run = r.runs.find(x => x.source === runDir)!;
      expect(run.series.get('loss')!.length).toBe(3);
      expect(run.meta['mlflow.run_id']).toBe('abc123');
      expect(run.meta['mlflow.experiment_name']).toBe('exp');
      expect(run.events).toContainEqual({ type: 'note', message: 'the run has no meta.yaml: its id is taken from its folder name' });
    }
    // A folder named metrics/ outside an experiment is not taken for a run.
    write('plain/metrics/loss', '1000 1 0\n');
    expect(isMlflowStore(path.join(dir, 'plain'))).toBe(false);
  });
});
