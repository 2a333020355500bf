/**
 * Property-based fuzzing of every parser: random bytes, random text made of log-like tokens,
 * and mutated real fixtures (bytes flipped, cut, duplicated), pushed in random chunk sizes.
 * No input may make a parser throw or take over a second.
 */
import * as fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParser, type StreamFormat } from '../../src/core/formats';
import { detectFormat } from '../../src/core/formats/detect';
import { real } from '../helpers';

const FORMATS: StreamFormat[] = ['text', 'csv', 'jsonl', 'hf-trainer-state', 'tfevents', 'wandb'];
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

function feed(format: StreamFormat, data: Uint8Array, cuts: number[]): number {
  const t0 = performance.now();
  const p = createParser(format, { source: 'fuzz' });
  let at = 0;
  for (const c of cuts) {
    const next = Math.min(data.length, at + c);
    p.push(data.subarray(at, next));
    at = next;
    if (at >= data.length) break;
  }
  if (at < data.length) p.push(data.subarray(at));
  p.end();
  // Touch the result the way consumers do.
  for (const run of p.runs) for (const s of run.series.values()) s.values.view();
  return performance.now() - t0;
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 20 });

const TOKENS = [
  'Epoch', ' 3', ':', ' Train Loss = ', '0.1234', ', ', 'Val Loss = ', 'nan', 'inf', '-inf', 'NaN',
  'Infinity', '\n', '\r\n', '\r', '\b', '\x1b[1m', '\x1b[0m', '{', '}', '"loss"', ': ', "'loss'",
  ',', 'step', 'iter', '=', '|', ' - ', 'loss: ', '128/128', '[====>....]', 'NA', '""', '"',
  'train_inner | ', '{"epoch": 1, "loss": "16.4"}', 'step:5/100 val_loss:3.2', '1e308', '-',
  '\u0000', '\uFFFD', '损失', '\t', '[', ']', 'log_history', 'iteration', '1e-400',
];
const logText = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 400 })
  .map(parts => new TextEncoder().encode(parts.join('')));

describe('fuzz: no parser throws or hangs', () => {
  for (const format of FORMATS) {
    it(`${format}: random bytes in random chunks`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 20_000 }), chunkSizes, (data, cuts) => {
          expect(feed(format, data, cuts)).toBeLessThan(1000);
        }),
        { numRuns: RUNS, seed: 42 },
      );
    });
    it(`${format}: log-like token soup in random chunks`, () => {
      fc.assert(
        fc.property(logText, chunkSizes, (data, cuts) => {
          expect(feed(format, data, cuts)).toBeLessThan(1000);
        }),
        { numRuns: RUNS, seed: 7 },
      );
    });
  }

  it('detectFormat never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.string(), (data, name) => {
        detectFormat(data, name);
      }),
      { numRuns: RUNS * 3, seed: 1 },
    );
  });
});

const MUTATE: Array<[string, StreamFormat]> = [
  ['tfevents/lightning_camels/events.out.tfevents.1740927185.2e70dc9cc425.45742.0', 'tfevents'],
  ['tfevents/keras_tf2_stockdata/validation/events.out.tfevents.1644728574.huangyuan3hdeMacBook-Pro.local.73068.1.v2', 'tfevents'],
  ['wandb/run-20210905_101956-t6lkqcux/run-t6lkqcux.wandb', 'wandb'],
  ['hf_trainer_state/jaong_cpt_trainer_state.json', 'hf-trainer-state'],
  ['lightning_csv/opal_version_0_metrics.csv', 'csv'],
  ['yolo_results_csv/yolov10_results.csv', 'csv'],
  ['detectron2_metrics_json/gdp_objdetect_metrics.json', 'jsonl'],
  ['mmengine_scalars_json/kvchiu_mmseg_iter_based_scalars.json', 'jsonl'],
  ['stdout/custom_epoch_pipe_training.log', 'text'],
  ['stdout/jaong_cpt_cmd.txt', 'text'],
  ['fairseq_log/big_run.run1_train.log', 'text'],
];

describe('fuzz: mutated real fixtures', () => {
  for (const [rel, format] of MUTATE) {
    const original = new Uint8Array(fs.readFileSync(real(rel)));
    it(`${rel} with flipped, cut and duplicated bytes`, () => {
      const mutation = fc.record({
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 12 }),
        cut: fc.option(fc.nat()),
        dup: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 300 }))),
      });
      fc.assert(
        fc.property(mutation, chunkSizes, (m, cuts) => {
          let data = original.slice();
          for (const [pos, x] of m.flips) data[pos % data.length] ^= x;
          if (m.dup) {
            const at = m.dup[0] % data.length;
            const piece = data.subarray(at, at + m.dup[1]);
            const merged = new Uint8Array(data.length + piece.length);
            merged.set(data.subarray(0, at + piece.length));
            merged.set(piece, at + piece.length);
            merged.set(data.subarray(at + piece.length), at + 2 * piece.length);
            data = merged;
          }
          if (m.cut !== null) data = data.subarray(0, m.cut % (data.length + 1));
          expect(feed(format, data, cuts)).toBeLessThan(1000);
        }),
        { numRuns: Math.max(30, Math.floor(RUNS / 3)), seed: 99 },
      );
    });
  }
});
