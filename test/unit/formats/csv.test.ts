import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Run } from '../../../src/core/model';
import { counts, parseBytes, parseFile, parseText, real, steps, values } from '../../helpers';

const run1 = (text: string, chunk = 7): Run => parseText('csv', text, chunk)[0];
const lines = (r: Run, name: string): number[] => Array.from(r.series.get(name)?.lines?.view() ?? []);
const malformed = (r: Run) => r.events.filter(e => e.type === 'malformed');
const restarts = (r: Run) => r.events.filter(e => e.type === 'restart');
const notes = (r: Run) => r.events.filter(e => e.type === 'note');
const total = (r: Run) => [...r.series.values()].reduce((n, s) => n + s.length, 0);

describe('CSV: logger shapes (inline, fed 7 bytes at a time)', () => {
  const cases: [string, string, Record<string, number>, Record<string, number[]>][] = [
    [
      'Lightning sparse rows: lr-Adam rows without epoch, val rows sharing the step, sorted header',
      'epoch,lr-Adam,step,train_loss,val_loss\r\n,0.003,0,,\r\n0,,49,0.5,\r\n0,,99,0.4,\r\n0,,99,,0.45\r\n,0.003,100,,\r\n',
      { epoch: 3, 'lr-Adam': 2, train_loss: 2, val_loss: 1 },
      { 'lr-Adam': [0, 100], epoch: [49, 99, 99], val_loss: [99] },
    ],
    [
      'older Lightning order step,epoch,... (epoch kept as a series)',
      'step,epoch,train_disc_loss,train_gen_loss\n0,0,0.22,0.16\n1,0,-0.04,0.17\n',
      { epoch: 2, train_disc_loss: 2, train_gen_loss: 2 },
      { train_gen_loss: [0, 1] },
    ],
    [
      'Feb-2020 Lightning: no step column (epoch is the step), created_at is not a series',
      'train_loss,epoch,created_at\n5.83,0,2020-02-05 14:48:36.323235\n5.82,1,2020-02-05 14:49:17.178099\n',
      { train_loss: 2 },
      { train_loss: [0, 1] },
    ],
    [
      'Keras CSVLogger: 0-based epoch, NA = no point, float32 reprs, CRLF',
      'epoch,loss,lr,val_loss\r\n0,0.5,4.0000003e-05,NA\r\n1,0.4,4.0000003e-05,0.45\r\n',
      { loss: 2, lr: 2, val_loss: 1 },
      { loss: [0, 1], val_loss: [1] },
    ],
    [
      'YOLOv5/early v8: header and values padded with spaces, trailing comma',
      '               epoch,      train/box_loss,               x/lr0,\n                   0,            0.066099,           0.0033121,\n                   1,            0.043821,           0.0065139,\n',
      { 'train/box_loss': 2, 'x/lr0': 2 },
      { 'train/box_loss': [0, 1] },
    ],
    [
      'Ultralytics >= 8.1: epoch,time,... (time is cumulative seconds: a series, not a step)',
      'epoch,time,train/box_loss,lr/pg0\n1,9.91891,1.1267,3.334e-05\n2,17.6163,1.06919,8.27999e-05\n',
      { time: 2, 'train/box_loss': 2, 'lr/pg0': 2 },
      { time: [1, 2] },
    ],
    [
      'no counter column: the step is the 0-based row index',
      'loss,acc\n0.9,0.1\n0.8,0.2\n0.7,0.3\n',
      { loss: 3, acc: 3 },
      { loss: [0, 1, 2] },
    ],
    [
      'step column preference: global_step over iteration and epoch',
      'epoch,iteration,global_step,loss\n0,5,10,1\n0,6,20,2\n',
      { epoch: 2, iteration: 2, loss: 2 },
      { loss: [10, 20] },
    ],
    [
      'iter is a step column when there is no step/global_step/iteration',
      'iter,loss\n100,1\n200,2\n',
      { loss: 2 },
      { loss: [100, 200] },
    ],
    ['TSV', 'step\tloss\tacc\n1\t0.5\t0.1\n2\t0.4\t0.2\n', { loss: 2, acc: 2 }, { acc: [1, 2] }],
    ['semicolons', 'step;loss\n1;0,5\n2;0.4\n', { loss: 1 }, { loss: [2] }],
    [
      'nan / inf / -inf are values; NA, None, null, empty are not',
      'step,a\n1,nan\n2,inf\n3,-inf\n4,NA\n5,None\n6,null\n7,\n8,1e400\n',
      { a: 4 },
      { a: [1, 2, 3, 8] },
    ],
    [
      'a string column (datetimes, names) makes no series',
      'step,when,name,loss\n1,2024-01-01T00:00:00,abc,0.5\n2,2024-01-01T00:01:00,def,0.4\n',
      { loss: 2 },
      { loss: [1, 2] },
    ],
    [
      'duplicate column names stay apart',
      'step,loss,loss\n1,0.5,0.6\n',
      { loss: 1, 'loss (2)': 1 },
      { 'loss (2)': [1] },
    ],
    [
      'blank lines, a UTF-8 BOM and CR-only line ends are tolerated',
      '\uFEFF\n\nstep,loss\r\r\n1,0.5\r\r\n\n2,0.4\r3,0.3',
      { loss: 3 },
      { loss: [1, 2, 3] },
    ],
  ];
  it.each(cases)('%s', (_name, text, expected, expectedSteps) => {
    const r = run1(text);
    expect(counts(r)).toEqual(expected);
    for (const [k, st] of Object.entries(expectedSteps)) expect(steps(r, k)).toEqual(st);
    expect(malformed(r)).toEqual([]);
  });

  it('keeps exact values (float32 reprs, padded cells, exponents) and NaN/Inf', () => {
    const r = run1('step,a\n0,0.0010000000474974513\n1,   0.33574631810188293   \n2,4.0000003e-05\n3,nan\n4,-inf\n5,-0.0\n');
    expect(values(r, 'a')).toEqual([0.0010000000474974513, 0.33574631810188293, 4.0000003e-5, NaN, -Infinity, -0]);
    expect(r.series.get('a')!.nonFinite).toBe(2);
  });

  it('points carry the 1-based line of their row (LF and CRLF, blank lines)', () => {
    const r = run1('step,loss\r\n\r\n1,0.5\r\n2,0.4\n\n\n3,0.3\n');
    expect(lines(r, 'loss')).toEqual([3, 4, 7]);
  });

  it('orders series by header column, not by first point', () => {
    const r = run1('epoch,lr-Adam,step,train_loss,val_loss\n,0.1,0,,\n0,,9,,0.5\n0,,9,0.4,\n');
    expect([...r.series.keys()]).toEqual(['epoch', 'lr-Adam', 'train_loss', 'val_loss']);
  });
});

