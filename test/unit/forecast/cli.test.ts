/**
 * `loss-lens forecast` (issue #17 §2, §4) on real logs: the JSON contract, the target step (--to,
 * the planned end from the log or beside it, else twice the current step), declined series.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandPlan, parseHparamsPlan } from '../../../src/core/forecast';
import { REPO_ROOT, real } from '../../helpers';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

beforeAll(() => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

interface Out {
  forecasts: Array<{ series: string; role: string; fromStep: number; toStep: number; median: number; low: number; high: number }>;
  declined: Array<{ series: string; reason: string }>;
}

function json(...args: string[]): Out {
  const r = cli('forecast', '--json', ...args);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Out;
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'll-forecast-'));
}

describe('loss-lens forecast', () => {
  it('--json writes the contract; without a planned end the target is twice the current step', () => {
    const out = json(path.join(REPO_ROOT, 'test/scenarios/logs/overfit_tiny_train.log'));
    expect(out.forecasts.map(f => f.series).sort()).toEqual(['Train Loss', 'Val Loss']);
    for (const f of out.forecasts) {
      expect(Object.keys(f).sort()).toEqual(['fromStep', 'high', 'low', 'median', 'role', 'series', 'toStep']);
      expect(f.fromStep).toBe(119);
      expect(f.toStep).toBe(238);
      expect(f.low).toBeLessThanOrEqual(f.median);
      expect(f.high).toBeGreaterThanOrEqual(f.median);
    }
    expect(out.forecasts.find(f => f.series === 'Val Loss')?.role).toBe('val_loss');
  });

  it('--to STEP sets the target; a bad --to is a usage error (exit 2)', () => {
    const out = json('--to', '500', path.join(REPO_ROOT, 'test/scenarios/logs/overfit_tiny_train.log'));
    expect(out.forecasts.every(f => f.toStep === 500)).toBe(true);
    expect(cli('forecast', '--to', 'soon', real('keras_csvlogger/mnist_training_log.csv')).status).toBe(2);
    expect(cli('forecast').status).toBe(2);
  });

  it('declines a loss that went non-finite, and says so in human output too', () => {
    const out = json(path.join(REPO_ROOT, 'test/scenarios/logs/nan_huge_lr.log'));
    expect(out.forecasts).toEqual([]);
    expect(out.declined).toEqual([{ series: 'loss', role: 'train_loss', reason: 'non-finite' }]);
    const human = cli('forecast', path.join(REPO_ROOT, 'test/scenarios/logs/nan_huge_lr.log'));
    expect(human.stdout).toContain('no forecast (non-finite)');
  });

  it("forecasts a Keras log cut at epoch 40 of 'Epoch N/100' to epoch 100", () => {
    const lines = fs.readFileSync(real('stdout/keras_verbose2_readme.txt'), 'utf8').split('\n');
    const cut = lines.findIndex(l => l.startsWith('Epoch 41/100'));
    const f = path.join(tmp(), 'keras.log');
    fs.writeFileSync(f, lines.slice(0, cut).join('\n') + '\n');
    const out = json(f);
    expect(out.forecasts).toHaveLength(1);
    expect(out.forecasts[0].fromStep).toBe(40);
    expect(out.forecasts[0].toStep).toBe(100);
    expect(cli('forecast', f).stdout).toContain('planned end, plannedEpochs');
  });

  it('forecasts a trainer_state.json cut at half to its max_steps', () => {
    const state = JSON.parse(fs.readFileSync(real('hf_trainer_state/whisper_ja_trainer_state.json'), 'utf8')) as {
      log_history: Array<{ step: number }>;
      max_steps: number;
    };
    state.log_history = state.log_history.filter(e => e.step <= 2500);
    const f = path.join(tmp(), 'trainer_state.json');
    fs.writeFileSync(f, JSON.stringify(state));
    const out = json(f);
    const loss = out.forecasts.find(x => x.series === 'loss');
    expect(loss?.fromStep).toBe(2500);
    expect(loss?.toStep).toBe(5000);
  });

  it("reads Lightning's hparams.yaml max_epochs beside metrics.csv (steps per epoch from its epoch column)", () => {
    const dir = tmp();
    const csv = fs.readFileSync(real('lightning_csv/camels_version_17_metrics.csv'), 'utf8');
    fs.writeFileSync(path.join(dir, 'metrics.csv'), csv);
    fs.writeFileSync(path.join(dir, 'hparams.yaml'), 'lr: 0.001\ntrainer:\n  max_epochs: 100\n');
    const out = json(path.join(dir, 'metrics.csv'));
    const tl = out.forecasts.find(x => x.series === 'train_loss');
    // The log ends in epoch 9 (0-based) at step 26989: 100 epochs end near step 269,890.
    expect(tl?.toStep).toBeGreaterThan(260_000);
    expect(tl?.toStep).toBeLessThan(280_000);
  });

  it("reads --epochs of the runner's run.json beside output.log", () => {
    const dir = tmp();
    fs.copyFileSync(path.join(REPO_ROOT, 'test/scenarios/logs/overfit_tiny_train.log'), path.join(dir, 'output.log'));
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ version: 1, command: 'python3', args: ['train.py', '--epochs', '300'] }));
    const out = json(path.join(dir, 'output.log'));
    // Epochs counted from 0: the 300th epoch is epoch 299.
    expect(out.forecasts.every(f => f.toStep === 299)).toBe(true);
  });
});

describe('planned-end parsers', () => {
  it.each([
    [['train.py', '--epochs', '50'], { epochs: 50 }],
    [['train.py', '--num_epochs=12', '--lr', '0.1'], { epochs: 12 }],
    [['train.py', '--max-steps', '5000'], { steps: 5000 }],
    [['train.py', '--max_iters', '600000', '--n_epochs', '3'], { steps: 600000, epochs: 3 }],
    [['train.py', '--epochs', 'ten'], {}],
  ])('parseCommandPlan(%j) = %j', (args, want) => {
    expect(parseCommandPlan(args)).toEqual(want);
  });

  it('parseHparamsPlan reads max_epochs / max_steps at any depth', () => {
    expect(parseHparamsPlan('trainer:\n  max_epochs: 30\n  max_steps: -1\n')).toEqual({ epochs: 30, steps: undefined });
    expect(parseHparamsPlan('lr: 0.1\n')).toEqual({ epochs: undefined, steps: undefined });
  });
});
