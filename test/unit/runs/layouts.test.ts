/**
 * The runs listing on real logs (test/fixtures/real) laid out as each tool writes its run
 * folders: Lightning `version_N/` with hparams.yaml, a Hugging Face output folder, an MLflow
 * store, a W&B run folder, a YOLO `runs/detect/exp`, a Loss Lens runner folder, a TensorBoard run
 * directory, and a single log named on its own. Then the index: a second listing re-reads only
 * what changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { argsToParams, paramValue, readParams, RunIndex, type RunRow } from '../../../src/core/runs';
import { REPO_ROOT, real, scratchDir } from '../../helpers';

const tmp = scratchDir('ll-runs-layouts-');

function copy(from: string, to: string): void {
  const dest = path.join(tmp.path(), to);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(from, dest, { recursive: true });
}

function build(): string {
  copy(real('lightning_csv/camels_version_17_metrics.csv'), 'ws/lightning_logs/version_17/metrics.csv');
  tmp.write('ws/lightning_logs/version_17/hparams.yaml', 'lr: 0.0003\nbatch_size: 256\nmodel:\n  hidden: 64\n  dropout: 0.1\nname: tide\nuse_amp: true\nlayers: [1, 2]\n');
  copy(real('hf_trainer_state/whisper_ja_trainer_state.json'), 'ws/hf_out/trainer_state.json');
  copy(real('hf_trainer_state/chatglm2_checkpoint-1000_trainer_state.json'), 'ws/hf_out/checkpoint-1000/trainer_state.json');
  tmp.write('ws/hf_out/training_args.json', JSON.stringify({ learning_rate: 1e-5, per_device_train_batch_size: 16, lr_scheduler_type: 'linear', report_to: ['tensorboard'] }));
  tmp.write('ws/hf_out/config.json', JSON.stringify({ model_type: 'whisper', learning_rate: 99, d_model: 1280 }));
  copy(real('mlflow_filestore/yolo_badminton/mlflow'), 'ws/mlruns');
  copy(real('wandb/offline-run-20210906_092904-2chc5x75/run-2chc5x75.wandb'), 'ws/wandb/run-20210906_092904-2chc5x75/run-2chc5x75.wandb');
  tmp.write(
    'ws/wandb/run-20210906_092904-2chc5x75/files/config.yaml',
    'wandb_version: 1\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.12.1\nepochs:\n  desc: null\n  value: 300\nlr0:\n  desc: null\n  value: 0.01\noptimizer:\n  desc: null\n  value: SGD\n',
  );
  copy(real('yolo_results_csv/yolov8_new_results.csv'), 'ws/runs/detect/exp/results.csv');
  tmp.write('ws/runs/detect/exp/args.yaml', 'task: detect\nmode: train\nepochs: 102\nbatch: 16\nlr0: 0.01\noptimizer: auto\n');
  copy(path.join(REPO_ROOT, 'examples/diverging_run.log'), 'ws/.loss-lens/runs/20260101-120000-train/output.log');
  tmp.write('ws/.loss-lens/runs/20260101-120000-train/run.json', JSON.stringify({ version: 1, name: 'train', command: 'python3', args: ['train.py', '--lr', '0.5', '--epochs=3', '--amp'] }));
  copy(real('tfevents/yolov5_lego'), 'ws/tb/yolov5_lego');
  copy(path.join(REPO_ROOT, 'examples/healthy_run.log'), 'loose/healthy_run.log');
  return path.join(tmp.path(), 'ws');
}

const rel = (rows: RunRow[]) => Object.fromEntries(rows.map(r => [path.relative(tmp.path(), r.path), r]));

describe('runs under a workspace of every layout', () => {
  it('finds each run once, under its run folder, with its status, worst finding, best loss and typed parameters', async () => {
    const ws = build();
    const index = new RunIndex();
    const { rows, problems, stats } = await index.list([ws, path.join(tmp.path(), 'loose/healthy_run.log')]);
    expect(problems).toEqual([]);
    const by = rel(rows);
    expect(Object.keys(by).sort()).toEqual([
      'loose/healthy_run.log',
      'ws/.loss-lens/runs/20260101-120000-train',
      'ws/hf_out',
      'ws/lightning_logs/version_17',
      'ws/mlruns/417679438336209191/42e401d9a6f048eaa1a3f7fb68d9216f',
      'ws/runs/detect/exp',
      'ws/tb/yolov5_lego',
      'ws/wandb/run-20210906_092904-2chc5x75',
    ]);
    // Nine units: the MLflow store's second run has no metrics, so no row.
    expect(stats).toEqual({ units: 9, read: 9, forgotten: 0 });

    // Lightning: nested keys joined with dots, numbers stay numbers, lists left out.
    const lt = by['ws/lightning_logs/version_17'];
    expect(lt.params).toEqual({ lr: 0.0003, batch_size: 256, 'model.hidden': 64, 'model.dropout': 0.1, name: 'tide', use_amp: 'true' });
    expect(lt.best).toMatchObject({ series: 'val_loss', role: 'val_loss' });
    expect(lt.status).toBe('ok');
    // Hugging Face: training_args.json first, config.json only for keys not already set; the
    // checkpoint's copy of the state is not a second run.
    const hf = by['ws/hf_out'];
    expect(hf.params).toMatchObject({ learning_rate: 1e-5, per_device_train_batch_size: 16, lr_scheduler_type: 'linear', model_type: 'whisper', d_model: 1280 });
    expect(hf.status).toBe('warning');
    expect(hf.worst).toBe('overfitting');
    expect(hf.best).toMatchObject({ series: 'eval_loss', role: 'val_loss' });
    // The value and step are logged data: the lowest eval_loss of the log and its step.
    const state = JSON.parse(fs.readFileSync(real('hf_trainer_state/whisper_ja_trainer_state.json'), 'utf8')) as { log_history: Array<{ eval_loss?: number; step: number }> };
    const evals = state.log_history.filter(e => e.eval_loss !== undefined);
    const lowest = evals.reduce((a, b) => (b.eval_loss! < a.eval_loss! ? b : a));
    expect(hf.best).toMatchObject({ value: lowest.eval_loss, step: lowest.step });
    expect(hf.lastStep).toBe(5000);
    // MLflow params/: strings that are numbers become numbers.
    const ml = by['ws/mlruns/417679438336209191/42e401d9a6f048eaa1a3f7fb68d9216f'];
    expect(ml.params.batch).toBe(8);
    expect(ml.params.amp).toBe('True');
    expect(ml.format).toBe('mlflow');
    // W&B: config.yaml in files/, the {desc, value} wrappers unwrapped, W&B's own entries dropped.
    expect(by['ws/wandb/run-20210906_092904-2chc5x75'].params).toEqual({ epochs: 300, lr0: 0.01, optimizer: 'SGD' });
    // YOLO: args.yaml.
    const yolo = by['ws/runs/detect/exp'];
    expect(yolo.params).toMatchObject({ task: 'detect', epochs: 102, batch: 16, lr0: 0.01 });
    expect(yolo.worst).toBe('overfitting');
    // Loss Lens runner folder: run.json's args.
    const ours = by['ws/.loss-lens/runs/20260101-120000-train'];
    expect(ours.params).toEqual({ lr: 0.5, epochs: 3, amp: 'true' });
    expect(ours.status).toBe('error');
    expect(ours.findings[0].severity).toBe('error');
    // TensorBoard run directory, and the single log.
    expect(by['ws/tb/yolov5_lego'].format).toBe('tfevents');
    expect(by['loose/healthy_run.log'].params).toEqual({});
    expect(by['loose/healthy_run.log'].status).toBe('ok');
    for (const r of rows) if (r.status === 'ok') expect(r.worst).toBeNull();
  });

  it('re-reads only the runs whose files changed, and forgets runs that are gone', async () => {
    const ws = path.join(tmp.path(), 'ws');
    const index = new RunIndex();
    await index.list([ws]);
    const again = await index.list([ws]);
    expect(again.stats).toEqual({ units: 8, read: 0, forgotten: 0 });

    // One more training row in the Lightning log: only that run is read again, and its last step moves.
    const csv = path.join(ws, 'lightning_logs/version_17/metrics.csv');
    const header = fs.readFileSync(csv, 'utf8').split('\n')[0].split(',');
    const row = header.map(h => (h === 'step' ? '99999' : h === 'train_loss' ? '0.3' : h === 'epoch' ? '99' : '')).join(',');
    fs.appendFileSync(csv, row + '\n');
    const changed = await index.list([ws]);
    expect(changed.stats).toEqual({ units: 8, read: 1, forgotten: 0 });
    expect(changed.rows.find(r => r.path.endsWith('version_17'))!.lastStep).toBe(99999);

    // A changed parameter file is a change too.
    fs.appendFileSync(path.join(ws, 'runs/detect/exp/args.yaml'), 'patience: 50\n');
    const p = await index.list([ws]);
    expect(p.stats.read).toBe(1);
    expect(p.rows.find(r => r.path.endsWith('exp'))!.params.patience).toBe(50);

    // The snapshot carries the index to another process (the CLI's cache file).
    const other = new RunIndex();
    other.restore(JSON.parse(JSON.stringify(index.snapshot())));
    expect((await other.list([ws])).stats.read).toBe(0);
    // ...but not to another language, whose findings read differently.
    const zh = new RunIndex({ lang: 'zh-cn' });
    zh.restore(JSON.parse(JSON.stringify(index.snapshot())));
    expect((await zh.list([ws])).stats.read).toBe(8);

    fs.rmSync(path.join(ws, 'tb'), { recursive: true });
    const gone = await index.list([ws]);
    expect(gone.stats).toEqual({ units: 7, read: 0, forgotten: 1 });
    expect(Object.keys(index.snapshot().units)).toHaveLength(7);
  });

  it('prune() forgets the runs of a folder that is gone, whoever listed it', async () => {
    const a = path.join(tmp.path(), 'prune-a');
    const b = path.join(tmp.path(), 'prune-b');
    copy(path.join(REPO_ROOT, 'examples/healthy_run.log'), 'prune-a/healthy_run.log');
    copy(path.join(REPO_ROOT, 'examples/diverging_run.log'), 'prune-b/diverging_run.log');
    const index = new RunIndex();
    await index.list([a]);
    await index.list([b]);
    expect(Object.keys(index.snapshot().units).sort()).toEqual([a, b]);
    fs.rmSync(a, { recursive: true });
    expect(index.prune()).toBe(1);
    expect(Object.keys(index.snapshot().units)).toEqual([b]);
  });

  it('names a path that holds no run as a problem', async () => {
    const empty = path.join(tmp.path(), 'empty');
    fs.mkdirSync(empty, { recursive: true });
    const r = await new RunIndex().list([empty, path.join(tmp.path(), 'missing')]);
    expect(r.rows).toEqual([]);
    expect(r.problems.map(p => p.message)).toEqual(['no run found under this path', 'cannot read: no such file or directory']);
  });
});

describe('a run logged twice in its folder', () => {
  it("YOLO's results.csv and its event file (the same real run) are one row, under the run folder", async () => {
    copy(real('yolo_results_csv/yolov5_lego_results.csv'), 'yolo/runs/train/exp/results.csv');
    copy(real('tfevents/yolov5_lego'), 'yolo/runs/train/exp');
    tmp.write('yolo/runs/train/exp/opt.yaml', 'weights: yolov5s.pt\n');
    // Each log alone is a run; both in one folder are one run.
    const { rows, stats } = await new RunIndex().list([path.join(tmp.path(), 'yolo')]);
    expect(stats.units).toBe(1);
    expect(rows.map(r => path.relative(tmp.path(), r.path))).toEqual(['yolo/runs/train/exp']);
    expect(rows[0].format).toBe('csv');
    expect(rows[0].best).toMatchObject({ series: 'val/box_loss', step: 48 });
  });

  it('different runs in one folder stay apart, each listed under its log', async () => {
    const dir = real('lightning_csv');
    const { rows } = await new RunIndex().list([dir]);
    expect(rows.map(r => path.basename(r.path)).sort()).toEqual(fs.readdirSync(dir).sort());
  });
});

describe('parameters', () => {
  it("reads TensorBoard's hparams plugin record (Lightning's TensorBoardLogger), numbers as numbers", async () => {
    const { rows } = await new RunIndex().list([real('tfevents/lightning_camels')]);
    expect(rows).toHaveLength(1);
    expect(rows[0].params).toMatchObject({ learning_rate: 0.00002, hidden_size: 64, num_layers: 6, dropout: 0.4, group_identifier: 'gauge_id' });
    expect(Object.keys(rows[0].params)).toHaveLength(19);
    // An event file without the record has no parameters from it.
    expect((await new RunIndex().list([real('tfevents/yolov5_lego')])).rows[0].params).toEqual({});
  });

  it.each([
    [['train.py', '--lr', '0.5', '--batch-size=32', '--amp', '--name', 'a b'], { lr: 0.5, batch_size: 32, amp: 'true', name: 'a b' }],
    [['-m', 'pkg.train', '--lr', '-1e-3'], { m: 'pkg.train', lr: -0.001 }],
    [['--flag', '--lr', '3'], { flag: 'true', lr: 3 }],
  ])('argsToParams(%j)', (args, want) => {
    expect(argsToParams(args)).toEqual(want);
  });

  it.each([
    ['0.001', 0.001],
    ['1e-4', 1e-4],
    ['32', 32],
    ['adam', 'adam'],
    [true, 'true'],
    [null, undefined],
    ['', undefined],
    [[1, 2], undefined],
    ['x'.repeat(200), undefined],
  ])('paramValue(%j) = %j', (v, want) => {
    expect(paramValue(v)).toEqual(want);
  });

  it("PyYAML's python tags (as Lightning's hparams.yaml has them) are read as plain values, silently", () => {
    tmp.write('tags/hparams.yaml', "betas: !!python/tuple\n- 0.9\n- 0.999\nlr: 1.0e-05\nargs: !!python/object:argparse.Namespace\n  seed: 7\n");
    const warn = process.emitWarning;
    const seen: unknown[] = [];
    process.emitWarning = ((w: unknown) => void seen.push(w)) as typeof process.emitWarning;
    try {
      expect(readParams(path.join(tmp.path(), 'tags'))).toEqual({ lr: 1e-5, 'args.seed': 7 });
    } finally {
      process.emitWarning = warn;
    }
    expect(seen).toEqual([]);
  });

  it('an unreadable parameter file gives no parameters, not a failure', () => {
    tmp.write('bad/hparams.yaml', 'lr: [unclosed\n  : : :');
    expect(readParams(path.join(tmp.path(), 'bad'))).toEqual({});
  });
});