describe('CSV: restarts and repeated headers', () => {
  it('Keras append=True: epoch going back is one restart event per jump', () => {
    const r = run1('epoch,loss\r\n0,1.0\r\n1,0.9\r\n2,0.8\r\n0,1.1\r\n1,1.0\r\n0,1.2\r\n');
    expect(restarts(r)).toEqual([
      { type: 'restart', series: 'loss', fromStep: 2, toStep: 0, line: 5 },
      { type: 'restart', series: 'loss', fromStep: 1, toStep: 0, line: 7 },
    ]);
    expect(r.series.get('loss')!.restarts).toBe(2);
    expect(counts(r)).toEqual({ loss: 6 });
  });

  it('timm resumed run: a header line in the middle is a header, not data', () => {
    const text =
      'epoch,train_loss,eval_loss,eval_top1,lr\r\n0,6.9,6.8,0.1,0.001\r\n1,6.5,6.4,0.5,0.001\r\n' +
      'epoch,train_loss,eval_loss,eval_top1,lr\r\n1,6.4,6.3,0.6,0.001\r\n2,6.2,6.1,0.9,0.001\r\n';
    const r = run1(text);
    expect(counts(r)).toEqual({ train_loss: 4, eval_loss: 4, eval_top1: 4, lr: 4 });
    expect(malformed(r)).toEqual([]);
    expect(notes(r)).toHaveLength(1);
    expect(notes(r)[0]).toMatchObject({ message: expect.stringContaining('line 4') });
    expect(restarts(r)).toEqual([]);
    expect(steps(r, 'train_loss')).toEqual([0, 1, 1, 2]);
  });

  it('a padded repeated header (YOLO) is recognised too, and a changed header replaces the old one', () => {
    const r = run1('  epoch,  loss\n 0, 1\nepoch,loss\n1,2\nepoch,acc\n2,0.5\n');
    expect(counts(r)).toEqual({ loss: 2, acc: 1 });
    expect(notes(r).map(n => n.type === 'note' && n.message)).toEqual([
      expect.stringContaining('repeated at line 3'),
      expect.stringContaining('header changed at line 5'),
    ]);
  });
});

