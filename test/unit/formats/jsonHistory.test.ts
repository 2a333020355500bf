/**
 * One JSON document of per-epoch lists (Keras' `json.dump(history.history, f)` and the same
 * shape written by hand), or a list of per-epoch records: detection and reading, on two real
 * files (test/fixtures/json-history/SOURCES.tsv) and small inline documents.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/core/diagnose';
import { detectFormat } from '../../../src/core/formats/detect';
import type { Run } from '../../../src/core/model';
import { counts, parseFile, parseText, REPO_ROOT, steps, values } from '../../helpers';

const DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'json-history');
const detect = (text: string) => detectFormat(new TextEncoder().encode(text), 'history.json');
const run1 = (text: string): Run => parseText('json-history', text)[0];
const roles = (r: Run) => Object.fromEntries([...r.series].map(([k, s]) => [k, s.role]));

describe('JSON history documents', () => {
  it('are told from JSON lines, trainer_state.json and text', () => {
    expect(detect('{"loss": [0.5, 0.4], "val_loss": [0.6, 0.55]}')).toMatchObject({ ok: true, format: 'json-history' });
    expect(detect('{\n  "timestamp": "2026-04-18",\n  "train_loss": [\n    0.53,\n    0.49\n  ]\n}')).toMatchObject({ format: 'json-history' });
    expect(detect('[{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.4}]')).toMatchObject({ format: 'json-history' });
    // lines of JSON objects stay JSON lines, even when a value is a list
    expect(detect('{"step": 1, "loss": [0.5, 0.4]}\n{"step": 2, "loss": [0.4, 0.3]}\n')).toMatchObject({ format: 'jsonl' });
    expect(detect('{"log_history": [{"step": 1, "loss": 0.5}]}')).toMatchObject({ format: 'hf-trainer-state' });
    // a timestamped text log that starts with a bracket
    expect(detect('[2024-01-01 10:00:00] epoch 1 loss 0.5\n')).toMatchObject({ format: 'text' });
  });

  it('finds lists of per-epoch records under keys a few levels down: series named after the key', () => {
    // the shape of burginvenablevl128-sys/OpenImages-ResidualCNN's results/metrics.json: a
    // dataset summary, a label table, a table of the models' final scores, then per-model
    // records under "training_log"
    const doc = JSON.stringify(
      {
        dataset: { images: 75, classes: 12, class_counts: { '1': 6, '2': 8 } },
        labels: [{ index: 0, label_id: 'cat' }, { index: 1, label_id: 'dog' }],
        models: [{ name: 'MLP', accuracy: 0.2, macro_f1: 0.1 }, { name: 'CNN', accuracy: 0.5, macro_f1: 0.4 }],
        training_log: {
          'MLP(flatten pixels)': [
            { epoch: 1, loss: 3.4064297676086426, train_accuracy: 0.6037735849056604, val_accuracy: 0.3333333333333333 },
            { epoch: 2, loss: 1.4230769872665405, train_accuracy: 0.7924528301886793, val_accuracy: 0.08333333333333333 },
            { epoch: 3, loss: 0.61, train_accuracy: 0.9, val_accuracy: 0.1 },
          ],
          'CNN-local features': [
            { epoch: 1, loss: 2.4, train_accuracy: 0.3, val_accuracy: 0.25 },
            { epoch: 2, loss: 1.9, train_accuracy: 0.45, val_accuracy: 0.33 },
          ],
        },
      },
      null,
      2,
    );
    expect(detect(doc)).toMatchObject({ ok: true, format: 'json-history' });
    const r = run1(doc);
    expect(counts(r)).toEqual({
      'MLP(flatten pixels)/loss': 3,
      'MLP(flatten pixels)/train_accuracy': 3,
      'MLP(flatten pixels)/val_accuracy': 3,
      'CNN-local features/loss': 2,
      'CNN-local features/train_accuracy': 2,
      'CNN-local features/val_accuracy': 2,
    });
    expect(roles(r)['MLP(flatten pixels)/loss']).toBe('train_loss');
    expect(roles(r)['CNN-local features/val_accuracy']).toBe('val_acc');
    expect(values(r, 'MLP(flatten pixels)/loss')[1]).toBe(1.4230769872665405);
    expect(steps(r, 'CNN-local features/loss')).toEqual([1, 2]);
  });

  it('reads a one-line Keras history.history dump: epochs from 1', () => {
    const [r] = parseFile('json-history', path.join(DIR, 'covid-cnn', 'training_history.json'));
    expect(counts(r)).toEqual({ accuracy: 3, loss: 3, val_accuracy: 3, val_loss: 3 });
    expect(roles(r)).toEqual({ accuracy: 'train_acc', loss: 'train_loss', val_accuracy: 'val_acc', val_loss: 'val_loss' });
    expect(steps(r, 'val_loss')).toEqual([1, 2, 3]);
    expect(values(r, 'loss')[0]).toBe(0.3862505853176117);
    expect(r.meta.stepUnit).toBe('epoch');
  });

  it('reads a pretty-printed history beside settings: short lists and strings are left out, scalars are meta', () => {
    const [r] = parseFile('json-history', path.join(DIR, 'fer2013-efficientnet', 'training_history.json'));
    expect(counts(r)).toEqual({ train_loss: 90, train_acc: 90, val_loss: 90, val_acc: 90 });
    expect(r.meta.test_acc).toBe('77.6542402441683');
    expect(r.meta.backbone).toBe('EfficientNet-B0');
    // and the engine judges it like any other per-epoch log: no false alarm on a healthy run
    const fs_ = diagnose([r]).filter(f => f.severity !== 'info');
    expect(fs_.map(f => f.kind)).toEqual([]);
  });

  it('takes the x from an epoch list, reads NaN and null, and one level down', () => {
    const r = run1('{"history": {"epoch": [0, 1, 2], "loss": [1.0, NaN, 0.5], "val_loss": [1.1, null, 0.7]}}');
    expect(counts(r)).toEqual({ loss: 3, val_loss: 3 });
    expect(steps(r, 'loss')).toEqual([0, 1, 2]);
    expect(values(r, 'loss')).toEqual([1, NaN, 0.5]);
    expect(values(r, 'val_loss')).toEqual([1.1, NaN, 0.7]);
  });

  it('reads a list of per-epoch records, with their epoch key or their position', () => {
    const r = run1('[{"epoch": 5, "loss": 0.5, "name": "a"}, {"epoch": 6, "loss": 0.4, "val_loss": 0.45}]');
    expect(counts(r)).toEqual({ loss: 2, val_loss: 1 });
    expect(steps(r, 'loss')).toEqual([5, 6]);
    const r2 = run1('[{"loss": 0.5}, {"loss": 0.4}]');
    expect(steps(r2, 'loss')).toEqual([1, 2]);
  });

  it('says what is wrong with a broken or foreign document, and keeps nothing made up', () => {
    const bad = run1('{"loss": [0.5, 0.4');
    expect(bad.series.size).toBe(0);
    expect(bad.events.filter(e => e.type === 'malformed').map(e => e.message)).toEqual([expect.stringMatching(/invalid JSON/)]);
    // a configuration with a list of layer sizes is not a history
    const cfg = run1('{"hidden_sizes": [256, 128], "dropout": 0.1}');
    expect(cfg.series.size).toBe(0);
    expect(cfg.events.filter(e => e.type === 'malformed')).toHaveLength(1);
  });

  it('the real files are listed in SOURCES.tsv', () => {
    const listed = fs
      .readFileSync(path.join(DIR, 'SOURCES.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(l => l.trim())
      .map(l => l.split('\t')[0]);
    expect(listed.sort()).toEqual(['covid-cnn/training_history.json', 'fer2013-efficientnet/training_history.json']);
    for (const f of listed) expect(fs.existsSync(path.join(DIR, f))).toBe(true);
  });
});
