import * as fs from 'node:fs';
import * as path from 'node:path';
import CRC32 from 'crc-32';
import CRC32C from 'crc-32/crc32c';
import { describe, expect, it } from 'vitest';
import { crc32, crc32c, crc32cUpdate, crc32cView, maskedCrc32c, maskedCrc32cOfLength } from '../../../src/core/formats/crc32c';
import { ProtoReader, WIRE_I32, WIRE_LEN } from '../../../src/core/formats/proto';
import { TfEventsParser } from '../../../src/core/formats/tfevents';
import type { Run } from '../../../src/core/model';
import { counts, REAL, steps, values } from '../../helpers';
import { ProtoWriter } from '../../writers/proto';
import { encodeEvent, encodeEventRecord, frameRecord, writeScalarEvents, type ScalarPoint } from '../../writers/tfevents';

const TF = path.join(REAL, 'tfevents');

function parse(data: Uint8Array, chunk = 64 * 1024, source = 'mem'): Run {
  const p = new TfEventsParser({ source });
  for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk));
  p.end();
  return p.runs[0];
}

function parseChunks(data: Uint8Array, sizes: () => number): Run {
  const p = new TfEventsParser({ source: 'mem' });
  for (let i = 0; i < data.length; ) {
    const n = Math.max(1, sizes());
    p.push(data.subarray(i, i + n));
    i += n;
  }
  p.end();
  return p.runs[0];
}

function nanCounts(run: Run): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, s] of run.series) if (s.nonFinite) out[k] = s.nonFinite;
  return out;
}

/** Everything a run holds, for comparing two parses of the same bytes. */
function snapshot(run: Run) {
  return {
    series: [...run.series].map(([k, s]) => ({
      k,
      steps: Array.from(s.steps.view()),
      values: Array.from(s.values.view()),
      wall: s.wallTimes ? Array.from(s.wallTimes.view()) : [],
    })),
    events: run.events,
    meta: run.meta,
  };
}

