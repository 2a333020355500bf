// Runs the runner started are told apart by what differs between them (issue #13, 3), and a
// stop is said as one sentence (issue #13, 5), in both languages.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/diagnose/types';
import { createRunFolder, type RunRecord } from '../../src/runner/runFolder';
import { argPairs, argValue, lastLines, recordScript, runFolderName, runLabels, runOutcome, runRecordOf, stopSentence } from '../../src/runner/runLabels';

function record(args: string[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    version: 1,
    name: 'train_example',
    command: '/usr/bin/python3',
    args: ['train_example.py', ...args],
    cwd: '/ws',
    env: {},
    status: 'exited',
    exitCode: 0,
    startedAt: '2026-12-07T12:00:00.000Z',
    stopOn: ['non-finite'],
    findings: [],
    logs: ['output.log'],
    notes: [],
    ...extra,
  };
}

const nanFinding = {
  kind: 'non-finite',
  severity: 'error',
  series: 'loss',
  step: 15,
  line: 4,
  title: 'NaN in loss',
  message: 'Training loss "loss" became NaN at step 15.',
  evidence: { what: 'NaN' },
  fixes: [
    { title: 'Lower the learning rate', detail: '' },
    { title: 'Clip the gradient norm', detail: '' },
    { title: 'Check inputs and targets for NaN/Inf', detail: '' },
  ],
  confidence: 1,
} as unknown as Finding;

describe('run labels', () => {
  it('argPairs reads --k v, --k=v, flags and negative numbers', () => {
    expect(argPairs(['--lr', '0.5', '--amp', '--epochs=3', '--shift', '-1', 'data'])).toEqual([
      { flag: '--lr', value: '0.5' },
      { flag: '--amp' },
      { flag: '--epochs', value: '3' },
      { flag: '--shift', value: '-1' },
      { flag: 'data' },
    ]);
    expect(argValue(['train.py', '--lr', '0.5', '--lr=0.2'], ['--lr', '--learning-rate'])).toEqual({ flag: '--lr', value: '0.2' });
    expect(argValue(['train.py', '--epochs', '3'], ['--lr'])).toBeUndefined();
  });

  it('names run folders by the script and its arguments, file-system safe', () => {
    expect(runFolderName('train_example', ['train_example.py', '--lr', '0.5'])).toBe('train_example-lr0.5');
    expect(runFolderName('train', ['train.py', '--data', '/a b/c', '--amp'])).toBe('train-data_a_b_c-amp');
    expect(runFolderName('train', ['train.py'])).toBe('train');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'll-labels-'));
    const a = createRunFolder(root, runFolderName('train_example', ['train_example.py', '--lr', '0.5']), new Date(2026, 11, 7, 12, 0, 1));
    const b = createRunFolder(root, runFolderName('train_example', ['train_example.py', '--lr', '0.01']), new Date(2026, 11, 7, 12, 0, 1));
    expect(fs.readdirSync(root).sort()).toEqual(['20261207-120001-train_example-lr0.01', '20261207-120001-train_example-lr0.5']);
    expect(path.basename(a)).not.toBe(path.basename(b));
  });

  it('labels compared runner runs by the arguments that differ, and others by name', () => {
    const items = [
      { name: 'output.log', source: '/ws/r/a/output.log', dir: '/ws/r/a', record: record(['--lr', '0.5', '--seed', '1']) },
      { name: 'output.log', source: '/ws/r/b/output.log', dir: '/ws/r/b', record: record(['--lr', '0.01', '--seed', '1', '--epochs', '10']) },
      { name: 'healthy_run.log', source: '/ws/logs/healthy_run.log' },
    ];
    expect(runLabels(items)).toEqual(['train_example --lr 0.5', 'train_example --lr 0.01 --epochs 10', 'healthy_run.log']);
    // Alone: all its arguments.
    expect(runLabels([items[0]])).toEqual(['train_example --lr 0.5 --seed 1']);
    // The same arguments twice: the run folder's time.
    const same = [
      { name: 'output.log', source: '/ws/r/20261207-120001-train_example-lr0.5/output.log', record: record(['--lr', '0.5']) },
      { name: 'output.log', source: '/ws/r/20261207-120502-train_example-lr0.5/output.log', record: record(['--lr', '0.5']) },
    ];
    expect(runLabels(same)).toEqual(['train_example · 20261207-120001', 'train_example · 20261207-120502']);
    // Runs whose format records hyperparameters (MLflow params): those that differ.
    expect(runLabels([
      { name: 'run-a', source: '/m/a', params: { lr: '0.1', epochs: '5' } },
      { name: 'run-b', source: '/m/b', params: { lr: '0.01', epochs: '5' } },
    ])).toEqual(['run-a lr=0.1', 'run-b lr=0.01']);
    // Two plain logs of the same name: their folders.
    expect(runLabels([
      { name: 'metrics.csv', source: '/ws/a/metrics.csv' },
      { name: 'metrics.csv', source: '/ws/b/metrics.csv' },
    ])).toEqual(['a/metrics.csv', 'b/metrics.csv']);
  });

  it('says how a recorded run ended', () => {
    expect(runOutcome(record([]))).toBe('finished');
    const at = '2026-12-07T12:00:05.000Z';
    expect(runOutcome(record([], { status: 'stopped', exitCode: null, stoppedBy: { by: 'finding', kind: 'non-finite', reason: '', finding: nanFinding, at } }))).toBe(
      'stopped: NaN at step 15',
    );
    expect(runOutcome(record([], { status: 'stopped', stoppedBy: { by: 'user', reason: '', at } }))).toBe('stopped by the user');
    expect(runOutcome(record([], { status: 'exited', exitCode: 1 }))).toBe('exit code 1');
    expect(runOutcome(record([], { status: 'failed', exitCode: undefined }), 'zh-cn')).toBe('失败');
  });

  it('says a stop as one sentence, in both languages', () => {
    expect(stopSentence(nanFinding)).toBe('Stopped at step 15: the loss became NaN. Try: lower the learning rate; clip the gradient norm');
    expect(stopSentence(nanFinding, 'zh-cn')).toBe('已在第 15 步停止：loss 变成了 NaN。可以尝试：Lower the learning rate；Clip the gradient norm');
  });

  it('finds the run folder of a log only through its run.json, and the script it ran', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-rec-'));
    fs.writeFileSync(path.join(dir, 'output.log'), 'step 1: loss 0.5\n');
    fs.writeFileSync(path.join(dir, 'other.log'), 'step 1: loss 0.5\n');
    expect(runRecordOf(path.join(dir, 'output.log'))).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record(['--lr', '0.5'])));
    expect(runRecordOf(path.join(dir, 'output.log'))?.record.args).toEqual(['train_example.py', '--lr', '0.5']);
    expect(runRecordOf(path.join(dir, 'other.log'))).toBeUndefined();
    expect(recordScript(record([]))).toBe(path.resolve('/ws/train_example.py'));
  });

  it('keeps the last lines of an error output', () => {
    const tb = ['Traceback (most recent call last):', '  File "t.py", line 1, in <module>', '    import torch', "ModuleNotFoundError: No module named 'torch'", ''];
    expect(lastLines(tb, 2)).toBe("    import torch ⏎ ModuleNotFoundError: No module named 'torch'");
  });
});