describe('CSV: RFC 4180 quoting', () => {
  it.each([
    ['quoted numbers and delimiters inside quotes', 'step,"loss, total",note\n1,"0.5","a,b"\n2,"0.4","say ""hi"""\n', { 'loss, total': 2 }],
    ['newlines inside quotes keep line numbers right', 'step,note,loss\n1,"multi\nline\ncomment",0.5\n2,x,0.4\n', { loss: 2 }],
    ['a quote in the middle of an unquoted cell is literal', 'step,a,loss\n1,5" screen,0.5\n2,x,0.4\n', { loss: 2 }],
    ['quoted header cells', '"step","loss"\n1,2\n', { loss: 1 }],
  ])('%s', (_n, text, expected) => {
    const r = run1(text, 3);
    expect(counts(r)).toEqual(expected);
    expect(malformed(r)).toEqual([]);
  });

  it('line numbers after a record spanning lines', () => {
    const r = run1('step,note,loss\n1,"a\nb\nc",0.5\n2,x,0.4\n', 2);
    expect(lines(r, 'loss')).toEqual([2, 5]);
  });

  it('an unterminated quote is reported, its line read with the quote taken literally, and the next lines read', () => {
    const r = run1('step,note,loss\n1,"oops,0.5\n2,x,0.4\n3,y,0.3\n');
    expect(malformed(r)).toHaveLength(1);
    expect(malformed(r)[0]).toMatchObject({ line: 2, message: expect.stringContaining('unterminated') });
    expect(steps(r, 'loss')).toEqual([1, 2, 3]);
    expect(lines(r, 'loss')).toEqual([2, 3, 4]);
  });
});

describe('CSV: ragged rows and bad input never throw', () => {
  it('rows with too few / too many cells are reported once each, matched cells kept', () => {
    const r = run1('step,a,b\n1,0.1,0.2\n2,0.3\n3,0.4,0.5,0.6\n4,0.7,0.8,\n5,0.9,1.0\n');
    expect(malformed(r)).toEqual([
      { type: 'malformed', message: 'row has 2 cells, the header has 3', line: 3 },
      { type: 'malformed', message: 'row has 4 cells, the header has 3', line: 4 },
    ]);
    expect(steps(r, 'a')).toEqual([1, 2, 3, 4, 5]);
    expect(steps(r, 'b')).toEqual([1, 3, 4, 5]);
  });

  it.each<[string, Uint8Array]>([
    ['empty input', new Uint8Array(0)],
    ['only a header', new TextEncoder().encode('step,loss\n')],
    ['invalid UTF-8', Uint8Array.from([0x73, 0x74, 0x65, 0x70, 0x2c, 0xff, 0xfe, 0x0a, 0x31, 0x2c, 0xc3, 0x0a, 0x32, 0x2c, 0x33, 0x0a])],
    ['binary garbage', Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)],
    ['a lone quote', new TextEncoder().encode('"')],
    ['only newlines', new TextEncoder().encode('\n\r\n\r\r\n')],
  ])('%s', (_n, bytes) => {
    for (const chunk of [1, 3, 4096]) {
      expect(() => parseBytes('csv', bytes, 'mem', chunk)).not.toThrow();
    }
  });

  it('invalid UTF-8 in a header name becomes U+FFFD and the column is still read', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('step,l'), 0xff, ...new TextEncoder().encode('ss\n1,0.5\n')]);
    const r = parseBytes('csv', bytes, 'mem', 1)[0];
    expect(counts(r)).toEqual({ 'l\uFFFDss': 1 });
  });
});

