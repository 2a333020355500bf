import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/core/formats/detect';
import type { Run } from '../../../src/core/model';
import { counts, parseBytes, parseFile, parseText, real, steps, values } from '../../helpers';

const run1 = (text: string, chunk = 7): Run => parseText('jsonl', text, chunk)[0];
const lines = (r: Run, name: string): number[] => Array.from(r.series.get(name)?.lines?.view() ?? []);
const walls = (r: Run, name: string): number[] => Array.from(r.series.get(name)?.wallTimes?.view() ?? []);
const malformed = (r: Run) => r.events.filter(e => e.type === 'malformed');
const restarts = (r: Run) => r.events.filter(e => e.type === 'restart');
const notes = (r: Run) => r.events.filter(e => e.type === 'note');
const total = (r: Run) => [...r.series.values()].reduce((n, s) => n + s.length, 0);

describe('JSON lines: shapes (inline, fed 7 bytes at a time)', () => {
  const cases: [string, string, Record<string, number>, Record<string, number[]>][] = [
    [
      'generic: step key, every numeric key a series',
      '{"step": 1, "loss": 0.5, "acc": 0.1}\n{"step": 2, "loss": 0.4}\n',
      { loss: 2, acc: 1 },
      { loss: [1, 2], acc: [1] },
    ],
    [
      'Detectron2: iteration is the step; time (seconds per iteration) stays a series',
      '{"data_time": 0.01, "iteration": 19, "lr": 0.0001, "time": 0.43, "total_loss": 1.5}\n{"iteration": 39, "time": 0.44, "total_loss": 1.2}\n',
      { data_time: 1, lr: 1, time: 2, total_loss: 2 },
      { total_loss: [19, 39], time: [19, 39] },
    ],
    [
      'Detectron2 eval lines: bare NaN / Infinity / -Infinity tokens, per-class keys with spaces',
      '{"bbox/AP": 1.5, "bbox/AP-baby bed": NaN, "bbox/APs": Infinity, "x": -Infinity, "iteration": 99}\n',
      { 'bbox/AP': 1, 'bbox/AP-baby bed': 1, 'bbox/APs': 1, x: 1 },
      { 'bbox/AP-baby bed': [99] },
    ],
    [
      'NaN inside a string is not a token',
      '{"iteration": 1, "name": "NaN Infinity", "v": NaN}\n',
      { v: 1 },
      { v: [1] },
    ],
    [
      'fairseq-style string numbers are numbers; other strings, booleans, null are not',
      '{"epoch": 1, "num_updates": "25", "loss": "16.464", "ppl": "90380.9", "lr": "1.25e-05", "gnorm": "nan", "tag": "train", "ok": true, "z": null}\n',
      { epoch: 1, loss: 1, ppl: 1, lr: 1, gnorm: 1 },
      { loss: [25] },
    ],
    [
      'nested objects are flattened with "/"; arrays and W&B media objects are not series',
      '{"_step": 3, "a": {"b": 1, "c": {"d": 2}}, "hist": [1, 2], "img": {"_type": "image-file", "width": 64}}\n',
      { 'a/b': 1, 'a/c/d': 1 },
      { 'a/c/d': [3] },
    ],
    [
      'W&B legacy history: _step is the step, _runtime/_timestamp are not series, sparse keys',
      '{"episodic_reward": 180.0, "_runtime": 4.98, "_timestamp": 1582070918.2388577, "_step": 0}\n{"avg": 136.6, "_runtime": 4.99, "_timestamp": 1582070918.2473204, "_step": 1}\n',
      { episodic_reward: 1, avg: 1 },
      { avg: [1] },
    ],
    [
      'no step key anywhere: the 0-based record index is the step',
      '{"loss": 1}\n\n{"loss": 2}\n{"loss": 3}\n',
      { loss: 3 },
      { loss: [0, 1, 2] },
    ],
    [
      'a record without the step key (once one was seen) uses the last step',
      '{"step": 5, "loss": 1}\n{"summary": 9}\n{"step": 6, "loss": 2}\n',
      { loss: 2, summary: 1 },
      { summary: [5] },
    ],
    [
      'step preference: _step > step > global_step > iteration > num_updates > iter > epoch',
      '{"epoch": 2, "iter": 7, "global_step": 70, "loss": 1}\n{"epoch": 3, "loss": 2}\n',
      { epoch: 1, iter: 1, loss: 2 },
      { loss: [70, 3] },
    ],
    [
      'CRLF line ends and blank lines',
      '{"step": 1, "loss": 1}\r\n\r\n  \r\n{"step": 2, "loss": 2}\r\n',
      { loss: 2 },
      { loss: [1, 2] },
    ],
    [
      'a text prefix before the object (fairseq json log format) is skipped, with a note',
      '2020-12-10 12:21:56 | INFO | train_inner | {"epoch": 1, "num_updates": "25", "loss": "16.464"}\n',
      { epoch: 1, loss: 1 },
      { loss: [25] },
    ],
  ];
  it.each(cases)('%s', (_name, text, expected, expectedSteps) => {
    const r = run1(text);
    expect(counts(r)).toEqual(expected);
    for (const [k, st] of Object.entries(expectedSteps)) expect(steps(r, k)).toEqual(st);
    expect(malformed(r)).toEqual([]);
  });

  it('keeps NaN / +-Infinity values and counts them as non-finite', () => {
    const r = run1('{"iteration": 1, "v": NaN}\n{"iteration": 2, "v": -Infinity}\n{"iteration": 3, "v": 1e400}\n{"iteration": 4, "v": "inf"}\n');
    expect(values(r, 'v')).toEqual([NaN, -Infinity, Infinity, Infinity]);
    expect(r.series.get('v')!.nonFinite).toBe(4);
  });

  it('points carry the 1-based line of their record', () => {
    const r = run1('\n{"step": 1, "a": 1}\n\n{"step": 2, "a": 2}\n');
    expect(lines(r, 'a')).toEqual([2, 4]);
  });

  it.each<[string, string, number[] | null, string[]]>([
    ['_timestamp (seconds) is the wall time', '{"_step": 0, "a": 1, "_timestamp": 1582070918.5}\n', [1582070918.5], ['a']],
    ['timestamp in milliseconds is converted', '{"step": 0, "a": 1, "timestamp": 1700000000123}\n', [1700000000.123], ['a']],
    ['time in epoch seconds is the wall time', '{"step": 0, "a": 1, "time": 1700000000.5}\n', [1700000000.5], ['a']],
    ['detectron2 time (seconds per iteration) is not', '{"iteration": 0, "a": 1, "time": 0.43}\n', null, ['a', 'time']],
  ])('%s', (_n, text, wall, series) => {
    const r = run1(text);
    expect([...r.series.keys()]).toEqual(series);
    if (wall) expect(walls(r, 'a')).toEqual(wall);
    else expect(r.series.get('a')!.wallTimes).toBeUndefined();
  });
});