/** Record start offsets, walking the framing by hand (length field only). */
function recordOffsets(data: Uint8Array): number[] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: number[] = [];
  for (let p = 0; p + 12 <= data.length; p += 16 + dv.getUint32(p, true)) out.push(p);
  return out;
}

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const r = lcg(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

const real = (rel: string) => new Uint8Array(fs.readFileSync(path.join(TF, rel)));

// -------------------------------------------------------------------------------------------
// Expected counts, worked out independently of this parser with a ~150-line stdlib-only Python
// reader (struct + zlib; its own CRC-32C table; generic protobuf field walker), run as
//   python3 indep.py $(find tfevents -type f)       (not committed)
// Its essence: for each TFRecord (both masked CRC-32Cs checked), walk Event fields; step =
// field 2 (0 if absent); for each Summary.value (field 5 -> 1): tag = field 1; a point when it
// has simple_value (field 2, '<f'), or a tensor (field 8) whose tag's first metadata plugin
// (field 9 -> 1 -> 1) is not histograms/text/hparams/images/graph_keras_model, with
// tensor_shape dims all of size 1 and DT_FLOAT tensor_content of 4 bytes (or float_val), or
// DT_DOUBLE 8 bytes. NaN counted with math.isnan. The MANIFEST notes agree where they give
// counts (yolov5 13 tags x 50; Magenta 5404/tag, 54579 values, 11875 records; Keras 20 pts,
// validation 80/80 NaN; Lightning 2020 1481 each; detectron2 APs NaN).
const DETECTRON2_TAGS = [
  'rank_data_time', 'data_time', 'total_loss', 'loss_ce', 'loss_mask', 'loss_dice',
  ...Array.from({ length: 9 }, (_, i) => [`loss_ce_${i}`, `loss_mask_${i}`, `loss_dice_${i}`]).flat(),
  'loss_mgm_entropy', 'lr', 'time', 'eta_seconds',
];
const AP = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl'];
const MAGENTA_TAGS = [
  'input_producer/fraction_of_32_full', 'batch/fraction_of_500_full', 'metrics/silence_accuracy',
  'metrics/perplexity', 'metrics/perplexity_per_step', 'metrics/duration_accuracy', 'loss',
  'metrics/velocity_accuracy', 'metrics/loss_per_step',
];
// the second file's first step logs them in another order
const MAGENTA_TAGS_2 = [
  'input_producer/fraction_of_32_full', 'batch/fraction_of_500_full', 'metrics/loss_per_step',
  'metrics/perplexity_per_step', 'metrics/silence_accuracy', 'metrics/velocity_accuracy',
  'metrics/duration_accuracy', 'loss', 'metrics/perplexity',
];
const YOLO_TAGS = [
  'train/box_loss', 'train/obj_loss', 'train/cls_loss', 'metrics/precision', 'metrics/recall',
  'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95', 'val/box_loss', 'val/obj_loss', 'val/cls_loss',
  'x/lr0', 'x/lr1', 'x/lr2',
];
const fill = (names: string[], n: number) => Object.fromEntries(names.map(k => [k, n]));

interface Expected {
  counts: Record<string, number>;
  nan?: Record<string, number>;
  /** [first, last] step of every series */
  stepRange?: Record<string, [number, number]>;
  events?: unknown[];
}

const EXPECTED: Record<string, Expected> = {
  'detectron2_mask2former/events.out.tfevents.1756567492.fuyx.3135203.0': {
    counts: { ...fill(DETECTRON2_TAGS, 200), ...fill(AP.map(a => `bbox/${a}`), 1), ...fill(AP.map(a => `segm/${a}`), 1) },
    nan: { 'bbox/APs': 1, 'segm/APs': 1 },
    stepRange: { total_loss: [19, 3999], 'bbox/AP': [4000, 4000] },
    events: [],
  },
  'empty/events.out.tfevents.1630851472.Saazs-Air.fios-router.home.17109.0': { counts: {}, events: [] },
  'keras_tf2_stockdata/train/events.out.tfevents.1644728510.huangyuan3hdeMacBook-Pro.local.73068.0.v2': {
    counts: { epoch_loss: 20, epoch_mae: 20 },
    stepRange: { epoch_loss: [0, 19] },
    events: [{ type: 'note', message: 'not scalars, skipped: 1 graph_keras_model, 540 histograms' }],
  },
  'keras_tf2_stockdata/train/events.out.tfevents.1644730326.huangyuan3hdeMacBook-Pro.local.73068.2.v2': {
    counts: { epoch_loss: 20, epoch_mae: 20 },
    stepRange: { epoch_mae: [0, 19] },
  },
  'keras_tf2_stockdata/validation/events.out.tfevents.1644728574.huangyuan3hdeMacBook-Pro.local.73068.1.v2': {
    counts: { evaluation_loss_vs_iterations: 20, evaluation_mae_vs_iterations: 20, epoch_loss: 20, epoch_mae: 20 },
    nan: { evaluation_loss_vs_iterations: 20, evaluation_mae_vs_iterations: 20, epoch_loss: 20, epoch_mae: 20 },
    stepRange: { evaluation_loss_vs_iterations: [1, 20], epoch_loss: [0, 19] },
    events: [],
  },
  'keras_tf2_stockdata/validation/events.out.tfevents.1644730378.huangyuan3hdeMacBook-Pro.local.73068.3.v2': {
    counts: { evaluation_loss_vs_iterations: 20, evaluation_mae_vs_iterations: 20, epoch_loss: 20, epoch_mae: 20 },
    nan: { evaluation_loss_vs_iterations: 20, evaluation_mae_vs_iterations: 20, epoch_loss: 20, epoch_mae: 20 },
    stepRange: { evaluation_mae_vs_iterations: [21, 40], epoch_mae: [0, 19] },
  },
  'lightning2020_testtube/events.out.tfevents.1580914074.Joon-Development.25652.0': {
    counts: { train_loss: 1481, epoch: 1481 },
    stepRange: { train_loss: [0, 1480] },
    events: [{ type: 'note', message: 'not scalars, skipped: 1 text' }],
  },
  'lightning_camels/events.out.tfevents.1740927185.2e70dc9cc425.45742.0': {
    counts: {
      hp_metric: 1, 'lr-Adam': 30, train_target_task_loss: 157, train_loss: 157, train_source_task_loss: 157,
      train_domain_loss: 157, epoch: 217, val_source_loss: 30, val_loss: 30, val_target_loss: 30,
      val_domain_acc: 30, lambda_adv: 30,
    },
    stepRange: { 'lr-Adam': [0, 7627], epoch: [49, 7889] },
    events: [{ type: 'note', message: 'not scalars, skipped: 3 hparams metadata-only values' }],
  },
  'tf1_magenta_tempo/events.out.tfevents.1526917399.hoppe-A550JK': {
    counts: { ...fill(MAGENTA_TAGS, 484), 'global_step/sec': 531 },
    stepRange: { loss: [128080, 132910], 'global_step/sec': [128090, 132910] },
    events: [],
  },
  'tf1_magenta_tempo/events.out.tfevents.1526920272.hoppe-A550JK': {
    counts: { ...fill(MAGENTA_TAGS_2, 5404), 'global_step/sec': 5943 },
    stepRange: { loss: [132863, 186893] },
    events: [
      {
        type: 'truncated',
        message: 'the last event record is incomplete (267 of 317 bytes): the file was cut off or is still being written',
        offset: 3916124,
      },
    ],
  },
  'yolov5_lego/events.out.tfevents.1655416124.33f6a3a27a4d.385.0': {
    counts: fill(YOLO_TAGS, 50),
    stepRange: { 'train/box_loss': [0, 49], 'x/lr2': [0, 49] },
    events: [{ type: 'note', message: 'not scalars, skipped: 6 images' }],
  },
};

describe('TfEventsParser on the real corpus', () => {
  for (const [rel, exp] of Object.entries(EXPECTED)) {
    it(`reads ${rel}`, () => {
      const run = parse(real(rel));
      expect(run.format).toBe('tfevents');
      expect(counts(run)).toEqual(exp.counts);
      expect(Object.keys(counts(run))).toEqual(Object.keys(exp.counts)); // order of first sight
      expect(nanCounts(run)).toEqual(exp.nan ?? {});
      for (const [k, [a, b]] of Object.entries(exp.stepRange ?? {})) {
        const s = run.series.get(k)!;
        expect([s.firstStep(), s.lastStep()]).toEqual([a, b]);
      }
      if (exp.events) expect(run.events).toEqual(exp.events);
      else expect(run.events.filter(e => e.type !== 'note')).toEqual([]);
      if (Object.keys(exp.counts).length) {
        expect(run.meta['tfevents.file_version']).toBe('brain.Event:2');
        // every point has a wall time in seconds (2018..2026)
        for (const s of run.series.values()) {
          const w = s.wallTimes!.view();
          expect(w.length).toBe(s.length);
          expect(Math.min(...w)).toBeGreaterThan(1.5e9);
          expect(Math.max(...w)).toBeLessThan(1.9e9);
        }
      }
    });
  }

  it('has a test for every file in the tfevents corpus folder', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else files.push(path.relative(TF, path.join(d, e.name)).split(path.sep).join('/'));
      }
    };
    walk(TF);
    const lfs = files.filter(f => f.startsWith('lfs_pointer/'));
    expect(lfs).toHaveLength(1);
    expect(files.filter(f => !f.startsWith('lfs_pointer/')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('reads the empty (40-byte) file as zero series, with its file_version', () => {
    const run = parse(real('empty/events.out.tfevents.1630851472.Saazs-Air.fios-router.home.17109.0'));
    expect(run.series.size).toBe(0);
    expect(run.meta['tfevents.file_version']).toBe('brain.Event:2');
  });

  it('reports a Git LFS pointer fed to it as a problem, without throwing, whatever the chunking', () => {
    const data = real('lfs_pointer/events.out.tfevents.1674944078.gpu07.cyverse.org.12415.0');
    for (const chunk of [1, 5, 12, 13, 1 << 16]) {
      const run = parse(data, chunk);
      expect(run.series.size).toBe(0);
      expect(run.events).toEqual([
        {
          type: 'malformed',
          message: 'this is a Git LFS pointer, not an event file: run `git lfs pull` to fetch the real file',
          offset: 0,
        },
      ]);
    }
  });

  it('keeps float32 NaN values as NaN (Keras validation, detectron2 APs)', () => {
    const run = parse(real('keras_tf2_stockdata/validation/events.out.tfevents.1644728574.huangyuan3hdeMacBook-Pro.local.73068.1.v2'));
    for (const s of run.series.values()) expect(Array.from(s.values.view()).every(Number.isNaN)).toBe(true);
    const d2 = parse(real('detectron2_mask2former/events.out.tfevents.1756567492.fuyx.3135203.0'));
    expect(values(d2, 'bbox/APs')).toEqual([NaN]);
    expect(Number.isFinite(values(d2, 'bbox/AP')[0])).toBe(true);
    expect(d2.meta['tfevents.writer']).toBe('tensorboard.summary.writer.event_file_writer'); // source_metadata
  });

  it('matches the same YOLOv5 run\'s results.csv: same 50 epochs, values to 5 significant digits', () => {
    const run = parse(real('yolov5_lego/events.out.tfevents.1655416124.33f6a3a27a4d.385.0'));
    const csv = fs.readFileSync(path.join(REAL, 'yolo_results_csv/yolov5_lego_results.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',').map(s => s.trim());
    const rows = csv.slice(1).map(l => l.split(',').map(Number));
    expect(rows).toHaveLength(50);
    const epochs = rows.map(r => r[0]);
    for (const tag of YOLO_TAGS) {
      const col = header.indexOf(tag);
      expect(col).toBeGreaterThan(0);
      expect(steps(run, tag)).toEqual(epochs);
      const tb = values(run, tag);
      rows.forEach((r, i) => {
        const want = r[col];
        expect(Math.abs(tb[i] - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-4 + 1e-12);
      });
    }
  });
});

describe('TfEventsParser streaming', () => {
  it('gives the same result fed one byte at a time (small real file)', () => {
    const data = real('keras_tf2_stockdata/validation/events.out.tfevents.1644730378.huangyuan3hdeMacBook-Pro.local.73068.3.v2');
    expect(snapshot(parse(data, 1))).toEqual(snapshot(parse(data)));
  });

  it('gives the same result for random chunk sizes (real files, incl. a truncated one)', () => {
    for (const rel of [
      'lightning_camels/events.out.tfevents.1740927185.2e70dc9cc425.45742.0',
      'yolov5_lego/events.out.tfevents.1655416124.33f6a3a27a4d.385.0',
      'tf1_magenta_tempo/events.out.tfevents.1526920272.hoppe-A550JK',
    ]) {
      const data = real(rel);
      const whole = snapshot(parse(data, data.length));
      const r = lcg(rel.length);
      expect(snapshot(parseChunks(data, () => Math.floor(r() * 3000)))).toEqual(whole);
      const r2 = lcg(7);
      expect(snapshot(parseChunks(data, () => (r2() < 0.5 ? 1 + Math.floor(r2() * 20) : Math.floor(r2() * 200_000))))).toEqual(whole);
    }
  });

  it('shows points as they arrive (live view) and keeps only the unconsumed tail', () => {
    const pts: ScalarPoint[] = Array.from({ length: 100 }, (_, i) => ({ tag: 'loss', step: i, value: 1 / (i + 1) }));
    const data = writeScalarEvents(pts);
    const offs = recordOffsets(data);
    const p = new TfEventsParser({ source: 'live' });
    p.push(data.subarray(0, offs[51] + 5)); // 50 points + 5 bytes of the 51st
    expect(p.runs[0].series.get('loss')!.length).toBe(50);
    expect((p as unknown as { tailLen: number }).tailLen).toBe(5);
    p.push(data.subarray(offs[51] + 5));
    p.end();
    expect(p.runs[0].series.get('loss')!.length).toBe(100);
    expect(p.runs[0].events).toEqual([]);
  });
});

describe('TfEventsParser damage', () => {
  const N = 200;
  const pts: ScalarPoint[] = Array.from({ length: N }, (_, i) => ({ tag: i % 2 ? 'val/loss' : 'train/loss', step: i >> 1, value: i }));
  const clean = writeScalarEvents(pts);
  const offs = recordOffsets(clean); // offs[0] = file_version record, offs[i + 1] = point i

  it('skips a record whose data fails its CRC, reports its offset once, reads the rest', () => {
    const data = clean.slice();
    const k = 37;
    data[offs[k + 1] + 12 + 5] ^= 0x20; // inside the Event payload
    for (const chunk of [1, 7, 1 << 16]) {
      const run = parse(data, chunk);
      expect(run.events).toEqual([
        {
          type: 'malformed',
          message: `event record at byte ${offs[k + 1]} failed its data CRC check (${offs[k + 2] - offs[k + 1] - 16} bytes): record skipped`,
          offset: offs[k + 1],
        },
      ]);
      expect(run.series.get('train/loss')!.length + run.series.get('val/loss')!.length).toBe(N - 1);
      expect(values(run, 'val/loss')).not.toContain(k);
      expect(values(run, 'val/loss')).toContain(k + 2);
    }
  });

  it('loses exactly the damaged record of a real file (data CRC and length CRC)', () => {
    const base = real('yolov5_lego/events.out.tfevents.1655416124.33f6a3a27a4d.385.0');
    const offs = recordOffsets(base);
    const total = (run: Run) => [...run.series.values()].reduce((n, s) => n + s.length, 0);
    const all = total(parse(base));
    const k = 200;
    const alone = total(parse(base.subarray(offs[k], offs[k + 1])));
    expect(alone).toBe(1);
    const dataFlip = base.slice();
    dataFlip[offs[k] + 20] ^= 0x80;
    const r1 = parse(dataFlip, 4096);
    expect(total(r1)).toBe(all - alone);
    expect(r1.events.filter(e => e.type === 'malformed')).toEqual([expect.objectContaining({ offset: offs[k] })]);
    const lenFlip = base.slice();
    lenFlip[offs[k] + 1] ^= 0x10;
    const r2 = parse(lenFlip, 4096);
    expect(total(r2)).toBe(all - alone);
    expect(r2.events.filter(e => e.type === 'malformed')).toEqual([expect.objectContaining({ offset: offs[k] })]);
  });

  it('resynchronises after a damaged length field, losing only that record', () => {
    const data = clean.slice();
    const k = 120;
    data[offs[k + 1]] ^= 0x01; // the length's low byte: header CRC no longer matches
    for (const chunk of [1, 3, 100, 1 << 16]) {
      const run = parse(data, chunk);
      expect(run.events).toEqual([
        {
          type: 'malformed',
          message: `bad record header at byte ${offs[k + 1]} (length CRC mismatch): framing lost, scanning for the next valid record`,
          offset: offs[k + 1],
        },
        {
          type: 'note',
          message: `event records found again at byte ${offs[k + 2]} (${offs[k + 2] - offs[k + 1]} bytes skipped after the damage at byte ${offs[k + 1]})`,
        },
      ]);
      expect(run.series.get('train/loss')!.length + run.series.get('val/loss')!.length).toBe(N - 1);
      expect(values(run, 'train/loss')).not.toContain(k);
      expect(values(run, 'train/loss')).toContain(k + 2);
    }
  });

  it('resynchronises after a block of garbage in the middle of a file', () => {
    const junk = randomBytes(5000, 3);
    const a = clean.subarray(0, offs[60]);
    const b = clean.subarray(offs[60]);
    const data = new Uint8Array(a.length + junk.length + b.length);
    data.set(a);
    data.set(junk, a.length);
    data.set(b, a.length + junk.length);
    const run = parse(data, 333);
    expect(run.series.get('train/loss')!.length + run.series.get('val/loss')!.length).toBe(N);
    expect(run.events[0]).toMatchObject({ type: 'malformed', offset: offs[60] });
    expect(run.events[1]).toMatchObject({ type: 'note', message: expect.stringContaining(`byte ${offs[60] + 5000} `) });
  });

  it('reports a truncated last record once, at end(), with its offset', () => {
    for (const cut of [3, 11, 12, 20]) {
      const k = 150;
      const data = clean.subarray(0, offs[k + 1] + cut);
      const run = parse(data, 64);
      expect(run.series.get('train/loss')!.length + run.series.get('val/loss')!.length).toBe(k);
      expect(run.events).toHaveLength(1);
      expect(run.events[0]).toMatchObject({ type: 'truncated', offset: offs[k + 1] });
    }
  });

  it('survives random garbage quickly, without throwing, and says so', () => {
    const data = randomBytes(2_000_000, 42);
    const t = performance.now();
    const run = parse(data, 65536);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(run.series.size).toBe(0);
    expect(run.events[0]).toMatchObject({ type: 'malformed', offset: 0 });
    expect(run.events.length).toBeLessThanOrEqual(3);
  });

  it('never throws on random mutations of a real file', () => {
    const base = real('lightning_camels/events.out.tfevents.1740927185.2e70dc9cc425.45742.0');
    const r = lcg(99);
    for (let trial = 0; trial < 30; trial++) {
      const data = base.slice();
      for (let j = 0; j < 5; j++) data[Math.floor(r() * data.length)] = Math.floor(r() * 256);
      const cut = r() < 0.3 ? Math.floor(r() * data.length) : data.length;
      expect(() => parse(data.subarray(0, cut), 1 + Math.floor(r() * 5000))).not.toThrow();
    }
  });

  it('skips a record too large to buffer as it streams by', () => {
    const big = encodeEventRecord({ wallTime: 1, step: 1, graphDef: new Uint8Array(300_000).fill(7) });
    const after = writeScalarEvents([{ tag: 'loss', step: 2, value: 0.5 }], { fileVersion: false });
    const data = new Uint8Array(big.length + after.length);
    data.set(big);
    data.set(after, big.length);
    for (const chunk of [1000, 1 << 20]) {
      const p = new TfEventsParser({ source: 'mem' });
      (p as unknown as { maxRecord: number }).maxRecord = 100_000;
      for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk));
      p.end();
      expect(counts(p.runs[0])).toEqual({ loss: 1 });
      expect(p.runs[0].events).toEqual([{ type: 'note', message: 'not scalars, skipped: 1 oversized records' }]);
      expect((p as unknown as { tail: Uint8Array }).tail.length).toBeLessThan(100_000);
    }
    // cut inside the oversized record: truncated, with the record's offset
    const p = new TfEventsParser({ source: 'mem' });
    (p as unknown as { maxRecord: number }).maxRecord = 100_000;
    p.push(big.subarray(0, 200_000));
    p.end();
    expect(p.runs[0].events[0]).toMatchObject({ type: 'truncated', offset: 0 });
  });
});

describe('TfEventsParser event decoding', () => {
  const f32 = (x: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return b;
  };
  const f64 = (x: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    return b;
  };
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };

  it('writeScalarEvents (fast writer) equals records built field by field', () => {
    const pts: ScalarPoint[] = [
      { tag: 'a', step: 0, value: 1.5 },
      { tag: 'b/ü', step: 300, value: -2 },
      { tag: 'a', step: 2 ** 27, value: NaN, wallTime: 12.25 },
    ];
    for (const style of ['simple', 'tensor'] as const) {
      const seen = new Set<string>();
      const byHand = cat(
        encodeEventRecord({ wallTime: 1.7e9, fileVersion: 'brain.Event:2' }),
        ...pts.map(p => {
          const first = !seen.has(p.tag);
          seen.add(p.tag);
          return encodeEventRecord({
            wallTime: p.wallTime ?? 1.7e9 + p.step,
            step: p.step,
            values: [
              style === 'simple'
                ? { tag: p.tag, simpleValue: p.value }
                : { tag: p.tag, tensor: { dtype: 1, content: f32(p.value) }, plugin: first ? 'scalars' : undefined },
            ],
          });
        }),
      );
      expect(writeScalarEvents(pts, { style })).toEqual(byHand);
      const run = parse(byHand);
      expect(steps(run, 'a')).toEqual([0, 2 ** 27]);
      expect(values(run, 'a')).toEqual([1.5, NaN]);
      expect(values(run, 'b/ü')).toEqual([-2]);
      expect(Array.from(run.series.get('a')!.wallTimes!.view())).toEqual([1.7e9, 12.25]);
    }
  });

  it('frames records with the masked CRC-32C from the spec example', () => {
    // formats.md §1.2: the 40-byte file's header is 18 00 00 00 00 00 00 00 a3 7f 4b 22
    const rec = frameRecord(new Uint8Array(24));
    expect(Array.from(rec.subarray(0, 12))).toEqual([0x18, 0, 0, 0, 0, 0, 0, 0, 0xa3, 0x7f, 0x4b, 0x22]);
    const empty = real('empty/events.out.tfevents.1630851472.Saazs-Air.fios-router.home.17109.0');
    expect(frameRecord(empty.subarray(12, 36))).toEqual(empty);
  });

  it('reads TF2 / PyTorch new-style tensors of every scalar dtype, packed and unpacked', () => {
    const half = (x: number) => {
      // 1.5 = 0x3e00, -2 = 0xc000
      return x === 1.5 ? 0x3e00 : 0xc000;
    };
    const records = [
      { tag: 'f_content', tensor: { dtype: 1, content: f32(0.25) } },
      { tag: 'f_packed', tensor: { dtype: 1, floatVal: [0.5] } },
      { tag: 'f_unpacked', tensor: { dtype: 1, floatVal: [0.75], unpacked: true } },
      { tag: 'd_content', tensor: { dtype: 2, content: f64(1 / 3) } },
      { tag: 'd_packed', tensor: { dtype: 2, doubleVal: [2 / 3] } },
      { tag: 'd_unpacked', tensor: { dtype: 2, doubleVal: [1e300], unpacked: true } },
      { tag: 'half_content', tensor: { dtype: 19, content: new Uint8Array([0x00, 0x3e]) } },
      { tag: 'half_val', tensor: { dtype: 19, halfVal: [half(-2)] } },
      { tag: 'bf16_content', tensor: { dtype: 14, content: new Uint8Array([0xc0, 0x3f]) } }, // 1.5
      { tag: 'i32', tensor: { dtype: 3, intVal: [-7] } },
      { tag: 'i64_content', tensor: { dtype: 9, content: new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0]) } },
      { tag: 'shape_1x1', tensor: { dtype: 1, content: f32(9), shape: [1, 1] } },
      // not scalars:
      { tag: 'hist', tensor: { dtype: 2, doubleVal: [1, 2, 3, 4, 5, 6], shape: [2, 3] } },
      { tag: 'vec', tensor: { dtype: 1, floatVal: [1, 2], shape: [2] } },
      { tag: 'str', tensor: { dtype: 7, stringVal: ['hello'] } },
      { tag: 'text_plugin', tensor: { dtype: 1, content: f32(1) }, plugin: 'text' },
      { tag: 'bad_len', tensor: { dtype: 1, content: new Uint8Array(3) } },
    ];
    const data = cat(...records.map((v, i) => encodeEventRecord({ wallTime: 100 + i, step: 3, values: [v] })));
    const run = parse(data);
    expect(Object.fromEntries([...run.series].map(([k, s]) => [k, s.values.get(0)]))).toEqual({
      f_content: 0.25,
      f_packed: 0.5,
      f_unpacked: 0.75,
      d_content: 1 / 3,
      d_packed: 2 / 3,
      d_unpacked: 1e300,
      half_content: 1.5,
      half_val: -2,
      bf16_content: 1.5,
      i32: -7,
      i64_content: 5,
      shape_1x1: 9,
    });
    expect(run.events).toEqual([
      {
        type: 'note',
        message: 'not scalars, skipped: 2 non-scalar tensors, 1 string tensors, 1 text, 1 tensors of dtype 1',
      },
    ]);
  });

  it("remembers a tag's plugin from its first value (metadata only on the first)", () => {
    const data = cat(
      encodeEventRecord({ step: 1, values: [{ tag: 'h', tensor: { dtype: 1, content: f32(1) }, plugin: 'histograms' }] }),
      encodeEventRecord({ step: 2, values: [{ tag: 'h', tensor: { dtype: 1, content: f32(2) } }] }),
      encodeEventRecord({ step: 1, values: [{ tag: 's', tensor: { dtype: 1, content: f32(1) }, plugin: 'scalars' }] }),
      // a later value claiming another plugin does not change the tag
      encodeEventRecord({ step: 2, values: [{ tag: 's', tensor: { dtype: 1, content: f32(2) }, plugin: 'text' }] }),
      encodeEventRecord({ step: 1, values: [{ tag: 'blob', tensor: { dtype: 1, content: f32(1) }, dataClass: 3 }] }),
      encodeEventRecord({ step: 1, values: [{ tag: 'hp', plugin: 'hparams' }] }),
      encodeEventRecord({ step: 1, values: [{ tag: 'img', image: true }] }),
    );
    const run = parse(data);
    expect(counts(run)).toEqual({ s: 2 });
    expect(run.events[0]).toEqual({
      type: 'note',
      message: 'not scalars, skipped: 2 histograms, 1 non-scalar tensors, 1 hparams metadata-only values, 1 images',
    });
  });

  it('reads events with several values, absent steps, negative and huge steps, and odd field order', () => {
    const w = new ProtoWriter();
    // summary first, then step, then wall_time, plus unknown fields of every wire type
    w.message(5, s => s.message(1, v => v.string(1, 'odd').float(2, 4)));
    w.varint(2, 2 ** 40);
    w.double(1, 55.5);
    w.varint(99, 1).double(98, 1).float(97, 1).string(96, 'x');
    const data = cat(
      encodeEventRecord({ wallTime: 1, values: [{ tag: 'a', simpleValue: 1 }, { tag: 'b', simpleValue: 2 }] }),
      encodeEventRecord({ wallTime: 2, step: -5, values: [{ tag: 'a', simpleValue: 3 }] }),
      frameRecord(w.finish()),
    );
    const run = parse(data);
    expect(steps(run, 'a')).toEqual([0, -5]);
    expect(steps(run, 'b')).toEqual([0]);
    expect(steps(run, 'odd')).toEqual([2 ** 40]);
    expect(values(run, 'odd')).toEqual([4]);
    expect(run.series.get('odd')!.wallTimes!.get(0)).toBe(55.5);
    expect(run.events).toEqual([{ type: 'restart', series: 'a', fromStep: 0, toStep: -5, offset: expect.any(Number) }]);
  });

  it('reports one restart per backward jump of the event step (not one per series)', () => {
    const pts: ScalarPoint[] = [];
    for (let s = 0; s < 10; s++) for (const tag of ['a', 'b', 'c']) pts.push({ tag, step: s, value: s });
    for (let s = 5; s < 8; s++) for (const tag of ['a', 'b', 'c']) pts.push({ tag, step: s, value: s });
    for (let s = 2; s < 4; s++) for (const tag of ['a', 'b', 'c']) pts.push({ tag, step: s, value: s });
    const data = writeScalarEvents(pts);
    const offs = recordOffsets(data);
    const run = parse(data);
    expect(run.events).toEqual([
      { type: 'restart', series: 'a', fromStep: 9, toStep: 5, offset: offs[31] },
      { type: 'restart', series: 'a', fromStep: 7, toStep: 2, offset: offs[40] },
    ]);
    expect(run.series.get('b')!.restarts).toBe(2);
    // Keras-style interleaving (epoch_* at 0..19, evaluation_* at 1..20) is not a restart
    const keras = parse(real('keras_tf2_stockdata/validation/events.out.tfevents.1644728574.huangyuan3hdeMacBook-Pro.local.73068.1.v2'));
    expect(keras.events.filter(e => e.type === 'restart')).toEqual([]);
  });

  it('notes a second SessionLog START', () => {
    const data = cat(
      encodeEventRecord({ wallTime: 1, step: 0, sessionLog: 1 }),
      encodeEventRecord({ wallTime: 2, step: 10, values: [{ tag: 'x', simpleValue: 1 }] }),
      encodeEventRecord({ wallTime: 3, step: 10, sessionLog: 3 }),
      encodeEventRecord({ wallTime: 4, step: 5, sessionLog: 1 }),
    );
    const run = parse(data);
    expect(run.events).toEqual([
      {
        type: 'note',
        message: `SessionLog START at step 5 (byte ${recordOffsets(data)[3]}): the writer restarted; TensorBoard hides earlier points with step >= 5`,
      },
    ]);
  });

  it('reports an Event that is not a valid protobuf (valid CRCs)', () => {
    const run = parse(cat(frameRecord(new Uint8Array([0x0a, 0x05, 0x01])), writeScalarEvents([{ tag: 'x', step: 1, value: 1 }], { fileVersion: false })));
    expect(counts(run)).toEqual({ x: 1 });
    expect(run.events).toEqual([
      { type: 'malformed', message: 'event record at byte 0 is not a valid Event protobuf: skipped', offset: 0 },
    ]);
  });

  it('decodes an Event by hand consistently with encodeEvent', () => {
    const ev = encodeEvent({ wallTime: 3.5, step: 7, values: [{ tag: 't', simpleValue: 0.5 }] });
    const r = new ProtoReader().reset(ev);
    const seen: number[] = [];
    while (r.next()) {
      seen.push(r.field);
      r.skip();
    }
    expect(seen).toEqual([1, 2, 5]);
    expect(r.error).toBe(false);
  });
});

