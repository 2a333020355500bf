import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, SNIFF_BYTES } from '../../../src/core/formats/detect';
import { real } from '../../helpers';

function detectFile(rel: string) {
  const file = real(rel);
  const fd = fs.openSync(file, 'r');
  const buf = new Uint8Array(SNIFF_BYTES);
  const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
  fs.closeSync(fd);
  return detectFormat(buf.subarray(0, n), path.basename(file));
}

describe('detectFormat tells formats by content', () => {
  it.each([
    ['tfevents/yolov5_lego/events.out.tfevents.1655416124.33f6a3a27a4d.385.0', 'tfevents'],
    ['tfevents/empty/events.out.tfevents.1630851472.Saazs-Air.fios-router.home.17109.0', 'tfevents'],
    ['hf_trainer_state/whisper_ja_trainer_state.json', 'hf-trainer-state'],
    ['hf_trainer_state/trl_grpo_trainer_state.json', 'hf-trainer-state'],
    ['lightning_csv/camels_version_17_metrics.csv', 'csv'],
    ['lightning_csv/lightning2020_created_at_metrics.csv', 'csv'],
    ['keras_csvlogger/brats_training.log', 'csv'],
    ['yolo_results_csv/yolov5_lego_results.csv', 'csv'],
    ['yolo_results_csv/yolov8_early_padded_results.csv', 'csv'],
    ['detectron2_metrics_json/nyu_ssod_metrics.json', 'jsonl'],
    ['mmengine_scalars_json/kvchiu_mmseg_iter_based_scalars.json', 'jsonl'],
    ['wandb/legacy_2020/wandb-history.jsonl', 'jsonl'],
    ['wandb/offline-run-20210906_092904-2chc5x75/run-2chc5x75.wandb', 'wandb'],
    ['stdout/keras_verbose2_readme.txt', 'text'],
    ['stdout/jaong_cpt_cmd.txt', 'text'],
    ['stdout/build_nanogpt_log.txt', 'text'],
    ['stdout/modded_nanogpt_flexattention_log.txt', 'text'],
    ['stdout/custom_epoch_pipe_training.log', 'text'],
    ['fairseq_log/big_run.run1_train.log', 'text'],
    ['fairseq_log/run_simple_train.log', 'text'],
  ])('%s is %s', (rel, format) => {
    const d = detectFile(rel);
    expect(d).toMatchObject({ ok: true, format });
  });

  it('refuses a Git LFS pointer saved under an event-file name, saying what it is', () => {
    const d = detectFile('tfevents/lfs_pointer/events.out.tfevents.1674944078.gpu07.cyverse.org.12415.0');
    expect(d).toMatchObject({ ok: false, reason: 'lfs-pointer' });
    if (!d.ok) expect(d.message).toMatch(/git lfs pull/);
  });
  it('refuses empty input and binary garbage', () => {
    expect(detectFormat(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'empty' });
    const garbage = new Uint8Array(4096);
    let x = 12345;
    for (let i = 0; i < garbage.length; i++) garbage[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    expect(detectFormat(garbage)).toMatchObject({ ok: false, reason: 'binary' });
  });
  it('tells a CSV with bare `\\r` line ends (Keras CSVLogger written on old Macs) by its content', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const csv = 'epoch,acc,loss,val_acc,val_loss\r\r0,0.55,0.75,0.6,0.65\r\r1,0.6,0.7,0.6,0.66\r\r2,0.7,0.6,0.58,0.7\r\r';
    expect(detectFormat(enc(csv), 'train.log')).toMatchObject({ ok: true, format: 'csv' });
  });

  it('reads Python logging lines (milliseconds after a comma) as text, not as two CSV columns', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const log =
      '2023-10-05 18:36:15,305 - INFO - ----------start training---------------\n' +
      '2023-10-05 18:38:31,245 - INFO - epoch: 0 end, loss: 2.166128297422274\n' +
      '2023-10-05 18:40:31,245 - INFO - epoch: 1 end, loss: 2.1\n';
    expect(detectFormat(enc(log), 'train.log')).toMatchObject({ ok: true, format: 'text' });
  });

  it('reads a log whose first line is prose with a comma as text, not as a two-column CSV', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const keras =
      'Train on 58 samples, validate on 26 samples\nEpoch 1/1000\n\n' +
      '32/58 [===============>..............] - ETA: 0s - loss: 1.1833 - sparse_categorical_accuracy: 0.3125\n' +
      '58/58 [==============================] - 0s 7ms/step - loss: 1.2549 - val_loss: 1.0300\nEpoch 2/1000\n';
    expect(detectFormat(enc(keras), 'logs.txt')).toMatchObject({ ok: true, format: 'text' });
    const unetpp =
      'Total Epoch:300 Image_size:(256, 256) Training num:288  Validation num:72\n' +
      '[train] epoch:0 iter:0/18 0.00% lr:0.001000 loss:1.298646 ETA:0.0min\n[val] epoch:0 miou:0.20\n';
    expect(detectFormat(enc(unetpp), 'train_log.txt')).toMatchObject({ ok: true, format: 'text' });
    // (a two-column table is still one)
    expect(detectFormat(enc('step,loss\n1,0.5\n2,0.4\n3,0.3\n'), 'a.log')).toMatchObject({ format: 'csv' });
  });

  it('skips NUL padding (pre-allocated or truncated while written), but a stray NUL is binary', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const line = enc('step   700 | loss 4.5105 | lm 6.1508\nstep   710 | loss 4.3713 | lm 5.9245\n');
    const padded = new Uint8Array(11363 + line.length);
    padded.set(line, 11363);
    expect(detectFormat(padded, 'training.log')).toMatchObject({ ok: true, format: 'text' });
    const hole = new Uint8Array(line.length * 2 + 64);
    hole.set(line, 0);
    hole.set(line, line.length + 64);
    expect(detectFormat(hole, 'training.log')).toMatchObject({ ok: true, format: 'text' });
    // UTF-16 without a byte-order mark, a NUL inside text, a binary record: binary
    const utf16 = new Uint8Array(line.length * 2);
    line.forEach((c, i) => (utf16[2 * i] = c));
    expect(detectFormat(utf16, 'a.log')).toMatchObject({ ok: false, reason: 'binary' });
    const stray = enc('step 1 loss 0.5\n\0\0\0step 2 loss 0.4\n');
    expect(detectFormat(stray, 'a.log')).toMatchObject({ ok: false, reason: 'binary' });
  });

  it('reads the seed template as text and a Python dict line as text, not JSON', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(detectFormat(enc('Epoch 1: Train Loss = 0.5, Val Loss = 0.6, LR = 0.001000\n'))).toMatchObject({ format: 'text' });
    expect(detectFormat(enc("{'loss': 1.1, 'epoch': 0.5}\n{'loss': 1.0, 'epoch': 1.0}\n"))).toMatchObject({ format: 'text' });
    expect(detectFormat(enc('{"step": 1, "loss": NaN}\n{"step": 2, "loss": 1.0}\n'))).toMatchObject({ format: 'jsonl' });
    expect(detectFormat(enc('step,loss\n1,0.5\n2,0.4\n'))).toMatchObject({ format: 'csv' });
  });
});