describe('JSON lines: restarts and MMEngine steps', () => {
  it('Detectron2 restart: iteration going back is one restart event per jump (not per series)', () => {
    const r = run1(
      '{"iteration": 19, "a": 1, "b": 2}\n{"iteration": 39, "a": 1, "b": 2}\n{"iteration": 39, "bbox/AP": 3}\n' +
        '{"iteration": 19, "a": 1, "b": 2}\n{"iteration": 39, "a": 1}\n{"iteration": 19, "b": 1}\n',
    );
    expect(restarts(r)).toEqual([
      { type: 'restart', series: 'a', fromStep: 39, toStep: 19, line: 4 },
      { type: 'restart', series: 'b', fromStep: 39, toStep: 19, line: 6 },
    ]);
  });

  it('MMEngine EpochBasedTrainLoop: val lines (step = epoch) go to the last train step of that epoch', () => {
    const text =
      '{"lr": 0.1, "loss": 0.5, "time": 1.0, "epoch": 1, "memory": 100, "step": 1}\n' +
      '{"lr": 0.1, "loss": 0.4, "time": 1.0, "epoch": 1, "memory": 100, "step": 2}\n' +
      '{"coco/bbox_mAP": 0.1, "coco/bbox_mAP_s": -1.0, "data_time": 0.5, "time": 1.1, "step": 1}\n' +
      '{"lr": 0.1, "loss": 0.3, "time": 1.0, "epoch": 2, "memory": 100, "step": 3}\n' +
      '{"lr": 0.1, "loss": 0.2, "time": 1.0, "epoch": 2, "memory": 100, "step": 4}\n' +
      '{"coco/bbox_mAP": 0.2, "coco/bbox_mAP_s": -1.0, "data_time": 0.5, "time": 1.1, "step": 2}\n';
    const r = run1(text);
    expect(steps(r, 'coco/bbox_mAP')).toEqual([2, 4]);
    expect(values(r, 'coco/bbox_mAP_s')).toEqual([-1, -1]); // COCO "not applicable" sentinel kept
    expect(steps(r, 'epoch')).toEqual([1, 2, 3, 4]);
    expect(restarts(r)).toEqual([]);
    expect(notes(r)).toHaveLength(1);
    expect(notes(r)[0]).toMatchObject({ message: expect.stringContaining('2 validation line(s)') });
  });

  it('MMEngine IterBasedTrainLoop (train lines without epoch): val step is already an iteration', () => {
    const r = run1('{"loss": 1, "iter": 50, "step": 50}\n{"loss": 1, "iter": 100, "step": 100}\n{"mIoU": 40.1, "step": 100}\n');
    expect(steps(r, 'mIoU')).toEqual([100]);
    expect(notes(r)).toEqual([]);
  });
});

