import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findMlflowRuns, isMlflowStore, parseMetricLines, readMlflowRun } from '../../../src/core/formats/mlflow';
import { counts, REAL, steps, values } from '../../helpers';

const ML = path.join(REAL, 'mlflow_filestore');
const BAD_ROOT = path.join(ML, 'yolo_badminton/mlflow');
const BAD_EXP = path.join(BAD_ROOT, '417679438336209191');
const BAD_RUN = path.join(BAD_EXP, '42e401d9a6f048eaa1a3f7fb68d9216f');
const BAD_EMPTY_RUN = path.join(BAD_EXP, '9146052919a344e7b464ebf4cf3872c9');
const M3_ROOT = path.join(ML, 'mlflow3_timeseries/mlruns');
const M3_EXP = path.join(M3_ROOT, '356296186950559694');
const M3_RUN = path.join(M3_EXP, '2ef810fa47af43ec98b2b231a625a2b0');

// Expected counts, worked out without this reader:
//   cd mlflow_filestore && find . -path '*metrics/*' -type f | while read f; do
//     echo "$(wc -l < "$f") $(awk '{print NF}' "$f" | sort -u) $f"; done
// yolo_badminton run 42e4...: 13 files, 3 fields per line; metrics/metrics/* 11 lines (epochs
// 0..9 + a final validation at step 9), lr/*, train/*, val/* 10 lines; run 9146... has no
// metrics/ directory. mlflow3_timeseries run 2ef8...: 14 files x 2 lines (the same point
// written twice), 3 fields; models/m-7ce0.../metrics: 14 files x 1 line, 4 fields, 4th = the
// run id. ls params | wc -l: 106 params in the YOLO run.
const BAD_COUNTS = {
  'lr/pg0': 10, 'lr/pg1': 10, 'lr/pg2': 10,
  'metrics/mAP50-95B': 11, 'metrics/mAP50B': 11, 'metrics/precisionB': 11, 'metrics/recallB': 11,
  'train/box_loss': 10, 'train/cls_loss': 10, 'train/dfl_loss': 10,
  'val/box_loss': 10, 'val/cls_loss': 10, 'val/dfl_loss': 10,
};
const M3_KEYS = [
  'test_mae', 'test_mape', 'test_r2', 'test_rmse', 'train_mae', 'train_mape', 'train_r2', 'train_rmse',
  'train_time_seconds', 'val_mae', 'val_mape', 'val_r2', 'val_rmse', 'val_test_mae_gap',
];

describe('MLflow file store: finding runs', () => {
  it('recognises a store root, an experiment and a run directory, and nothing else', () => {
    for (const d of [BAD_ROOT, BAD_EXP, BAD_RUN, BAD_EMPTY_RUN, M3_ROOT, M3_EXP, M3_RUN]) expect(isMlflowStore(d)).toBe(true);
    for (const d of [
      REAL,
      ML,
      path.join(ML, 'yolo_badminton'),
      path.join(BAD_RUN, 'metrics'),
      path.join(BAD_RUN, 'meta.yaml'),
      path.join(M3_EXP, 'models'),
      path.join(M3_EXP, 'models/m-7ce05f84ec1d40949de61a92d1b567ab'), // a logged model, not a run
      path.join(M3_ROOT, 'models'), // registered models
      path.join(ML, 'does-not-exist'),
    ]) {
      expect(isMlflowStore(d), d).toBe(false);
    }
  });

  it('lists the run directories under each', () => {
    expect(findMlflowRuns(BAD_ROOT)).toEqual([BAD_RUN, BAD_EMPTY_RUN]);
    expect(findMlflowRuns(BAD_EXP)).toEqual([BAD_RUN, BAD_EMPTY_RUN]);
    expect(findMlflowRuns(BAD_RUN)).toEqual([BAD_RUN]);
    expect(findMlflowRuns(M3_ROOT)).toEqual([M3_RUN]);
    expect(findMlflowRuns(path.join(M3_EXP, 'models'))).toEqual([]);
  });
});

describe('MLflow file store: reading runs', () => {
  it('reads the Ultralytics YOLO run: nested keys, steps, wall times, name, params', () => {
    const run = readMlflowRun(BAD_RUN);
    expect(run.format).toBe('mlflow');
    expect(run.source).toBe(BAD_RUN);
    expect(run.name).toBe('yolov8n_custom'); // tags/mlflow.runName
    expect(counts(run)).toEqual(BAD_COUNTS);
    expect(steps(run, 'metrics/mAP50B')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]);
    expect(values(run, 'metrics/mAP50B').slice(0, 2)).toEqual([0.8213, 0.84931]);
    expect(values(run, 'metrics/mAP50B')[10]).toBe(0.9426270099994268);
    expect(values(run, 'lr/pg0')[5]).toBe(0.0008418350000000001);
    const s = run.series.get('lr/pg0')!;
    expect(s.wallTimes!.get(0)).toBe(1743167264.056);
    expect(s.lines!.get(0)).toBe(1);
    expect(s.role).toBe('lr');
    expect(run.series.get('val/box_loss')!.role).toBe('val_loss');
    expect(Object.keys(run.meta).filter(k => k.startsWith('param.'))).toHaveLength(106);
    expect(run.meta['param.batch']).toBe('8');
    expect(run.meta['param.lr0']).toBe('0.01');
    expect(run.meta['mlflow.run_id']).toBe('42e401d9a6f048eaa1a3f7fb68d9216f');
    expect(run.meta['mlflow.experiment_name']).toBe('/Shared/Ultralytics');
    expect(run.events).toEqual([]);
  });

  it('reads a run with no metrics as zero series', () => {
    const run = readMlflowRun(BAD_EMPTY_RUN);
    expect(run.name).toBe('yolov11n_custom15');
    expect(run.series.size).toBe(0);
    expect(run.events).toEqual([]);
    expect(run.meta['param.batch']).toBe('2');
  });

  it("reads an MLflow 3 run and does not count its logged model's copies of the metrics twice", () => {
    const run = readMlflowRun(M3_RUN);
    expect(run.name).toBe('local_run_01');
    expect(counts(run)).toEqual(Object.fromEntries(M3_KEYS.map(k => [k, 2])));
    expect(values(run, 'val_r2')).toEqual([0.9475, 0.9475]);
    expect(steps(run, 'val_r2')).toEqual([0, 0]);
    expect(run.events).toEqual([
      {
        type: 'note',
        message: "MLflow 3 logged-model metrics (m-7ce05f84ec1d40949de61a92d1b567ab): 14 point(s) repeat the run's own metrics",
      },
    ]);
  });
});