describe('CSV: chunk boundaries and exact numbers', () => {
  const text =
    'epoch,lr-Adam,step,"train loss",val_loss\r\n,0.003,0,,\r\n0,,49,0.33574631810188293,\r\n' +
    '0,,99,"0.3215",0.45\r\n1,,149,nan,\r\nepoch,lr-Adam,step,"train loss",val_loss\r\n0,,10,1e-7,\r\n' +
    '2,,"20",0.1,"multi\r\nline"\r\n\uFFFD,\u00e9,3,4,5\n';
  it('gives the same result for every chunk size', () => {
    const ref = JSON.stringify(parseText('csv', text, 1 << 20)[0], replacer);
    for (const c of [1, 2, 3, 5, 7, 11, 64]) expect(JSON.stringify(parseText('csv', text, c)[0], replacer)).toBe(ref);
  });

  it('reads decimals exactly like Number() (20k random cells, fixed seed)', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const f32 = new Float32Array(1);
    const cells: string[] = [];
    for (let k = 0; k < 5000; k++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15);
      cells.push(String(x), x.toPrecision(17));
      f32[0] = x;
      cells.push(String(f32[0]));
      let d = '';
      const len = 1 + Math.floor(rnd() * 20);
      for (let j = 0; j < len; j++) d += Math.floor(rnd() * 10);
      const pos = Math.floor(rnd() * (len + 1));
      cells.push(`${d.slice(0, pos)}.${d.slice(pos)}0e-${Math.floor(rnd() * 25)}`);
    }
    const r = run1('x\n' + cells.join('\n') + '\n', 4093);
    expect(values(r, 'x')).toEqual(cells.map(Number));
  });
});