describe('JSON lines: bad input', () => {
  it('a line that is not valid JSON is reported once with its line; reading goes on', () => {
    const r = run1('{"step": 1, "a": 1}\n{"step": 2, "a": \n not json at all\n[1, 2]\n{"step": 3, "a": 3}\n');
    expect(malformed(r).map(e => e.line)).toEqual([2, 3, 4]);
    expect(malformed(r)[2]).toMatchObject({ message: 'not a JSON object' });
    expect(steps(r, 'a')).toEqual([1, 3]);
  });

  it('a truncated last line (file being written) is reported, the rest kept', () => {
    const r = run1('{"step": 1, "a": 1}\n{"step": 2, "a": 2}\n{"step": 3, "a"');
    expect(steps(r, 'a')).toEqual([1, 2]);
    expect(malformed(r).map(e => e.line)).toEqual([3]);
  });

  it('a pretty-printed document (first line "{") is read whole as one record', () => {
    const r = run1('{\n  "_step": 197,\n  "reward": 210.0,\n  "m": {"_type": "video-file"}\n}\n');
    expect(counts(r)).toEqual({ reward: 1 });
    expect(steps(r, 'reward')).toEqual([197]);
    expect(malformed(r)).toEqual([]);
  });

  it('a pretty-printed array of records', () => {
    const r = run1('[\n {"step": 1, "a": 1},\n {"step": 2, "a": NaN}\n]\n');
    expect(values(r, 'a')).toEqual([1, NaN]);
  });

  it.each<[string, Uint8Array]>([
    ['empty input', new Uint8Array(0)],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0x22, 0x61, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x0a, 0xc3, 0x28, 0x0a, 0xed, 0xa0, 0x80])],
    ['binary garbage', Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)],
    ['deeply nested', new TextEncoder().encode('{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '\n')],
    ['a lone brace', new TextEncoder().encode('{')],
  ])('%s never throws', (_n, bytes) => {
    for (const chunk of [1, 3, 4096]) expect(() => parseBytes('jsonl', bytes, 'mem', chunk)).not.toThrow();
  });

  it('invalid UTF-8 inside a key becomes U+FFFD and the line is still read', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('{"l'), 0xff, ...new TextEncoder().encode('ss": 1, "step": 2}\n')]);
    const r = parseBytes('jsonl', bytes, 'mem', 1)[0];
    expect(counts(r)).toEqual({ 'l\uFFFDss': 1 });
  });

  it('gives the same result for every chunk size', () => {
    const text =
      '{"iteration": 19, "bbox/AP-baby bed": NaN, "é": 1, "loss": "2.5"}\r\n\n{"iteration": 9, "x": {"y": 1}}\n' +
      'garbage\n{"iteration": 29, "💥": 3, "loss": -Infinity}';
    const ref = JSON.stringify(parseText('jsonl', text, 1 << 20)[0], replacer);
    for (const c of [1, 2, 3, 5, 7, 64]) expect(JSON.stringify(parseText('jsonl', text, c)[0], replacer)).toBe(ref);
  });
});

/*
 * Expected counts worked out with Python's json module (json.loads accepts NaN/Infinity),
 * independently of this parser: step key = first of _step, step, global_step, iteration,
 * num_updates, iter, epoch with a number; it and _timestamp/_runtime are not series; nested
 * dicts without _type are flattened with '/'; a point is an int/float (not bool) value:
 *
 * python3 -c "import json,sys,collections as C;c=C.Counter();K=['_step','step','global_step','iteration','num_updates','iter','epoch'];num=lambda v:isinstance(v,(int,float)) and not isinstance(v,bool);exec('def w(p,o,x):\n for k,v in o.items():\n  n=p+k\n  if n in x: continue\n  if num(v): c[n]+=1\n  elif isinstance(v,dict) and \'_type\' not in v: w(n+\'/\',v,x)');[w('',d,{next((k for k in K if num(d.get(k))),None),'_timestamp','_runtime'}) for d in map(json.loads,filter(str.strip,open(sys.argv[1])))];print(dict(c),sum(c.values()))" FILE
 */