describe('MLflow metric files', () => {
  it('parses 2 to 6 fields; step defaults to 0; nan/inf spellings; bad lines reported by number', () => {
    const { points, bad } = parseMetricLines(
      [
        '1000 0.5',
        '2000 nan 3',
        '3000 inf 4 runid',
        '4000 -inf 5 runid ds digest',
        '5000 1e-05 6 runid ds',
        'oops',
        '6000 0.1 7 a b c d',
        '7000 abc 1',
        '',
        '8000 2.5 8\r',
      ].join('\n'),
    );
    expect(points.map(p => [p.ts, p.value, p.step, p.runId, p.line])).toEqual([
      [1000, 0.5, 0, undefined, 1],
      [2000, NaN, 3, undefined, 2],
      [3000, Infinity, 4, 'runid', 3],
      [4000, -Infinity, 5, 'runid', 4],
      [5000, 1e-5, 6, 'runid', 5],
      [8000, 2.5, 8, undefined, 10],
    ]);
    expect(bad).toEqual([6, 7, 8]);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-mlflow-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    const f = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  };

  it('reads a synthetic store: run_name from meta.yaml, nested keys, bad lines, models of other runs', () => {
    write('mlruns/0/meta.yaml', "artifact_location: file:///x/mlruns/0\nexperiment_id: '0'\nlifecycle_stage: active\nname: Default\n");
    write('mlruns/5/meta.yaml', "experiment_id: '5'\nname: exp five\n");
    write('mlruns/5/r1/meta.yaml', "run_id: r1\nrun_name: first-run\nexperiment_id: '5'\nstatus: 3\n");
    write('mlruns/5/r1/metrics/a/b/c', '1000 1 0\n2000 nan 1\n3000 0.5 1\nbroken line here and more fields\n');
    write('mlruns/5/r1/metrics/loss', '1000 2\r\n2000 1\r\n');
    write('mlruns/5/r1/params/lr', '0.1');
    write('mlruns/5/r1/params/opt/name', 'adam\n');
    write('mlruns/5/r2/meta.yaml', "run_uuid: r2\nexperiment_id: '5'\n"); // old meta: run_uuid only, no name
    write('mlruns/5/models/m-1/meta.yaml', "model_id: m-1\nsource_run_id: r1\nexperiment_id: '5'\nname: model\n");
    write('mlruns/5/models/m-1/metrics/loss', '2000 1 0 r1\n9000 0.25 9 r1\n');
    write('mlruns/5/models/m-2/meta.yaml', "model_id: m-2\nsource_run_id: r2\nexperiment_id: '5'\nname: model\n");
    write('mlruns/5/models/m-2/metrics/loss', '2000 7 0 r2\n');
    write('mlruns/.trash/9/meta.yaml', "experiment_id: '9'\nname: deleted\n");
    const root = path.join(tmp, 'mlruns');
    expect(isMlflowStore(root)).toBe(true);
    expect(findMlflowRuns(root)).toEqual([path.join(root, '5/r1'), path.join(root, '5/r2')]);
    const r1 = readMlflowRun(path.join(root, '5/r1'));
    expect(r1.name).toBe('first-run');
    expect(counts(r1)).toEqual({ 'a/b/c': 3, loss: 3 });
    expect(values(r1, 'a/b/c')).toEqual([1, NaN, 0.5]);
    expect(steps(r1, 'loss')).toEqual([0, 0, 9]); // 2 lines + 1 new point from its logged model
    expect(values(r1, 'loss')).toEqual([2, 1, 0.25]);
    expect(r1.series.get('loss')!.wallTimes!.view()[2]).toBe(9);
    expect(r1.meta['param.lr']).toBe('0.1');
    expect(r1.meta['param.opt/name']).toBe('adam');
    expect(r1.meta['mlflow.experiment_name']).toBe('exp five');
    expect(r1.events).toEqual([
      { type: 'malformed', message: "metric 'a/b/c': line 4 is not 'timestamp value [step]'", line: 4 },
      { type: 'note', message: "MLflow 3 logged-model metrics (m-1): 1 point(s) repeat the run's own metrics, 1 point(s) added" },
    ]);
    const r2 = readMlflowRun(path.join(root, '5/r2'));
    expect(r2.name).toBe('r2');
    expect(counts(r2)).toEqual({ loss: 1 });
    expect(values(r2, 'loss')).toEqual([7]);
  });

  it('does not throw on a directory that is not a run', () => {
    const run = readMlflowRun(path.join(tmp, 'nothing-here'));
    expect(run.series.size).toBe(0);
    expect(run.format).toBe('mlflow');
  });
});