describe('protobuf reader', () => {
  it('reads varints of 1..10 bytes, and negative int64', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 + 5, 2 ** 35 + 1, 2 ** 49 + 3, 2 ** 53 - 1, -1, -2, -300, -(2 ** 40)]) {
      const w = new ProtoWriter().varint(2, v);
      const r = new ProtoReader().reset(w.finish());
      expect(r.next()).toBe(true);
      expect(r.field).toBe(2);
      expect(r.int64()).toBe(v);
      expect(r.next()).toBe(false);
      expect(r.error).toBe(false);
    }
  });

  it('never reads past the end: every truncation of a message stops with an error', () => {
    const msg = new ProtoWriter()
      .varint(1, 2 ** 40)
      .double(2, 1.5)
      .float(3, 2.5)
      .string(4, 'hello')
      .message(5, m => m.varint(1, 7))
      .finish();
    for (let n = 0; n < msg.length; n++) {
      // a copy in a larger buffer, so reading past `end` would find plausible bytes
      const buf = new Uint8Array(msg.length + 16).fill(0x08);
      buf.set(msg);
      const r = new ProtoReader().reset(buf, 0, n);
      let fields = 0;
      while (r.next()) {
        fields++;
        r.skip();
        expect(r.pos).toBeLessThanOrEqual(n);
      }
      expect(r.pos).toBeLessThanOrEqual(n);
      // a cut at a field boundary is a valid shorter message; anywhere else is an error
      const boundaries = [0, 7, 16, 21, 28, 32];
      expect(r.error).toBe(!boundaries.includes(n));
      expect(fields).toBeLessThanOrEqual(5);
    }
  });

  it('skips unknown fields of every wire type, including groups, and rejects bad wire types', () => {
    const w = new ProtoWriter();
    w.varint(10, 5).double(11, 1).float(12, 1).string(13, 'abc');
    w.key(14, 3).varint(1, 1).key(14, 4); // group
    w.varint(1, 42);
    const r = new ProtoReader().reset(w.finish());
    let got = -1;
    while (r.next()) {
      if (r.field === 1) got = r.uint();
      else r.skip();
    }
    expect(r.error).toBe(false);
    expect(got).toBe(42);
    const bad = new ProtoReader().reset(new Uint8Array([0x0e, 0x00])); // wire type 6
    expect(bad.next()).toBe(false);
    expect(bad.error).toBe(true);
  });

  it('reads packed and unpacked repeated floats and doubles; a wrong wire type is skipped', () => {
    const packed = new Uint8Array(12);
    const dv = new DataView(packed.buffer);
    [1.5, -2, 3.25].forEach((x, i) => dv.setFloat32(i * 4, x, true));
    const w = new ProtoWriter().bytes(5, packed).float(5, 4.5).double(6, 0.1).varint(5, 9).string(6, '');
    const r = new ProtoReader().reset(w.finish());
    const fs_: number[] = [];
    const ds: number[] = [];
    while (r.next()) {
      if (r.field === 5) r.floats(x => fs_.push(x));
      else if (r.field === 6) r.doubles(x => ds.push(x));
    }
    expect(fs_).toEqual([1.5, -2, 3.25, 4.5]);
    expect(ds).toEqual([0.1]);
    expect(r.wrongType).toBe(true);
    expect(r.error).toBe(false);
    const g = new ProtoReader().reset(new ProtoWriter().string(1, 'x').finish());
    g.next();
    expect(g.double()).toBeNaN();
    expect(g.wrongType).toBe(true);
    expect(g.next()).toBe(false);
    expect(g.error).toBe(false);
    expect(WIRE_I32).toBe(5);
    expect(WIRE_LEN).toBe(2);
  });
});