describe('JSON lines: real corpus', () => {
  const corpus: [string, number, number, Record<string, number>][] = [
    // [file, series, total points, some series with their exact point counts]
    ['detectron2_metrics_json/gdp_objdetect_metrics.json', 2, 154, { lr: 77, total_loss: 77 }], // py: FILE=detectron2_metrics_json/gdp_objdetect_metrics.json
    ['detectron2_metrics_json/mgm_mask2former_metrics.json', 49, 12049, { total_loss: 325, loss_ce_8: 325, 'bbox/APs': 2, 'segm/AP': 2 }], // py: FILE=detectron2_metrics_json/mgm_mask2former_metrics.json
    ['detectron2_metrics_json/nyu_ssod_metrics.json', 122, 59176, { total_loss: 3195, time: 3195, 'bbox/AP': 76, 'bbox/AP-baby bed': 76, 'bbox/AP-hat with a wide brim': 76 }], // py: FILE=detectron2_metrics_json/nyu_ssod_metrics.json
    ['mmengine_scalars_json/kvchiu_mmdet_epoch_based_scalars.json', 14, 10056, { loss: 1200, epoch: 1200, data_time: 1257, 'coco/bbox_mAP_s': 57 }], // py: FILE=mmengine_scalars_json/kvchiu_mmdet_epoch_based_scalars.json
    ['mmengine_scalars_json/kvchiu_mmseg_iter_based_scalars.json', 13, 865, { 'decode.loss_ce': 86, iter: 86, time: 87, mIoU: 1 }], // py: FILE=mmengine_scalars_json/kvchiu_mmseg_iter_based_scalars.json
    ['mmengine_scalars_json/pkurnikov_dfine_scalars.json', 52, 13832, { loss: 300, grad_norm: 300, data_time: 307, loss_ddf_aux_0: 294, 'coco/bbox_mAP': 7 }], // py: FILE=mmengine_scalars_json/pkurnikov_dfine_scalars.json
    ['mmengine_scalars_json/pkurnikov_vis_data_20241205_142419.json', 46, 6896, { loss: 150, base_lr: 150, epoch: 150, loss_ddf_dn_1: 149 }], // py: FILE=mmengine_scalars_json/pkurnikov_vis_data_20241205_142419.json
    ['wandb/legacy_2020/wandb-history.jsonl', 2, 196, { episodic_reward: 98, cumulative_avg_reward: 98 }], // py: FILE=wandb/legacy_2020/wandb-history.jsonl
    ['wandb/legacy_2020/wandb-events.jsonl', 15, 270, { 'system.gpu.0.gpu': 18, 'system.network.recv': 18 }], // py: FILE=wandb/legacy_2020/wandb-events.jsonl
    ['wandb/legacy_2020/wandb-summary.json', 2, 2, { episodic_reward: 1, cumulative_avg_reward: 1 }], // py: FILE=wandb/legacy_2020/wandb-summary.json
  ];
  it.each(corpus)('%s', (file, nSeries, nPoints, some) => {
    const r = parseFile('jsonl', real(file))[0];
    const c = counts(r);
    for (const [k, n] of Object.entries(some)) expect(c[k], k).toBe(n);
    expect(r.series.size).toBe(nSeries);
    expect(total(r)).toBe(nPoints);
    expect(malformed(r)).toEqual([]);
    expect(counts(parseFile('jsonl', real(file), 997)[0])).toEqual(c);
    let bytes = 0;
    for (const s of r.series.values()) bytes += s.byteLength;
    // steps + values + lines (+ wall times where the file has them)
    const perPoint = r.series.values().next().value?.wallTimes ? 28 : 20;
    expect(bytes).toBeLessThanOrEqual((perPoint + 4) * nPoints + 256 * nSeries);
  });

  // Backward jumps of `iteration`, counted with Python:
  // python3 -c "import json,sys;it=[json.loads(l)['iteration'] for l in open(sys.argv[1]) if l.strip()];print(sum(b<a for a,b in zip(it,it[1:])))" FILE
  it.each([
    ['detectron2_metrics_json/nyu_ssod_metrics.json', 9], // py: FILE=detectron2_metrics_json/nyu_ssod_metrics.json -> 9
    ['detectron2_metrics_json/gdp_objdetect_metrics.json', 4], // py: FILE=detectron2_metrics_json/gdp_objdetect_metrics.json -> 4
    ['detectron2_metrics_json/mgm_mask2former_metrics.json', 2], // py: FILE=detectron2_metrics_json/mgm_mask2former_metrics.json -> 2
  ])('restart events on %s match the backward jumps of iteration (%i)', (file, n) => {
    const r = parseFile('jsonl', real(file))[0];
    expect(restarts(r)).toHaveLength(n);
  });

  // MMEngine, after moving epoch-numbered val steps (Python simulation of the same rule):
  // python3 -c "
  // import json,sys;E={};last=None;prev=None;n=0
  // for d in map(json.loads,open(sys.argv[1])):
  //   s=d['step']
  //   if 'epoch' in d: E[d['epoch']]=s; last=s
  //   elif E and 'iter' not in d and 'loss' not in d: s=E.get(s, last if s<last else s)
  //   n+= prev is not None and s<prev; prev=s
  // print(n)" FILE
  it.each([
    ['mmengine_scalars_json/kvchiu_mmdet_epoch_based_scalars.json', 0, 57], // raw 'step' goes back 57 times (val lines); 0 after mapping
    ['mmengine_scalars_json/pkurnikov_dfine_scalars.json', 5, 7],
    ['mmengine_scalars_json/kvchiu_mmseg_iter_based_scalars.json', 0, 0],
    ['mmengine_scalars_json/pkurnikov_vis_data_20241205_142419.json', 0, 0],
  ])('MMEngine %s: %i restarts after mapping %i val lines', (file, nRestarts, nMapped) => {
    const r = parseFile('jsonl', real(file))[0];
    expect(restarts(r)).toHaveLength(nRestarts);
    const note = notes(r).find(e => e.type === 'note' && e.message.includes('MMEngine'));
    if (nMapped === 0) expect(note).toBeUndefined();
    else expect(note).toMatchObject({ message: expect.stringContaining(`${nMapped} validation line(s)`) });
  });

  it('kvchiu mmdet: val at epoch 5 is placed at the last iteration of epoch 5', () => {
    const r = parseFile('jsonl', real('mmengine_scalars_json/kvchiu_mmdet_epoch_based_scalars.json'))[0];
    const ep = r.series.get('epoch')!;
    let last5 = -1;
    for (let i = 0; i < ep.length; i++) if (ep.values.get(i) === 5) last5 = ep.steps.get(i);
    expect(steps(r, 'coco/bbox_mAP')[0]).toBe(last5);
    expect(values(r, 'coco/bbox_mAP_s')[0]).toBe(-1);
  });

  it('mgm: bare NaN tokens are read as NaN values', () => {
    const r = parseFile('jsonl', real('detectron2_metrics_json/mgm_mask2former_metrics.json'))[0];
    expect(values(r, 'bbox/APs')).toEqual([NaN, NaN]);
    expect(lines(r, 'bbox/APs')).toEqual([101, 328]);
  });

  it('wandb history: wall times from _timestamp, video objects skipped', () => {
    const r = parseFile('jsonl', real('wandb/legacy_2020/wandb-history.jsonl'))[0];
    expect(walls(r, 'episodic_reward')[0]).toBe(1582070918.2388577);
    expect([...r.series.keys()]).toEqual(['episodic_reward', 'cumulative_avg_reward']);
  });

  it('wandb summary: one JSON object, one record, no error', () => {
    const r = parseFile('jsonl', real('wandb/legacy_2020/wandb-summary.json'))[0];
    expect(steps(r, 'episodic_reward')).toEqual([197]);
    expect(r.events).toEqual([]);
  });
});