describe('CSV: the byte reader and the text reader agree', () => {
  // One chunk is read by the text path only; after a small first chunk, plain rows are read
  // straight from the bytes. Both must give exactly the same run.
  const same = (text: string | Uint8Array) => {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    const ref = JSON.stringify(parseBytes('csv', bytes, 'mem', 1 << 26)[0], replacer);
    for (const c of [1, 2, 5, 13, 64, 997, 4096]) {
      expect(JSON.stringify(parseBytes('csv', bytes, 'mem', c)[0], replacer), `chunk ${c}`).toBe(ref);
    }
  };

  it('on every real CSV of the corpus', () => {
    let n = 0;
    for (const dir of ['lightning_csv', 'keras_csvlogger', 'yolo_results_csv']) {
      for (const f of fs.readdirSync(real(dir))) {
        same(fs.readFileSync(path.join(real(dir), f)));
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(12);
  });

  it('on rows the byte reader hands over (quotes, CR, headers, BOM, non-ASCII, ragged)', () => {
    same(
      'step,loss,acc,note\n1,0.5,0.1,ok\n2, 0.4 ,0.2,x\n\n   \n3,0.3,\u00e90.3,\u4e2d\n4,"0.2",0.4,q\n' +
        '5,0.1,0.5,y\r\n6,1e-3,0.6,z\r7,2,3,4,5\n8,-0,+.5,5.\n9,nan,inf,-Infinity\nstep,loss,acc,note\n' +
        '10,1,2,3,\ufeff\n11,1,2,3,x\n12,0.123456789012345678,1234567890123456789012,1e400\n' +
        '13,.,-,e5\n14\nstep,other\n15,3\n16,4',
    );
    same('a;b;c\r\n1;2;3\r\n4;5;6\r\n7;8;9');
  });

  it('on long records: linear with small chunks, over-long ones reported the same way', () => {
    const long = '1,' + '2'.repeat(300_000) + ',3\n';
    const text = 'a,b,c\n' + '1,2,3\n'.repeat(50) + long + '4,5,6\n' + long.replace(/2/g, 'x') + '7,8,9\n';
    const bytes = new TextEncoder().encode(text);
    const ref = JSON.stringify(parseBytes('csv', bytes, 'mem', 1 << 26)[0], replacer);
    const t0 = performance.now();
    for (const c of [512, 4096, 65536]) expect(JSON.stringify(parseBytes('csv', bytes, 'mem', c)[0], replacer)).toBe(ref);
    expect(performance.now() - t0).toBeLessThan(5000);
    const huge = 'a,b\n1,2\n3,' + '4'.repeat(5 << 20) + '\n5,6\n';
    const r = parseBytes('csv', new TextEncoder().encode(huge), 'mem', 1 << 20)[0];
    expect(r.events.filter(e => e.type === 'malformed').length).toBe(1);
    expect(JSON.stringify(r, replacer)).toBe(JSON.stringify(parseBytes('csv', new TextEncoder().encode(huge), 'mem', 1 << 26)[0], replacer));
  });

  it('on a large generated table (many chunks, sparse columns, restarts)', () => {
    const rows = ['step,epoch,train_loss,val_loss,lr'];
    for (let i = 0; i < 20000; i++) {
      const step = i < 12000 ? i : i - 5000;
      rows.push(`${step},${(step / 100) | 0},${(1 / (1 + step)).toFixed(8)},${step % 50 === 0 ? (2 / (1 + step)).toExponential(5) : ''},${(1e-3 * 0.999 ** step).toPrecision(17)}`);
    }
    same(rows.join('\n') + '\n');
  });
});

/*
 * Expected counts worked out with Python's csv module, independently of this parser
 * (header = first non-blank row, trimmed; the step column is the first of step, global_step,
 * _step, iteration, iter, epoch; a point is a cell that is a decimal / nan / inf number):
 *
 * python3 -c "import csv,sys,collections as C;R=[x for x in csv.reader(open(sys.argv[1],newline='')) if any(c.strip() for c in x)];h=[c.strip() for c in R[0]];s=next((h.index(n) for n in ['step','global_step','_step','iteration','iter','epoch'] if n in h),-1);f=lambda v:(lambda t:t is not None)(__import__('re').fullmatch(r'\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?(nan|inf|infinity))\s*',v,2));c=C.Counter(h[i] for x in R[1:] if [v.strip() for v in x]!=h for i,v in enumerate(x[:len(h)]) if i!=s and h[i] and f(v));print(dict(c),sum(c.values()))" FILE
 */
describe('CSV: real corpus', () => {
  const corpus: [string, number, number, Record<string, number>][] = [
    // [file, series, total points, some series with their exact point counts]
    ['lightning_csv/camels_version_17_metrics.csv', 6, 1657, { 'lr-Adam': 10, epoch: 549, train_loss: 539, train_mse: 539, val_loss: 10 }], // py: FILE=lightning_csv/camels_version_17_metrics.csv
    ['lightning_csv/genrisk_version_9_metrics.csv', 3, 960, { epoch: 320, train_disc_loss: 320, train_gen_loss: 320 }], // py: FILE=lightning_csv/genrisk_version_9_metrics.csv
    ['lightning_csv/lightning2020_created_at_metrics.csv', 1, 1481, { train_loss: 1481 }], // py: FILE=lightning_csv/lightning2020_created_at_metrics.csv
    ['lightning_csv/opal_version_0_metrics.csv', 4, 340, { 'lr-Adam': 108, epoch: 116, 'train/nll_loss': 108, 'val/rmse_loss': 8 }], // py: FILE=lightning_csv/opal_version_0_metrics.csv
    ['lightning_csv/pinn_version_17_metrics.csv', 6, 5706, { Conductor_Copper_loss: 951, Dielectric_Air_loss: 951, epoch: 951, mean_loss: 951 }], // py: FILE=lightning_csv/pinn_version_17_metrics.csv
    ['lightning_csv/rl4co_version_1_metrics.csv', 5, 2482, { epoch: 1161, 'val/reward': 1000, 'train/loss': 160, 'train/reward': 160, 'test/reward': 1 }], // py: FILE=lightning_csv/rl4co_version_1_metrics.csv
    ['keras_csvlogger/brats_training.log', 11, 264, { accuracy: 24, dice_coef: 24, loss: 24, lr: 24, val_mean_io_u_5: 24 }], // py: FILE=keras_csvlogger/brats_training.log
    ['keras_csvlogger/mnist_training_log.csv', 5, 150, { accuracy: 30, learning_rate: 30, loss: 30, val_accuracy: 30, val_loss: 30 }], // py: FILE=keras_csvlogger/mnist_training_log.csv
    ['yolo_results_csv/yolov10_results.csv', 19, 190, { 'train/box_om': 10, 'train/cls_oo': 10, 'metrics/mAP50-95(B)': 10, 'lr/pg2': 10 }], // py: FILE=yolo_results_csv/yolov10_results.csv
    ['yolo_results_csv/yolov5_lego_results.csv', 13, 650, { 'train/box_loss': 50, 'train/obj_loss': 50, 'metrics/mAP_0.5:0.95': 50, 'x/lr0': 50 }], // py: FILE=yolo_results_csv/yolov5_lego_results.csv
    ['yolo_results_csv/yolov8_early_padded_results.csv', 13, 325, { 'train/box_loss': 25, 'metrics/precision(B)': 25, 'val/dfl_loss': 25, 'lr/pg0': 25 }], // py: FILE=yolo_results_csv/yolov8_early_padded_results.csv
    ['yolo_results_csv/yolov8_new_results.csv', 14, 1428, { time: 102, 'train/box_loss': 102, 'metrics/mAP50(B)': 102, 'lr/pg2': 102 }], // py: FILE=yolo_results_csv/yolov8_new_results.csv
  ];
  it.each(corpus)('%s', (file, nSeries, nPoints, some) => {
    const r = parseFile('csv', real(file))[0];
    const c = counts(r);
    for (const [k, n] of Object.entries(some)) expect(c[k], k).toBe(n);
    expect(r.series.size).toBe(nSeries);
    expect(total(r)).toBe(nPoints);
    expect(malformed(r)).toEqual([]);
    expect(restarts(r)).toEqual([]);
    // Small chunks give the same points.
    expect(counts(parseFile('csv', real(file), 997)[0])).toEqual(c);
    // Memory: steps + values + lines = 20 bytes a point once trimmed.
    let bytes = 0;
    for (const s of r.series.values()) bytes += s.byteLength;
    expect(bytes).toBeLessThanOrEqual(24 * nPoints + 256 * nSeries);
  });

  it('YOLOv10: the one-to-many / one-to-one head columns are losses, the metrics are not', () => {
    const r = parseFile('csv', real('yolo_results_csv/yolov10_results.csv'))[0];
    const role = (k: string) => r.series.get(k)!.role;
    for (const k of ['train/box_om', 'train/cls_om', 'train/dfl_om', 'train/box_oo', 'train/cls_oo', 'train/dfl_oo']) {
      expect(role(k), k).toBe('loss_part');
    }
    for (const k of ['val/box_om', 'val/cls_om', 'val/dfl_om', 'val/box_oo', 'val/cls_oo', 'val/dfl_oo']) {
      expect(role(k), k).toBe('val_loss');
    }
    expect(role('metrics/mAP50-95(B)')).toBe('other');
    expect(role('metrics/precision(B)')).toBe('other');
    expect(role('lr/pg0')).toBe('lr');
  });

  it('Lightning 2020: created_at is no series, epoch is the step', () => {
    const r = parseFile('csv', real('lightning_csv/lightning2020_created_at_metrics.csv'))[0];
    expect(steps(r, 'train_loss').slice(0, 3)).toEqual([0, 1, 2]);
    expect(values(r, 'train_loss')[0]).toBe(5.8302106857299805);
  });

  it('Keras: float32 reprs exact, lines right with \\r\\r\\n line ends', () => {
    const r = parseFile('csv', real('keras_csvlogger/mnist_training_log.csv'))[0];
    expect(values(r, 'learning_rate')[0]).toBe(0.0010000000474974513);
    expect(lines(r, 'val_loss').slice(0, 2)).toEqual([2, 3]);
    expect(steps(r, 'loss').slice(0, 2)).toEqual([0, 1]);
  });
});

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v && typeof v === 'object' && 'steps' in v && 'values' in v) {
    const s = v as { name: string; steps: { view(): Float64Array }; values: { view(): Float64Array }; lines?: { view(): Uint32Array } };
    return [s.name, Array.from(s.steps.view()), Array.from(s.values.view()).map(String), Array.from(s.lines?.view() ?? [])];
  }
  return v;
}