describe('CRC', () => {
  it('crc32c (slicing-by-8, byte and word loops) equals the crc-32 package on random data', () => {
    const r = lcg(5);
    const big = randomBytes(70_000, 11);
    const bigDv = new DataView(big.buffer, big.byteOffset, big.byteLength);
    for (let t = 0; t < 300; t++) {
      const start = Math.floor(r() * 5000);
      const len = t < 100 ? t : Math.floor(r() * 60_000);
      const end = Math.min(big.length, start + len);
      expect(crc32c(big, start, end)).toBe(CRC32C.buf(big.subarray(start, end)) >>> 0);
      expect(crc32cView(big, bigDv, start, end)).toBe(CRC32C.buf(big.subarray(start, end)) >>> 0);
      expect(crc32(big, start, end)).toBe(CRC32.buf(big.subarray(start, end)) >>> 0);
      // an unaligned view of the same bytes
      const view = big.subarray(start, end);
      expect(crc32c(view)).toBe(CRC32C.buf(view) >>> 0);
    }
    // continuation
    const mid = 33_333;
    expect(crc32cUpdate(crc32c(big, 0, mid), big, mid)).toBe(crc32c(big));
    expect(crc32(big, mid, big.length, crc32(big, 0, mid))).toBe(crc32(big));
    // the check values
    const check = new TextEncoder().encode('123456789');
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc32(check)).toBe(0xcbf43926);
    expect(maskedCrc32c(new Uint8Array([0x18, 0, 0, 0, 0, 0, 0, 0]))).toBe(0x224b7fa3);
    // the header shortcut (CRC of an 8-byte length from its two halves)
    for (let t = 0; t < 200; t++) {
      const lo = Math.floor(r() * 2 ** 32);
      const hi = t % 2 ? 0 : Math.floor(r() * 2 ** 32);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, lo, true);
      new DataView(b.buffer).setUint32(4, hi, true);
      expect(maskedCrc32cOfLength(lo, hi)).toBe(maskedCrc32c(b));
    }
  });

  it('is fast enough not to be the bottleneck (lenient: shared CI machines)', () => {
    const data = randomBytes(8_000_000, 1);
    let best = 0;
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      crc32c(data);
      best = Math.max(best, 8 / ((performance.now() - t) / 1000));
    }
    // Measured 400-850 MB/s on an idle 2-core VM (the crc-32 package: 220-570 MB/s).
    expect(best).toBeGreaterThan(50);
  });
});

describe('TfEventsParser throughput', () => {
  it('parses generated simple_value scalars at a useful speed (lenient bound; see the report)', () => {
    const tags = ['train/loss', 'train/lr', 'val/loss', 'metrics/accuracy', 'train/grad_norm'];
    const pts = function* (n: number): Generator<ScalarPoint> {
      for (let i = 0; i < n; i++) yield { tag: tags[i % 5], step: Math.floor(i / 5), value: Math.sin(i) };
    };
    const n = 200_000;
    const data = writeScalarEvents(pts(n));
    let best = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t = performance.now();
      const run = parse(data, 64 * 1024);
      best = Math.max(best, data.length / 1e6 / ((performance.now() - t) / 1000));
      expect(run.series.get('train/loss')!.length).toBe(n / 5);
    }
    // ~10 MB here; the 100 MB benchmark is in the report. Keep the bound loose for noisy CI.
    expect(best).toBeGreaterThan(10);
  });
});