describe('JSON lines: the byte reader and the text reader agree', () => {
  // One chunk is read by the text path only; after a small first chunk, lines are read from
  // the bytes (flat objects of numbers) or decoded and handed to the text path.
  const full = (_k: string, v: unknown): unknown => {
    const r = replacer(_k, v);
    if (Array.isArray(r) && v && typeof v === 'object' && 'wallTimes' in v) {
      const w = (v as { wallTimes?: { view(): Float64Array } }).wallTimes;
      return [...r, Array.from(w?.view() ?? []).map(String)];
    }
    return r;
  };
  const same = (text: string | Uint8Array) => {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    const ref = JSON.stringify(parseBytes('jsonl', bytes, 'mem', 1 << 26)[0], full);
    // Tiny chunks cost a call per byte: only on small inputs.
    const sizes = bytes.length < 30_000 ? [1, 2, 5, 13, 64, 997, 4096] : [61, 997, 65536];
    for (const c of sizes) {
      expect(JSON.stringify(parseBytes('jsonl', bytes, 'mem', c)[0], full), `chunk ${c}`).toBe(ref);
    }
  };

  it('on every JSON-lines file of the corpus', () => {
    let n = 0;
    for (const dir of ['detectron2_metrics_json', 'mmengine_scalars_json', 'wandb/legacy_2020']) {
      for (const name of fs.readdirSync(real(dir))) {
        const bytes = fs.readFileSync(path.join(real(dir), name));
        const det = detectFormat(bytes.subarray(0, 65536), name);
        if (det.ok && det.format === 'jsonl') {
          same(bytes);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(9);
  });

  it('on lines the byte reader hands over', () => {
    same(
      '{"step": 1, "loss": 0.5}\n' +
        '{"step": 2, "loss": 0.4, "loss": 0.3}\n' + // duplicate key: the last value wins
        '{"b": 1, "2": 5, "step": 3}\n' + // array-index keys come first
        '{"st\\u0065p": 4, "loss": 0.2}\n' + // escaped key
        '{"step": 5, "nested": {"a": 1, "b": "2.5"}, "s": "x", "n": null, "t": true, "arr": [1]}\n' +
        '{"step": 6, "loss": NaN, "acc": Infinity, "neg": -Infinity}\n' +
        '{"step": 7, "loss": 5.}\n{"step": 8, "loss": 01}\n{"step": 9, "loss": +1}\n{"step": 10, "loss": .5}\n' +
        '{"step": 11, "loss": 1e999, "x": -0, "y": 1E+2, "z": 0.1234567890123456789}\n' +
        '  {"step": 12, "l\u00f6ss": 1}\r\n\t{ "step" : 13 , "l\u00f6ss" : 2 }  \r\n' +
        '\n   \n{}\n{"step": 14} trailing\n2020-01-01 | train | {"step": 15, "loss": 1}\n' +
        '{"step": 16, "loss": 1,}\n{"step": 17, "loss"\n[1, 2]\n"str"\n' +
        '{"_timestamp": 1700000000.5, "_step": 18, "loss": 0.1, "_runtime": 3}\n' +
        '{"step": 19, "time": 1700000001000, "loss": 0.1}\n' +
        '{"step": 20, "\u4e2d\u6587": 1, "\ufeffk": 2}\n{"step": 21, "loss": 0.2}',
    );
    same('{"a": 1}\r\n{"a": 2}\r\n{"a": 3}');
    same('\ufeff{"iteration": 1, "total_loss": 2}\n{"iteration": 0, "total_loss": 3}\n');
  });

  it('on long lines: linear with small chunks', () => {
    const long = `{"step": 3, "loss": 0.5, "pad": "${'x'.repeat(300_000)}"}\n`;
    const text = '{"step": 1, "loss": 1}\n'.repeat(50) + long + '{"step": 4, "loss": 0.25}\n' + long + '{"step": 5, "loss": 0.2}\n';
    const bytes = new TextEncoder().encode(text);
    const ref = JSON.stringify(parseBytes('jsonl', bytes, 'mem', 1 << 26)[0], full);
    const t0 = performance.now();
    for (const c of [512, 4096, 65536]) expect(JSON.stringify(parseBytes('jsonl', bytes, 'mem', c)[0], full)).toBe(ref);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('on a large generated file (many chunks, changing key sets, MMEngine steps)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) {
      if (i % 100 === 99) lines.push(`{"coco/bbox_mAP": ${(i / 1e5).toFixed(4)}, "data_time": 0.01, "step": ${(i / 100) | 0}}`);
      else lines.push(`{"lr": ${(1e-3 * 0.999 ** i).toPrecision(17)}, "loss": ${(1 / (1 + i)).toFixed(6)}, "epoch": ${(i / 100) | 0}, "iter": ${i}, "step": ${i}}`);
    }
    same(lines.join('\n') + '\n');
  });
});

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v && typeof v === 'object' && 'steps' in v && 'values' in v) {
    const s = v as {
      name: string;
      steps: { view(): Float64Array };
      values: { view(): Float64Array };
      lines?: { view(): Uint32Array };
    };
    return [s.name, Array.from(s.steps.view()), Array.from(s.values.view()).map(String), Array.from(s.lines?.view() ?? [])];
  }
  return v;
}
