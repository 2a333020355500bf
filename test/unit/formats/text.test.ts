/**
 * The plain-text parser: every log style it reads, from short inline logs fed in tiny chunks,
 * and exact series / point counts on the real stdout and fairseq logs of the corpus, with the
 * expected numbers worked out by shell/python one-liners over the files (shown beside each).
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TextParser } from '../../../src/core/formats/text';
import { LineScanner } from '../../../src/core/formats/text/scan';
import type { Run } from '../../../src/core/model';
import { counts, parseBytes, parseFile, parseText, real, steps, values } from '../../helpers';

type Table = Record<string, [number[], number[]]>;

/** {series: [steps, values]} of the only run of a text log. */
function read(text: string, chunk = 7): Table {
  const runs = parseText('text', text, chunk);
  expect(runs).toHaveLength(1);
  expect(runs[0].events.filter(e => e.type === 'malformed')).toEqual([]);
  return table(runs[0]);
}

function table(run: Run): Table {
  const out: Table = {};
  for (const name of run.series.keys()) out[name] = [steps(run, name), values(run, name)];
  return out;
}

function run1(text: string, chunk = 7): Run {
  return parseText('text', text, chunk)[0];
}

/** Everything a parse produced, in a comparable form (NaN-safe). */
function snapshot(run: Run): string {
  const out: Record<string, unknown> = { events: run.events };
  for (const [k, s] of run.series) {
    out[k] = [
      Array.from(s.steps.view()),
      Array.from(s.values.view()).map(v => (Number.isFinite(v) ? v : String(v))),
      s.lines ? Array.from(s.lines.view()) : null,
      s.nonFinite,
      s.restarts,
      s.role,
    ];
  }
  return JSON.stringify(out);
}

/** A small deterministic PRNG (tests must not depend on Math.random). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('text parser: log styles', () => {
  const cases: Array<[string, string, Table]> = [
    [
      'the seed template (step = epoch number)',
      'Epoch 1: Train Loss = 0.5000, Val Loss = 0.6000, LR = 0.001000\n' +
        'Epoch 2: Train Loss = 0.4000, Val Loss = 0.5500, LR = 0.000900\n',
      {
        'Train Loss': [[1, 2], [0.5, 0.4]],
        'Val Loss': [[1, 2], [0.6, 0.55]],
        LR: [[1, 2], [0.001, 0.0009]],
      },
    ],
    [
      'a hand-rolled `Epoch i/N | Loss: x` loop and summary lines without a step',
      'Epoch 1/200 | Loss: 0.6924\nEpoch 2/200 | Loss: 0.5995\nAccuracy : 0.748\nF1 Score : 0.56\n',
      {
        Loss: [[1, 2], [0.6924, 0.5995]],
        Accuracy: [[2], [0.748]],
        'F1 Score': [[2], [0.56]],
      },
    ],
    [
      'key=value pairs with a step key; the step key is never a metric, the epoch beside it is the epoch axis',
      'epoch=1 step=100 loss=0.5 lr=1e-3\nepoch=1 step=200 loss=0.4 lr=5e-4\n',
      { epoch: [[100], [1]], loss: [[100, 200], [0.5, 0.4]], lr: [[100, 200], [0.001, 0.0005]] },
    ],
    [
      'PyTorch word_language_model (batch counter gives a fractional epoch)',
      '| epoch   1 |   200/ 2983 batches | lr 20.0000 | ms/batch 11.43 | loss 17.74 | ppl 50880577.49\n' +
        '-----------------------------------------------------------------------------------------\n' +
        '| end of epoch   1 | time: 35.08s | valid loss  5.84 | valid ppl   343.92\n',
      {
        lr: [[1 + 200 / 2983], [20]],
        'ms/batch': [[1 + 200 / 2983], [11.43]],
        loss: [[1 + 200 / 2983], [17.74]],
        ppl: [[1 + 200 / 2983], [50880577.49]],
        time: [[1 + 200 / 2983], [35.08]],
        'valid loss': [[1 + 200 / 2983], [5.84]],
        'valid ppl': [[1 + 200 / 2983], [343.92]],
      },
    ],
    [
      'torchvision detection reference: the first value, not the average in parentheses',
      'Epoch: [0]  [0/6]  eta: 0:00:25  lr: 0.001004  loss: 8.2773 (8.2773)  time: 4.1718  max mem: 1234\n' +
        'Epoch: [0]  [3/6]  eta: 0:00:02  lr: 0.005000  loss: 4.5000 (6.1000)  time: 0.4000  max mem: 1300\n' +
        'Epoch: [0] Total time: 0:00:30 (5.0 s / it)\n',
      {
        lr: [[0, 0.5], [0.001004, 0.005]],
        loss: [[0, 0.5], [8.2773, 4.5]],
        time: [[0, 0.5], [4.1718, 0.4]],
        'max mem': [[0, 0.5], [1234, 1300]],
      },
    ],
    [
      'tqdm postfixes (v_num and the bar percentage are not series)',
      'Epoch 0:  50%|█████     | 469/938 [00:07<00:07, 61.2it/s, loss=0.2, v_num=0]\r' +
        'Epoch 0: 100%|██████████| 938/938 [00:15<00:00, 61.2it/s, loss=0.123, acc=0.9, v_num=0]\n',
      { loss: [[0.5, 1], [0.2, 0.123]], acc: [[1], [0.9]] },
    ],
    [
      'Keras 2 progress bar redrawn with \\r and \\b: only the epoch-end state is kept',
      'Epoch 1/2\n' +
        '\r 1/10 [==>...........................] - ETA: 5s - loss: 2.3000 - accuracy: 0.1000\b\b\b\b\b' +
        '\r 5/10 [==============>...............] - ETA: 1s - loss: 1.9000 - accuracy: 0.3000\b\b\b' +
        '\r10/10 [==============================] - 2s 100ms/step - loss: 1.5000 - accuracy: 0.5000' +
        '\r10/10 [==============================] - 2s 150ms/step - loss: 1.5000 - accuracy: 0.5000 - val_loss: 1.4000 - val_accuracy: 0.5500\n' +
        'Epoch 2/2\n' +
        ' 1/10 [==>...........................] - ETA: 5s - loss: nan - accuracy: 0.1000\n' +
        '10/10 [==============================] - 2s 100ms/step - loss: nan - accuracy: 0.6000 - val_loss: nan - val_accuracy: 0.6000\n',
      {
        loss: [[1, 2], [1.5, NaN]],
        accuracy: [[1, 2], [0.5, 0.6]],
        val_loss: [[1, 2], [1.4, NaN]],
        val_accuracy: [[1, 2], [0.55, 0.6]],
      },
    ],
    [
      'Keras 3 progress bar with ANSI colours and ━',
      'Epoch 1/2\n' +
        '\x1b[1m 1/10\x1b[0m \x1b[32m━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━━━━\x1b[0m \x1b[1m0s\x1b[0m 5ms/step - accuracy: 0.1000 - loss: 2.3000\b\b\b\b' +
        '\r\x1b[1m10/10\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m1s\x1b[0m 5ms/step - accuracy: 0.5000 - loss: 1.5000 - val_accuracy: 0.5500 - val_loss: 1.4000\n' +
        'Epoch 2/2\n' +
        '\x1b[1m10/10\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m1s\x1b[0m 5ms/step - accuracy: 0.6000 - loss: 1.2000 - val_accuracy: 0.6000 - val_loss: 1.3000\n',
      {
        accuracy: [[1, 2], [0.5, 0.6]],
        loss: [[1, 2], [1.5, 1.2]],
        val_accuracy: [[1, 2], [0.55, 0.6]],
        val_loss: [[1, 2], [1.4, 1.3]],
      },
    ],
    [
      'Keras verbose=2, one line per epoch; ms/epoch, ms/step and the model summary are not series',
      'Model: "sequential"\nTotal params: 39,344\nTrainable params: 39,344\nNon-trainable params: 0\n' +
        'Epoch 1/3\n128/128 - 5s - loss: 3.1494 - accuracy: 0.1463 - 5s/epoch - 43ms/step\n' +
        'Epoch 2/3\n128/128 - 0s - loss: 2.9102 - accuracy: 0.1586 - 358ms/epoch - 3ms/step\n',
      { loss: [[1, 2], [3.1494, 2.9102]], accuracy: [[1, 2], [0.1463, 0.1586]] },
    ],
    [
      'Hugging Face Trainer dict lines: Python literals, no step (epoch as x), glued after tqdm \\r',
      "{'loss': 1.1409, 'grad_norm': 2.75, 'learning_rate': 1.8e-05, 'epoch': 0.91}\n" +
        " 10%|███▉     | 549/5490 [05:02<38:38,  2.13it/s]\r{'loss': nan, 'grad_norm': inf, 'learning_rate': 1.6e-05, 'epoch': 1.82}\n" +
        "{'eval_loss': -inf, 'eval_acc': None, 'eval_ok': True, 'eval_name': 'x', 'eval_runtime': 12.5, 'epoch': 2.0}\n" +
        "{'train_runtime': 64358.151, 'train_samples_per_second': 0.511, 'train_steps_per_second': 0.085, 'total_flos': 1.2e+17, 'train_loss': 0.4479, 'epoch': 10.0}\n",
      {
        loss: [[0.91, 1.82], [1.1409, NaN]],
        grad_norm: [[0.91, 1.82], [2.75, Infinity]],
        learning_rate: [[0.91, 1.82], [1.8e-5, 1.6e-5]],
        eval_loss: [[2], [-Infinity]],
        train_loss: [[10], [0.4479]],
      },
    ],
    [
      'Hugging Face dict lines without an epoch: a running index',
      "{'loss': 0.9, 'learning_rate': 1e-05}\n{'loss': 0.8, 'learning_rate': 1e-05}\n{'loss': 0.7, 'learning_rate': 1e-05}\n",
      { loss: [[0, 1, 2], [0.9, 0.8, 0.7]], learning_rate: [[0, 1, 2], [1e-5, 1e-5, 1e-5]] },
    ],
    [
      'nanoGPT: iter and eval lines; mfu -100 is a sentinel, not data',
      'step 0: train loss 4.2874, val loss 4.2823\n' +
        'iter 0: loss 4.2654, time 13500.54ms, mfu -100.00%\n' +
        'iter 10: loss 3.2000, time 130.12ms, mfu -100.00%\n' +
        'iter 20: loss 2.9000, time 131.00ms, mfu 12.34%\n' +
        'step 250: train loss 1.9000, val loss 2.0000\nsaving checkpoint to out-shakespeare-char\n',
      {
        'train loss': [[0, 250], [4.2874, 1.9]],
        'val loss': [[0, 250], [4.2823, 2]],
        loss: [[0, 10, 20], [4.2654, 3.2, 2.9]],
        time: [[0, 10, 20], [13500.54, 130.12, 131]],
        mfu: [[20], [12.34]],
      },
    ],
    [
      'build-nanogpt console',
      'step     0 | loss: 10.955010 | lr 8.3916e-07 | norm: 15.4378 | dt: 12345.67ms | tok/sec: 42470.81\n' +
        'step     1 | loss: 10.902707 | lr 1.6783e-06 | norm: 13.1234 | dt: 333.33ms | tok/sec: 1572864.00\n',
      {
        loss: [[0, 1], [10.95501, 10.902707]],
        lr: [[0, 1], [8.3916e-7, 1.6783e-6]],
        norm: [[0, 1], [15.4378, 13.1234]],
        dt: [[0, 1], [12345.67, 333.33]],
        'tok/sec': [[0, 1], [42470.81, 1572864]],
      },
    ],
    [
      'build-nanogpt log file `<step> <series> <value>`',
      '0 val 10.9522\n0 hella 0.2487\n0 train 10.955010\n1 train 10.902707\n250 val 6.1696\n',
      { val: [[0, 250], [10.9522, 6.1696]], hella: [[0], [0.2487]], train: [[0, 1], [10.95501, 10.902707]] },
    ],
    [
      'modded-nanogpt: `step_avg:nanms` is NaN glued to a unit',
      'step:0/1875 val_loss:10.8258 train_time:0ms step_avg:nanms\n' +
        'step:1/1875 train_loss:10.8258 train_time:44119ms step_avg:nanms\n' +
        'step:13/1875 train_loss:6.3471 train_time:439ms step_avg:146.47ms\n',
      {
        val_loss: [[0], [10.8258]],
        train_time: [[0, 1, 13], [0, 44119, 439]],
        step_avg: [[0, 1, 13], [NaN, NaN, 146.47]],
        train_loss: [[1, 13], [10.8258, 6.3471]],
      },
    ],
    [
      'minGPT',
      'iter_dt 0.00ms; iter 0: train loss 10.98720\niter_dt 7797.46ms; iter 2: train loss 2.60938\n',
      { iter_dt: [[0, 2], [0, 7797.46]], 'train loss': [[0, 2], [10.9872, 2.60938]] },
    ],
    [
      'fairseq --log-format json: numbers as strings, num_updates as step, config dump ignored',
      "2020-12-10 12:21:24 | INFO | fairseq_cli.train | {'_name': None, 'common': {'_name': None, 'log_interval': 25}}\n" +
        '2020-12-10 12:21:56 | INFO | train_inner | {"epoch": 1, "update": 0.002, "loss": "16.464", "ppl": "90380.9", "num_updates": "25", "lr": "1.25e-05", "gnorm": "nan"}\n' +
        '2020-12-10 13:00:00 | INFO | valid | {"epoch": 1, "valid_loss": "17.953", "valid_ppl": "253807", "valid_num_updates": "50"}\n' +
        '2020-12-10 13:00:01 | INFO | train | {"epoch": 1, "train_loss": "12.1", "train_num_updates": "50"}\n',
      {
        epoch: [[25], [1]],
        loss: [[25], [16.464]],
        ppl: [[25], [90380.9]],
        lr: [[25], [1.25e-5]],
        gnorm: [[25], [NaN]],
        valid_loss: [[50], [17.953]],
        valid_ppl: [[50], [253807]],
        train_loss: [[50], [12.1]],
      },
    ],
    [
      'fairseq simple format: end-of-epoch keys get their subset prefix like in json',
      '2020-12-17 11:13:54 | INFO | train_inner | epoch 001:      1 / 50000 loss=16.264, ppl=78675.2, num_updates=1, lr=0.0003\n' +
        "2020-12-17 11:38:15 | INFO | valid | epoch 001 | valid on 'valid' subset | loss 9.189 | ppl 583.79 | num_updates 10\n" +
        '2020-12-17 11:38:15 | INFO | train | epoch 001 | loss 11.87 | num_updates 10 | lr 0.0003\n',
      {
        epoch: [[1], [1]],
        loss: [[1], [16.264]],
        ppl: [[1], [78675.2]],
        lr: [[1], [0.0003]],
        valid_loss: [[10], [9.189]],
        valid_ppl: [[10], [583.79]],
        train_loss: [[10], [11.87]],
        train_lr: [[10], [0.0003]],
      },
    ],
    [
      'Detectron2 console (step = iter, max_mem with its unit)',
      '[08/16 19:05:24 d2.utils.events]:  eta: 0:10:14  iter: 19  total_loss: 1.234  loss_cls: 0.5  lr: 0.00039962  max_mem: 2610M\n' +
        '[08/16 19:05:30 d2.utils.events]:  eta: 0:10:01  iter: 39  total_loss: 1.1  loss_cls: 0.45  lr: 0.00079922  max_mem: 2610M\n',
      {
        total_loss: [[19, 39], [1.234, 1.1]],
        loss_cls: [[19, 39], [0.5, 0.45]],
        lr: [[19, 39], [0.00039962, 0.00079922]],
        max_mem: [[19, 39], [2610, 2610]],
      },
    ],
    [
      'Caffe-style glog lines',
      'I0101 12:00:00.123456 12345 solver.cpp:218] Iteration 100 (1.2 iter/s, 5s/100 iters), loss = 0.5\n' +
        'I0101 12:00:01.123456 12345 sgd_solver.cpp:105] Iteration 100, lr = 0.01\n',
      { loss: [[100], [0.5]], lr: [[100], [0.01]] },
    ],
    [
      'MNIST example: a batch counter in brackets makes the epoch fractional; the test line takes the last step',
      'Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.305954\nTrain Epoch: 1 [30000/60000 (50%)]\tLoss: 1.359780\n\n' +
        'Test set: Average loss: 0.0339, Accuracy: 9890/10000 (99%)\n',
      { Loss: [[1, 1.5], [2.305954, 1.35978]], 'Test Average loss': [[1.5], [0.0339]] },
    ],
    [
      'a test line after training lines is its own series at the step where it appears (iter over epoch)',
      'epoch:1 || iter:100 || Loss:5.7600\nepoch:1 || iter:200 || Loss:5.1000\n' +
        'test epoch:1 || Loss:2.8200\nepoch:2 || iter:300 || Loss:4.9000\nBest ValLoss: 2.8200\n',
      {
        epoch: [[100, 300], [1, 2]],
        Loss: [[100, 200, 300], [5.76, 5.1, 4.9]],
        'test Loss': [[200], [2.82]],
      },
    ],
    [
      'a per-epoch step counter becomes a global step (by its /total); a summary line without a step sits at the last step',
      'Epoch 1 | Step 0/650 | loss 3.0\nEpoch 1 | Step 600/650 | loss 2.0\nEpoch 1 | Val Loss 2.5\n' +
        'Epoch 2 | Step 0/650 | loss 1.9\nEpoch 2 | Step 600/650 | loss 1.5\nAverage Train Loss: 1.7\n',
      {
        epoch: [[0, 650], [1, 2]],
        loss: [[0, 600, 650, 1250], [3, 2, 1.9, 1.5]],
        'Val Loss': [[600], [2.5]],
        'Average Train Loss': [[1250], [1.7]],
      },
    ],
    [
      'a `Batch i/n` counter that starts again each epoch is a global step; a bare `batch 32` is none',
      'Epoch:  1 | Batch:   10/ 20 | Loss: 3.0\nEpoch:  1 | Batch:   20/ 20 | Loss: 2.0\n' +
        'Epoch 1 done | Val: 2.5\nEpoch:  2 | Batch:   10/ 20 | Loss: 1.5\nepoch 2 batch 32 loss 1.4\n',
      {
        epoch: [[10, 30], [1, 2]],
        Loss: [[10, 20, 30], [3, 2, 1.5]],
        Val: [[20], [2.5]],
        loss: [[30], [1.4]],
      },
    ],
    [
      'a `[count/total]` opening the line is the iteration when the line names no step',
      '[1/200000] Train loss: 0.5, Valid loss: 0.6\nCurrent_accuracy : 96.1\n[100/200000] Train loss: 0.4, Valid loss: 0.5\n',
      {
        'Train loss': [[1, 100], [0.5, 0.4]],
        'Valid loss': [[1, 100], [0.6, 0.5]],
        Current_accuracy: [[1], [96.1]],
      },
    ],
    [
      'rows of a table written without its header (`epoch,loss`) are steps and values while nothing else was read',
      '1,6.2338\n2,5.5418\n3,5.1258\n',
      { value: [[1, 2, 3], [6.2338, 5.5418, 5.1258]] },
    ],
    [
      'a `step,value` row inside a log with keyed lines is not a series',
      'epoch 1 loss 2.0\n3,4.5\nepoch 2 loss 1.5\n',
      { loss: [[1, 2], [2, 1.5]] },
    ],
    [
      'a value with a unit of time is a duration, never the loss its bare name says (`train 2.2s`)',
      'Epoch 001 loss 22.07 | train 2.5s\nEpoch 002 loss 14.79 | train 2.2s | infer 4.5s | val 3.1\nEpoch 003 loss 9.9 | time 41ms\n',
      {
        loss: [[1, 2, 3], [22.07, 14.79, 9.9]],
        'train [s]': [[1, 2], [2.5, 2.2]],
        infer: [[2], [4.5]],
        val: [[2], [3.1]],
        time: [[3], [41]],
      },
    ],
    [
      'values after a `best` / `最佳` in a line are a summary, not points (`保存最佳模型，验证损失: 5.97`)',
      'Epoch 1 | loss 3.0 | val_loss 3.2\n✓ 保存最佳模型，验证损失: 3.2\nEpoch 2 | loss 2.0 | val_loss 2.9\n' +
        'Saving best model, val_loss: 2.9\nEpoch 3 | loss 1.9 | val_loss 3.0 (best: 2.9)\n',
      {
        loss: [[1, 2, 3], [3, 2, 1.9]],
        val_loss: [[1, 2, 3], [3.2, 2.9, 3.0]],
      },
    ],
    [
      'a per-epoch counter without a total continues by its stride; the epoch from an `Epoch N/M` header',
      'Epoch 1/2\nstep 10 loss 3.0\nstep 20 loss 2.0\nEpoch 2/2\nstep 10 loss 1.5\nstep 20 loss 1.2\n',
      { epoch: [[10, 30], [1, 2]], loss: [[10, 20, 30, 40], [3, 2, 1.5, 1.2]] },
    ],
    [
      'epoch-level lines between step lines (the guide template after step lines) share the step axis',
      'step 10: loss 2.5000\nstep 20: loss 2.2000\nEpoch 1: Train Loss = 2.3000, Val Loss = 2.4000, LR = 0.001\n' +
        'step 30: loss 2.0000\nstep 40: loss 1.9000\nEpoch 2: Train Loss = 1.9500, Val Loss = 2.1000, LR = 0.001\n',
      {
        loss: [[10, 20, 30, 40], [2.5, 2.2, 2, 1.9]],
        epoch: [[20, 40], [1, 2]],
        'Train Loss': [[20, 40], [2.3, 1.95]],
        'Val Loss': [[20, 40], [2.4, 2.1]],
        LR: [[20, 40], [0.001, 0.001]],
      },
    ],
    [
      'section heads tag the keys after them; a parenthesised note between a key and its colon',
      'epoch 1 | train: loss=0.5 acc=0.8 | val: loss=0.6 acc=0.7\n' +
        'Training Loss (avg over last 100): 2.44\nValidation Loss (avg over last 100): 2.61\n' +
        'Evaluating: 100%|##########| 50/50 [00:01<00:00, loss=0.7]\n',
      {
        loss: [[1], [0.5]],
        acc: [[1], [0.8]],
        'val loss': [[1], [0.6]],
        'val acc': [[1], [0.7]],
        'Training Loss': [[1], [2.44]],
        'Validation Loss': [[1], [2.61]],
        'eval loss': [[1], [0.7]],
      },
    ],
    [
      'a block opened by a subset header (`Eval epoch: N`, then indented lines) is that subset; `i` is a step counter',
      '[01.01.20|10:00:00] Training epoch: 0\n[01.01.20|10:00:01] \tmean_loss: 2.5\n' +
        '[01.01.20|10:00:02] Eval epoch: 0\n[01.01.20|10:00:03] \tmean_loss: 2.9\n' +
        '[01.01.20|10:00:04] Training epoch: 1\n[01.01.20|10:00:05] \tmean_loss: 2.1\n' +
        '[TRAIN(0,0,33)]: i: 0, train_loss: 1.38\n[TRAIN(0,0,34)]: i: 10, train_loss: 1.37\n',
      {
        mean_loss: [[0, 1], [2.5, 2.1]],
        'Eval mean_loss': [[0], [2.9]],
        epoch: [[0], [1]],
        train_loss: [[0, 10], [1.38, 1.37]],
      },
    ],
    [
      'without any step, a train line and the validation line after it are one epoch; Python logging lines',
      '2025-09-16 12:11:54,678 - INFO - Train Loss: 1.2181, Train Acc: 0.51\n' +
        '2025-09-16 12:11:55,678 - INFO - Val Loss: 0.9706, Val Acc: 0.60\n' +
        '2025-09-16 12:11:56,678 - INFO - Train Loss: 1.1, Train Acc: 0.55\n' +
        '2025-09-16 12:11:57,678 - INFO - Val Loss: 0.95, Val Acc: 0.61\n' +
        '2023-10-05 18:38:46,776 - INFO - epoch: 0 validation, acc: 0.6014, loss: 2.1533\n',
      {
        'Train Loss': [[0, 1], [1.2181, 1.1]],
        'Train Acc': [[0, 1], [0.51, 0.55]],
        'Val Loss': [[0, 1], [0.9706, 0.95]],
        'Val Acc': [[0, 1], [0.6, 0.61]],
        'validation acc': [[0], [0.6014]],
        'validation loss': [[0], [2.1533]],
      },
    ],
    [
      'a step that goes back while the epoch does not is still a restart',
      'epoch 1 step 100 loss 2.0\nepoch 1 step 200 loss 1.8\nepoch 1 step 100 loss 2.0\n',
      { epoch: [[100], [1]], loss: [[100, 200, 100], [2, 1.8, 2]] },
    ],
    [
      'tensor and numpy reprs around values (the device index is not a series)',
      "epoch 1 loss: tensor(0.5432, device='cuda:0', grad_fn=<NllLossBackward0>) acc: np.float64(0.91)\n" +
        "epoch 2 loss: tensor(0.4000, device='cuda:0') acc: np.float64(0.95)\n",
      { loss: [[1, 2], [0.5432, 0.4]], acc: [[1, 2], [0.91, 0.95]] },
    ],
    [
      'MMDetection 2 console (`Epoch [1][50/7330]`, eta with days)',
      '2021-03-01 12:00:00,000 - mmdet - INFO - Epoch [1][50/7330]\tlr: 1.978e-03, eta: 1 day, 3:53:38, time: 0.486, memory: 3716, loss: 1.23\n' +
        '2021-03-01 12:00:30,000 - mmdet - INFO - Epoch [1][100/7330]\tlr: 3.976e-03, eta: 1 day, 3:50:00, time: 0.480, memory: 3716, loss: 1.1\n',
      {
        lr: [[1 + 50 / 7330, 1 + 100 / 7330], [0.001978, 0.003976]],
        time: [[1 + 50 / 7330, 1 + 100 / 7330], [0.486, 0.48]],
        memory: [[1 + 50 / 7330, 1 + 100 / 7330], [3716, 3716]],
        loss: [[1 + 50 / 7330, 1 + 100 / 7330], [1.23, 1.1]],
      },
    ],
    [
      'MMEngine console (`Iter(train) [  100/40000]`)',
      '2023/01/01 12:00:00 - mmengine - INFO - Iter(train) [  100/40000]  lr: 1.0e-02  eta: 5:00:00  time: 0.5  loss: 1.2\n' +
        '2023/01/01 12:00:50 - mmengine - INFO - Iter(train) [  200/40000]  lr: 1.0e-02  eta: 4:59:00  time: 0.5  loss: 1.1\n',
      { lr: [[100, 200], [0.01, 0.01]], time: [[100, 200], [0.5, 0.5]], loss: [[100, 200], [1.2, 1.1]] },
    ],
    [
      'values in other scripts and full-width punctuation',
      '第 1 轮：训练损失 = 0.5，验证损失 = 0.6\n第 2 轮：训练损失 = 0.4，验证损失 = 0.55\nÉpoque 3 — loss: 0.3 ━━ acc: 0.9 ✓\n',
      {
        训练损失: [[1, 2], [0.5, 0.4]],
        验证损失: [[1, 2], [0.6, 0.55]],
        Époque: [[2], [3]],
        loss: [[2], [0.3]],
        acc: [[2], [0.9]],
      },
    ],
    [
      'an evaluation line after a logger prefix is its own series (CSTA: INFO:root:Evaluation Epoch N)',
      'INFO:root:Epoch 0 - Average Loss: 4.1224, Average Accuracy: 0.0474, Samples: 1013\n' +
        'INFO:root:Evaluation Epoch 0 - Average Loss: 3.9494, Average Accuracy: 0.2038, Samples: 211\n' +
        'INFO:root:Epoch 1 - Average Loss: 4.1041, Average Accuracy: 0.0474, Samples: 1013\n' +
        'INFO:root:Evaluation Epoch 1 - Average Loss: 3.9431, Average Accuracy: 0.2038, Samples: 211\n',
      {
        'Average Loss': [[0, 1], [4.1224, 4.1041]],
        'Average Accuracy': [[0, 1], [0.0474, 0.0474]],
        Samples: [[0, 1], [1013, 1013]],
        'Evaluation Average Loss': [[0, 1], [3.9494, 3.9431]],
        'Evaluation Average Accuracy': [[0, 1], [0.2038, 0.2038]],
        'Evaluation Samples': [[0, 1], [211, 211]],
      },
    ],
    [
      'a phase line names the subset of the lines after it; a summary line is no point (GPT-2 LoRA)',
      'INFO:__main__:Epoch 0 | Step 6490/6501 | Loss: 0.5270 | PPL: 1.72\n' +
        'INFO:__main__:Epoch 0 | Step 6500/6501 | Loss: 0.5133 | PPL: 1.70\n' +
        'INFO:__main__:\u{1f4ca} Evaluation Results:\n' +
        'INFO:__main__:   Loss: 0.5301\n' +
        'INFO:__main__:   Perplexity: 1.70\n' +
        'INFO:__main__:\u2705 Epoch 0 completed in 4729.23s | Avg Loss: 0.6070\n' +
        'INFO:__main__:\u{1f389} Final Results: Loss=0.4886, PPL=1.63\n' +
        'Validating...\n' +
        'loss: 0.8\n' +
        '==> train\n' +
        'loss: 0.65\n',
      {
        epoch: [[6490], [0]],
        Loss: [[6490, 6500], [0.527, 0.5133]],
        PPL: [[6490, 6500], [1.72, 1.7]],
        'Evaluation Loss': [[6500], [0.5301]],
        'Evaluation Perplexity': [[6500], [1.7]],
        'Avg Loss': [[6500], [0.607]],
        'validation loss': [[6500], [0.8]],
        loss: [[6500], [0.65]],
      },
    ],
    [
      'a phase line holds for a few lines only',
      'Epoch 1 loss: 0.9\nEvaluating:\n' + 'saving images\n'.repeat(9) + 'loss: 0.5\n',
      { loss: [[1, 1], [0.9, 0.5]] },
    ],
    [
      'a `before --> after` report and values after `best` or after a value are no series (OpenNMT, simple-nmt)',
      '[2024-05-08 04:06:28,463 INFO] Validation perplexity: 5.45281\n' +
        '[2024-05-08 04:06:28,463 INFO] Model is improving ppl: inf --> 5.45281.\n' +
        '[2024-05-08 04:06:28,463 INFO] Model is improving acc: -inf --> 44.6274.\n' +
        'Validation - loss=3.9061e+00 ppl=49.71 best_loss=inf best_ppl=inf\n' +
        'step 100 -> loss: 0.5\n',
      {
        'Validation perplexity': [[0], [5.45281]],
        'Validation loss': [[0], [3.9061]],
        'Validation ppl': [[0], [49.71]],
        loss: [[100], [0.5]],
      },
    ],
    [
      'prose `<metric> is <value>`, not `batch size is 32` (PredNet on Paddle)',
      'Starting epoch 0 current lr is 0.001\n' +
        'Epoch 0, Step 25, total used time 7.178124904632568 (s), avg loss so far is 0.10979227721691132\n' +
        'Epoch 0, Step 50, total used time 14.059857845306396 (s), avg loss so far is 0.08230332285165787\n' +
        'Epoch 0, val loss is 0.0477195605635643, val mse is 0.024224352091550827.\n' +
        'batch size is 32\nepoch 3 is done\nthe model is 3 times larger\n',
      {
        lr: [[0], [0.001]],
        epoch: [[25], [0]],
        'avg loss': [[25, 50], [0.10979227721691132, 0.08230332285165787]],
        'val loss': [[50], [0.0477195605635643]],
        'val mse': [[50], [0.024224352091550827]],
      },
    ],
    [
      'prose that goes on after its value is no point (`Loss is nan at step 169, stopping training`)',
      'step 168: loss 2.5\nLoss is nan at step 169, stopping training.\n',
      { loss: [[168], [2.5]] },
    ],
    [
      'TF Estimator `***** Eval results *****`: the `loss` in the block is the evaluation loss',
      'INFO:tensorflow:loss = 0.75, step = 5400\n' +
        'INFO:tensorflow:***** Eval results *****\n' +
        'INFO:tensorflow:  eval_accuracy = 0.8500477\n' +
        'INFO:tensorflow:  loss = 0.7218847\n',
      { loss: [[5400], [0.75]], eval_accuracy: [[5400], [0.8500477]], 'Eval loss': [[5400], [0.7218847]] },
    ],
    [
      // The batch value moves with the model (a spike, a nan shows at once); the running mean in
      // parentheses lags it and starts again each epoch.
      'a batch value with its running mean in parentheses: the batch value is the point',
      'Epoch 1 | Step 10 | Loss 3.51 (4.02) | lr 0.01\nEpoch 1 | Step 20 | Loss nan (3.90) | lr 0.01\n',
      { epoch: [[10], [1]], Loss: [[10, 20], [3.51, NaN]], lr: [[10, 20], [0.01, 0.01]] },
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(read(input)).toEqual(expected);
  });

  it.each(cases)('%s: same result for any chunking, split inside UTF-8 characters included', (_n, input) => {
    const bytes = new TextEncoder().encode(input);
    const ref = snapshot(parseBytes('text', bytes, 'mem', 1 << 16)[0]);
    for (const chunk of [1, 2, 3, 5]) expect(snapshot(parseBytes('text', bytes, 'mem', chunk)[0])).toBe(ref);
  });

  it('gives every point its 1-based source line (\\r redraws keep the line of their \\n line)', () => {
    const run = run1('header\n{\'loss\': 1.0, \'epoch\': 1}\nx\rEpoch 2: loss=0.5\r\nEpoch 3: loss=0.25\n');
    expect(Array.from(run.series.get('loss')!.lines!.view())).toEqual([2, 3, 4]);
  });

  it('a Keras progress bar keeps the line of the state it kept', () => {
    const run = run1('Epoch 1/1\n 1/2 [==>....] - ETA: 1s - loss: 0.9\n 2/2 [=======] - 1s 5ms/step - loss: 0.7\n');
    expect(values(run, 'loss')).toEqual([0.7]);
    expect(Array.from(run.series.get('loss')!.lines!.view())).toEqual([3]);
  });

  it('emits one restart event per backward jump of the step, not one per series', () => {
    const run = run1(
      'Epoch 1/2\n1/1 - 0s - loss: 0.9 - accuracy: 0.1\nEpoch 2/2\n1/1 - 0s - loss: 0.8 - accuracy: 0.2\n' +
        'Epoch 1/2\n1/1 - 0s - loss: 0.7 - accuracy: 0.3\nEpoch 2/2\n1/1 - 0s - loss: 0.6 - accuracy: 0.4\n',
    );
    expect(run.events).toEqual([{ type: 'restart', series: 'loss', fromStep: 2, toStep: 1, line: 6 }]);
    expect(steps(run, 'loss')).toEqual([1, 2, 1, 2]);
    expect(run.series.get('accuracy')!.restarts).toBe(1);
  });

  it('a per-epoch counter starting again is no restart; going back within an epoch, or to an earlier epoch, is one', () => {
    const perEpoch = run1('Epoch 1 | Step 0/3 | loss 3\nEpoch 1 | Step 2/3 | loss 2\nEpoch 2 | Step 0/3 | loss 1.5\n');
    expect(perEpoch.events).toEqual([]);
    expect(steps(perEpoch, 'loss')).toEqual([0, 2, 3]);
    const resumed = run1(
      'epoch 3 step 0 loss 3\nepoch 3 step 50 loss 2\nepoch 2 step 0 loss 2.5\nepoch 2 step 50 loss 2.1\n',
    );
    expect(resumed.events).toEqual([{ type: 'restart', series: 'loss', fromStep: 50, toStep: 0, line: 3 }]);
    const test = run1('epoch:1 || iter:100 || Loss:5.7\ntest epoch:1 || Loss:2.8\nepoch:2 || iter:200 || Loss:4.9\n');
    expect(test.events).toEqual([]);
  });

  it('names the values of a headerless table after the file when its name says what they are', () => {
    const rows = new TextEncoder().encode('1,6.2338\n2,5.5418\n');
    expect([...parseBytes('text', rows, 'runs/loss_log.txt', 5)[0].series.keys()]).toEqual(['loss']);
    expect([...parseBytes('text', rows, 'runs/acc_history.txt', 5)[0].series.keys()]).toEqual(['accuracy']);
  });

  it('says when its steps are epochs (only epoch counters, no finer one)', () => {
    expect(run1('Epoch 1: Train Loss = 0.5\nEpoch 2: Train Loss = 0.4\n').meta.stepUnit).toBe('epoch');
    expect(run1('Epoch 1/2\n1/1 - 0s - loss: 0.9\nEpoch 2/2\n1/1 - 0s - loss: 0.8\n').meta.stepUnit).toBe('epoch');
    expect(run1("{'loss': 1.1, 'epoch': 0.5}\n{'loss': 1.0, 'epoch': 1.0}\n").meta.stepUnit).toBe('epoch');
    expect(run1('epoch 1 step 100 loss 2.0\nepoch 1 step 200 loss 1.8\n').meta.stepUnit).toBeUndefined();
    expect(run1('iter 100: loss 2.0\niter 200: loss 1.8\n').meta.stepUnit).toBeUndefined();
  });

  it('lists the first 100 restarts and counts the rest in one note', () => {
    let t = '';
    for (let i = 0; i < 150; i++) t += `step=5 loss=0.5\nstep=1 loss=0.4\n`;
    const run = run1(t, 4096);
    expect(run.events.filter(e => e.type === 'restart')).toHaveLength(100);
    const notes = run.events.filter(e => e.type === 'note');
    expect(notes).toEqual([{ type: 'note', message: 'the step went backwards 50 more times after the 100 restarts listed', unlistedRestarts: 50 }]);
    expect(values(run, 'loss')).toHaveLength(300);
  });

  it('keeps a fairseq nan_detector warning as one note, however often it repeats', () => {
    const line = '2020-12-10 12:38:53 | WARNING | fairseq.nan_detector | Inf detected in output of decoder.layers.21, shape: torch.Size([1024, 2, 1024]), forward input max: 64288.0, input min: -47264.0\n';
    const run = run1(line + line + line);
    expect(run.series.size).toBe(0);
    expect(run.events.filter(e => e.type === 'note')).toHaveLength(1);
  });

  it.each<[string, string]>([
    ['dates, times and versions', '2024-01-01 12:21:56,123 - INFO - Python 3.8.10, torch 1.12.1+cu113, transformers 4.38.1\n'],
    ['tensor shapes', 'input shape [32, 3, 224, 224] torch.Size([1024, 2, 1024])\n'],
    ['tqdm percentages and counters', '  45%|████▌     | 45/100 [00:10<00:12,  4.5it/s]\nMap: 100%|██████████| 3290/3290 [00:11<00:00, 274.45 examples/s]\n'],
    ['model summaries', 'Total params: 1,234,567\nTrainable params: 1,234,567\nModel Summary: 283 layers, 7071633 parameters, 7071633 gradients, 16.4 GFLOPs\n'],
    ['an `Epoch 3/10` header alone', 'Epoch 3/10\n'],
    ['a TrainingArguments dump', 'Seq2SeqTrainingArguments(\n_n_gpu=1,\nlearning_rate=5e-05,\nmax_grad_norm=1.0,\nwarmup_ratio=0.0,\n)\n'],
    ['a JSON config dump', 'Model config BartConfig {\n  "d_model": 1024,\n  "dropout": 0.1,\n  "id2label": {\n    "0": "LABEL_0"\n  },\n  "vocab_size": 51271\n}\n'],
    ['a `***** Running training *****` block', '***** Running training *****\n  Num examples = 3,290\n  Num Epochs = 10\n  Total optimization steps = 5,490\n***** train metrics *****\n  epoch = 10.0\n  train_loss = 0.4479\n'],
    ['a traceback', 'Traceback (most recent call last):\n  File "train.py", line 610, in <module>\n    main(opt)\nRuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 15.78 GiB total capacity)\n'],
    ['numbers inside words and prose', 'Using 8 dataloader workers\ntraining on 4 devices (GPUs/TPUs)\nEpoch 1: val_loss improved from inf to 0.40000, saving model to model.h5\nlayer3.conv2 top1x v2\n'],
    ['a non-metric dict', "Non-default generation parameters: {'max_length': 512, 'early_stopping': True, 'num_beams': 4}\n"],
    // PyTorch's word_language_model prints its argparse Namespace before the first epoch
    ['a one-line argparse Namespace', "Namespace(annealing_loss_improvement_pct=1.0, batch_size=20, bptt=35, clip=0.25, lr=20, model='RNN_TANH', tied=False)\n"],
    ['a labelled Namespace', "2024-01-01 12:00:00 INFO args: Namespace(lr=0.1, weight_decay=0.0005, epochs=10)\n"],
    ['a one-line Arguments repr', 'TrainingArguments(learning_rate=5e-05, num_train_epochs=3, warmup_steps=500)\n'],
    ['a labelled config dict', "Config: {'lr': 0.1, 'batch_size': 32, 'momentum': 0.9}\nargs = {\"lr\": 0.01, \"gamma\": 0.1}\nhyper-parameters: {'lr': 0.001}\n"],
  ])('makes no series from %s', (_name, input) => {
    const run = run1(input);
    expect(counts(run)).toEqual({});
    expect(run.events.filter(e => e.type === 'malformed')).toEqual([]);
  });

  it('reads the lines after a dump block, and after an opener whose close never comes', () => {
    const t = read(
      'Seq2SeqTrainingArguments(\n_n_gpu=1,\nlearning_rate=5e-05,\n)\n' +
        "{'loss': 0.5, 'epoch': 1.0}\n" +
        '  warnings.warn(\n' +
        "{'loss': 0.4, 'epoch': 2.0}\n",
    );
    expect(t).toEqual({ loss: [[1, 2], [0.5, 0.4]] });
  });

  it('reads metric dicts and calls that are not configuration', () => {
    // a dict of metrics with a label that is not a configuration's, and a metric line ending in `)`
    const t = read("Epoch 1: {'loss': 0.5, 'lr': 0.1}\ntrain metrics: {'loss': 0.4, 'lr': 0.1}\nstep 3 loss 0.3 (lr=0.1)\n");
    expect(Object.keys(t).sort()).toEqual(['loss', 'lr']);
    expect(t.loss[1]).toEqual([0.5, 0.4, 0.3]);
  });
});

describe('text parser: the step axis of real log shapes', () => {
  it('skips NUL padding (a file pre-allocated, or a hole a crashed writer left), line numbers kept', () => {
    const enc = new TextEncoder();
    const a = enc.encode('step   700 | loss 4.5105 | lm 6.1508 | lr 2.99e-04\nstep   710 | loss 4.37');
    const b = enc.encode('step   720 | loss 4.4358 | lm 6.0456 | lr 2.99e-04\n');
    const data = new Uint8Array(11363 + a.length + 40 + b.length);
    data.set(a, 11363); // leading padding, the first line glued to it
    data.set(b, 11363 + a.length + 40); // a hole after a cut line
    for (const chunk of [7, 4096, 1 << 16]) {
      const run = parseBytes('text', data, 'mem', chunk)[0];
      expect(table(run).loss).toEqual([[700, 710, 720], [4.5105, 4.37, 4.4358]]);
      expect(steps(run, 'lm')).toEqual([700, 720]);
      // (the hole parts line 2 as a `\r` would: the record after it is on line 2 of the file)
      expect(Array.from(run.series.get('loss')!.lines!.view())).toEqual([1, 2, 2]);
    }
  });

  it('reads thousands separators as one number, and leaves value lists alone', () => {
    const t = read(
      '23-05-05 21:26:52.413 - INFO: [epoch:  0, iter:     900, lr:(2.000e-04,)] l_pix: 2.9331e+05 \n' +
        '23-05-05 21:28:02.492 - INFO: [epoch:  0, iter:   1,000, lr:(2.000e-04,)] l_pix: 4.3229e+02 \n' +
        '23-05-05 21:28:02.492 - INFO: [epoch:  9, iter: 121,400, lr:(1.9e-04,)] l_pix: 9.6e-03 \n' +
        '23-05-05 21:28:02.492 - INFO: [epoch: 99, iter: 12,345,678, lr:(1.9e-04,)] l_pix: 8.5e-03 \n',
    );
    expect(t.l_pix[0]).toEqual([900, 1000, 121400, 12345678]);
    // (a list of values, a CSV-like row, a leading zero, decimals: not thousands)
    const u = read('step 1 loss: 0.5, acc: 0.9\nstep 2 loss: 0.4,acc: 0.91\n');
    expect(u).toEqual({ loss: [[1, 2], [0.5, 0.4]], acc: [[1, 2], [0.9, 0.91]] });
    const v = read('1,2.5\n2,2.25\n3,2.0\n');
    expect(v.value).toEqual([[1, 2, 3], [2.5, 2.25, 2]]);
    // (`0,125` has a leading zero: no thousands, and not read as 125 either)
    const w = read('step 1,000 loss 0,125\nstep 2,000 loss 0.1\n');
    expect(w.loss).toEqual([[2000], [0.1]]);
  });

  it('reads a step total written with thousands separators', () => {
    const run = run1('iter 1,000/600,000 loss 0.5\niter 2,000/600,000 loss 0.4\n');
    expect(table(run).loss).toEqual([[1000, 2000], [0.5, 0.4]]);
    expect(run.meta.plannedSteps).toBe('600000');
  });

  it('a per-epoch counter that reads the same every epoch continues over the epochs', () => {
    const t = read(
      'Total Epoch:300 Image_size:(256, 256)\n' +
        '[train] epoch:0 iter:0/18 0.00% lr:0.001000 loss:1.298646 ETA:0.0min\n' +
        '[val] epoch:0 miou:0.20\n' +
        '[train] epoch:1 iter:0/18 0.00% lr:0.000999 loss:0.612000 ETA:0.0min\n' +
        '[val] epoch:1 miou:0.31\n' +
        '[train] epoch:2 iter:0/18 0.00% lr:0.000997 loss:0.585000 ETA:0.0min\n',
    );
    expect(t.loss).toEqual([[0, 18, 36], [1.298646, 0.612, 0.585]]);
  });

  it('a counter first read before any epoch is not made global when the epoch appears', () => {
    const t = read(
      'INFO: Number of train images: 49,400, iters: 6,175\n' +
        'INFO: [epoch:  0, iter:     100, lr:(2.000e-04,)] l_pix: 2.9331e+05 \n' +
        'INFO: [epoch:  0, iter:     200, lr:(2.000e-04,)] l_pix: 1.1071e+05 \n',
    );
    expect(t.l_pix[0]).toEqual([100, 200]);
  });

  it('spreads per-batch values logged under an epoch counter alone over the epoch', () => {
    const lines: string[] = [];
    for (let e = 1; e <= 3; e++) {
      lines.push(`2025-03-02 05:16:20,348 - INFO - ##### Epoch ${e} #####`);
      for (let k = 0; k < 4; k++) lines.push(`2025-03-02 05:16:20,962 - INFO - Epoch ${e} - Batch loss: ${(10 - e - k / 10).toFixed(4)}`);
      lines.push(`2025-03-02 05:24:38,655 - INFO - Epoch ${e} - Average Train Loss: ${(9.8 - e).toFixed(4)}`);
    }
    const run = run1(lines.join('\n') + '\n');
    // (five records an epoch: four batches, then the epoch's average at the epoch's end)
    expect(steps(run, 'Batch loss')).toEqual([1, 1.2, 1.4, 1.6, 2, 2.2, 2.4, 2.6, 3, 3.2, 3.4, 3.6]);
    expect(steps(run, 'Average Train Loss')).toEqual([1.8, 2.8, 3.8]);
    expect(run.events.filter(e => e.type === 'restart')).toEqual([]);
    // one value an epoch stays at the epoch
    expect(read('Epoch 1 - loss: 0.5\nEpoch 2 - loss: 0.4\n').loss[0]).toEqual([1, 2]);
  });

  it('gives the metric block under a step line that step (OLMo), and a logger name no series', () => {
    const hdr = (n: number) => `2025-12-27 22:12:56.867\tfine-work-echoes-fin-03:0\tolmo.train:990\tINFO\t[step=${n}/10000,epoch=0]\n`;
    const block = (ce: number) =>
      `    optim/total_grad_norm=1.608\n    train/CrossEntropyLoss=${ce}\n    train/Perplexity=8,641\n` +
      '    grad_provenance/embedding_grad_mean=2.891206013876175e-17\n    throughput/total_training_log_Gflops=15.72\n';
    const run = run1(
      '2025-12-27 22:11:53.985\tfine-work-echoes-fin-03:0\ttrain:417\tINFO\tCLI environment prepared\n' +
        '2025-12-27 22:11:57.554\tfine-work-echoes-fin-03:0\ttrain:232\tINFO\tPeak GPU Memory (MB) after ddp: 1218\n' +
        hdr(10) + block(9.064) + hdr(20) + block(8.247) + hdr(30) + block(7.5),
    );
    const t = table(run);
    expect(t['train/CrossEntropyLoss']).toEqual([[10, 20, 30], [9.064, 8.247, 7.5]]);
    expect(t['throughput/total_training_log_Gflops'][0]).toEqual([10, 20, 30]);
    expect(t['train/Perplexity'][1]).toEqual([8641, 8641, 8641]);
    expect(t.train).toBeUndefined();
  });

  it('pairs a step line with the metric line right after it (tf-speaker: a record on two lines)', () => {
    const t = read(
      'current step: 100th step\nloss: 2.3148\ncurrent step: 200th step\nloss: 2.0712\n' +
        'model saved\ncurrent step: 301st step\nloss: 1.9920\n',
    );
    expect(t.loss).toEqual([[100, 200, 301], [2.3148, 2.0712, 1.992]]);
    // (a non-standard ordinal is its number too, as TI_SV writes `21th`; a line that is not
    // right after the step line keeps its own)
    expect(read('current step: 101th step\nloss: 2.3\n').loss[0]).toEqual([101]);
    expect(read('step 5\n\nloss: 2.3\nloss: 2.2\n').loss[0]).toEqual([0, 1]);
  });
});

describe('text parser: what is not a point, and what is another series', () => {
  it('counts of data (split sizes, loaded images, batches) are not metrics', () => {
    const log =
      '2026-05-08 22:39:25 | INFO |   Class [00] AKIEC: 303 images\n' +
      '2026-05-08 22:39:25 | INFO | [Split] Train=3667 | Val=786 | Test=787\n' +
      '2026-05-08 22:39:25 | INFO | [DataLoaders] Train=115 batches | Val=25 batches | Test=25 batches\n' +
      'INFO:src.data_loader:Loaded TRAIN set: 41592 images\n' +
      'INFO:src.data_loader:Loaded VAL set: 5199 images\n' +
      '2026-05-08 22:49:56 | INFO | Epoch [001/30] TrainLoss=1.8695 TrainAcc=48.54% | ValLoss=1.3028 ValAcc=60.94%\n' +
      '2026-05-08 22:59:30 | INFO | Epoch [002/30] TrainLoss=1.5289 TrainAcc=54.79% | ValLoss=1.1843 ValAcc=63.10%\n';
    const t = read(log);
    expect(Object.keys(t).sort()).toEqual(['TrainAcc', 'TrainLoss', 'ValAcc', 'ValLoss']);
    // (build-nanogpt's `<step> train <loss>` keeps its bare subset names; a rate or a key named
    // like a unit stays a metric)
    expect(read('0 train 10.9833\n0 val 10.9778\n').val).toEqual([[0], [10.9778]]);
    const u = read('step 10 | loss 2.3 | 1200 samples/s\nstep 20 | loss 2.1 samples 64\n');
    expect(u.loss).toEqual([[10, 20], [2.3, 2.1]]);
    // (a header of sizes and a line of settings are no points either)
    const h = read(
      'Total Epoch:300 Image_size:(256, 256) Training num:288  Validation num:72\n' +
        '2025-05-12 13:07:32,454 - ViT_finetune - INFO - Parameters: BATCH_SIZE=30, IMAGE_SIZE=(224, 224), NUM_EPOCHS=40, LR=1e-05, PRETRAINED=True\n' +
        '[train] epoch:0 iter:0/18 0.00% lr:0.001000 loss:1.298646 ETA:0.0min\n',
    );
    expect(Object.keys(h).sort()).toEqual(['epoch', 'loss', 'lr']);
  });

  it('a run named before its step is a series of its own (several trainings in one log)', () => {
    const run = run1(
      'LSTM_e1 Epoch 1: Loss = 4.1839\n' +
        'Saved checkpoint to checkpoints/LSTM_e1_epoch1.pt\n' +
        '[LSTM_e1] Temperature=0.7\n' +
        'Transformer_L2_e1 Epoch 1: Loss = 3.6678\n' +
        'LSTM_e2 Epoch 1: Loss = 4.1702\n' +
        'LSTM_e2 Epoch 2: Loss = 3.7726\n' +
        'Transformer_L2_e2 Epoch 1: Loss = 3.6674\n' +
        'Transformer_L2_e2 Epoch 2: Loss = 3.3713\n',
    );
    const t = table(run);
    expect(t['LSTM_e2/Loss']).toEqual([[1, 2], [4.1702, 3.7726]]);
    expect(t['Transformer_L2_e2/Loss']).toEqual([[1, 2], [3.6674, 3.3713]]);
    expect(t['LSTM_e1/Loss']).toEqual([[1], [4.1839]]);
    expect(t.Loss).toBeUndefined();
    // the role is the loss's, and merging nothing, nothing restarts
    expect(run.series.get('LSTM_e2/Loss')!.role).toBe('train_loss');
    expect(run.events.filter(e => e.type === 'restart')).toEqual([]);
    // (a word of prose, a subset, a log level before the step is no run's name)
    expect(Object.keys(read('Starting epoch 1: loss = 2.5\nStarting epoch 2: loss = 2.4\n'))).toEqual(['loss']);
    expect(Object.keys(read('INFO Epoch 1: loss = 2.5\nTrain Epoch 2: loss = 2.4\n'))).toEqual(['loss']);
  });

  it("an epoch's summary beside per-batch values of the same key is a series of its own", () => {
    const batch = (e: number, i: number, l: number) => `Epoch  ${e} | Batch ${i}/972 | Time/Batch(ms) 691.84 | Train Loss ${l}\n`;
    const run = run1(
      'Start loading the data....\n' +
        batch(1, 100, 0.7241) + batch(1, 900, 0.6556) +
        'F1 score:  0.9076519781738399\n' +
        'Epoch  1 | Time 1041.3202 sec | Train Acc 21.7959 | Train Loss 0.6782 | Valid Loss 0.6181\n' +
        batch(2, 100, 0.6354) + batch(2, 900, 0.5963) +
        'Epoch  2 | Time 1036.9255 sec | Train Acc 23.3938 | Train Loss 0.6154 | Valid Loss 0.5589\n',
    );
    const t = table(run);
    expect(t['Train Loss'][1]).toEqual([0.7241, 0.6556, 0.6354, 0.5963]);
    expect(t['Train Loss (epoch)']).toEqual([[900, 1872], [0.6782, 0.6154]]);
    expect(run.series.get('Train Loss (epoch)')!.role).toBe('train_loss');
    expect(t['Valid Loss'][1]).toEqual([0.6181, 0.5589]);
  });

  it('keys in parentheses after a loss are its terms', () => {
    const run = run1(
      'INFO:__main__:Epoch 1 [0/5199] Loss: 1.6766 (Pix:0.894 Per:0.856)\n' +
        'INFO:__main__:Epoch 1 [100/5199] Loss: 0.2288 (Pix:0.134 Per:0.089)\n' +
        'Epoch: [0]  [5/6]  lr: 0.001  loss: 8.2773 (8.2773)  time: 0.5 (0.6)\n' +
        'step 3 loss: 2.5 (avg: 2.7) acc: 0.5\n',
    );
    expect(run.series.get('Pix')!.role).toBe('loss_part');
    expect(run.series.get('Per')!.role).toBe('loss_part');
    expect(run.series.get('Loss')!.role).toBe('train_loss');
    expect(run.series.get('avg')!.role).toBe('other');
    expect(run.series.get('time')!.role).toBe('other');
  });

  it("an evaluation's progress bar is one point, its last state, at its epoch", () => {
    const bar = (n: number, v: number) => `Epoch 25/40 [Val]:   ${Math.floor(n / 4)}%|          | ${n}/400 [00:00<04:23,  1.52it/s, val_loss=${v}]`;
    const tbar = (n: number, v: number) => `Epoch 26/40 [Train]:   0%|          | ${n}/3600 [00:00<35:12,  1.70it/s, loss=${v}, lr=2.00e-08]`;
    const run = run1(
      '2025-05-12 13:07:41,473 - ViT_finetune - INFO - Validating model from loaded checkpoint (Epoch 25) before resuming training...\n' +
        [bar(0, 1.992), bar(1, 1.992), bar(1, 2.1972), bar(3, 2.1232), bar(400, 2.1376)].join('\r') + '\n' +
        '2025-05-12 13:08:17,488 - ViT_finetune - INFO - Epoch [25], Validation Loss: 2.1376, Accuracy: 66.33%\n' +
        [tbar(0, 0.1176), tbar(1, 0.1176), tbar(1, 0.143), tbar(2, 0.143), tbar(2, 0.1058)].join('\r') + '\n',
    );
    const t = table(run);
    expect(t.val_loss).toEqual([[25], [2.1376]]);
    // (a training bar's postfix is per step: a step drawn twice counts once)
    expect(t.loss).toEqual([[26, 26 + 1 / 3600, 26 + 2 / 3600], [0.1176, 0.143, 0.1058]]);
    // the same bar written a line per redraw (no \r)
    const u = read([bar(1, 1.992), bar(3, 2.1232), bar(400, 2.1376)].join('\n') + '\n');
    expect(u.val_loss).toEqual([[25], [2.1376]]);
  });

  it('values after a line saying the model is in evaluation mode are an evaluation', () => {
    const t = read(
      'Training finished. Total time: 2461.84 seconds\n权重加载成功，模型已切换为评估模式\n\nBackbone: resnet18\nClass         IoU\n' +
        'bg         0.8872\nperson     0.4360\ncar        0.4623\ncat        0.4189\ndog        0.1477\n' +
        'mIoU       0.4704\nPixel Accuracy: 0.8785\n',
    );
    expect(t['eval Pixel Accuracy'][1]).toEqual([0.8785]);
    expect(t['Pixel Accuracy']).toBeUndefined();
    expect(run1('Switching model to eval mode\nAccuracy: 0.91\n').series.get('eval Accuracy')!.role).toBe('val_acc');
  });

  it('an epoch counter back to the first epoch starts the finer counter from scratch (stages one after the other)', () => {
    const line = (e: number, st: number, l: number) =>
      `2022-11-21 19:27:39.088521 : Epoch: ${e}, Step: ${st}, accuracy: 0.9, det loss: ${l}, bbox loss: 0.02, all_loss: ${l + 0.02}, lr:0.01 \n`;
    const run = run1(
      'Training Pnet:\n' + line(1, 0, 0.7) + line(1, 200, 0.3) + line(2, 0, 0.25) + line(2, 200, 0.2) +
        'Training Rnet:\n' + line(1, 0, 0.9) + line(1, 200, 0.4) + line(2, 0, 0.3),
    );
    expect(steps(run, 'all_loss')).toEqual([0, 200, 400, 600, 0, 200, 400]);
    expect(run.series.get('all_loss')!.role).toBe('train_loss');
    expect(run.events.filter(e => e.type === 'restart')).toEqual([
      { type: 'restart', series: 'accuracy', fromStep: 600, toStep: 0, line: 7 },
    ]);
  });
});

describe('text parser: the real corpus', () => {
  // [file, exact {series: points}, restart events]
  const corpus: Array<[string, Record<string, number>, number]> = [
    [
      // loss/accuracy:  tr -d '\r' < F | grep -cE '^ *[0-9]+/[0-9]+ .*- loss: '          -> 1700
      //                 tr -d '\r' < F | grep -cE -- ' - accuracy: '                        -> 1700
      // restarts:       grep -c '^Epoch 1/' F  -> 5 fit() runs, so 4 jumps back to epoch 1
      'stdout/keras_verbose2_readme.txt',
      { loss: 1700, accuracy: 1700 },
      4,
    ],
    [
      // Loss:     grep -c '| Loss: ' F                                                      -> 200
      // summary:  grep -cE '^(Accuracy|Precision|Recall|F1 Score|IoU Score) *:' F          -> 5 (one each)
      'stdout/custom_epoch_pipe_training.log',
      { Loss: 200, Accuracy: 1, Precision: 1, Recall: 1, 'F1 Score': 1, 'IoU Score': 1 },
      0,
    ],
    [
      // train dicts:  grep -c "^{'loss'" F       -> 10 (loss, grad_norm, learning_rate)
      // eval dicts:   grep -c "^{'eval_loss'" F  -> 10 (eval_loss, eval_rouge-1/-2/-l, eval_gen_len;
      //               eval_runtime and *_per_second are throughput, not metrics)
      // summary:      grep -c "'train_loss'" F   -> 1 (the `train_loss = 0.4479` of the
      //               `***** train metrics *****` block is the same value and is skipped)
      'stdout/jaong_cpt_cmd.txt',
      {
        loss: 10,
        grad_norm: 10,
        learning_rate: 10,
        eval_loss: 10,
        'eval_rouge-1': 10,
        'eval_rouge-2': 10,
        'eval_rouge-l': 10,
        eval_gen_len: 10,
        train_loss: 1,
      },
      0,
    ],
    [
      // grep -cE '(loss|acc)[^a-z]*[:=] *[0-9]' F  -> 0: a model table, tqdm and a traceback only
      'stdout/yolov5_wandb_output.log',
      {},
      0,
    ],
    [
      // awk '{c[$2]++} END{for(k in c) print k, c[k]}' F   -> train 19073, val 78, hella 78
      'stdout/build_nanogpt_log.txt',
      { val: 78, hella: 78, train: 19073 },
      0,
    ],
    [
      // awk '{c[$2]++} END{for(k in c) print k, c[k]}' F   -> train 56047, val 225, hella 225
      'stdout/build_nanogpt_log_2.5_epoch_full.txt',
      { val: 225, hella: 225, train: 56047 },
      0,
    ],
    [
      // grep -c 'train_loss:' F -> 1875; grep -c 'val_loss:' F -> 16;
      // grep -c 'train_time:' F -> 1891; grep -c 'step_avg:' F -> 1891
      'stdout/modded_nanogpt_flexattention_log.txt',
      { val_loss: 16, train_time: 1891, step_avg: 1891, train_loss: 1875 },
      0,
    ],
    [
      // grep -c 'train_loss:' F -> 20344; grep -c 'val_loss:' F -> 164;
      // grep -c 'train_time:' F -> 20508; grep -c 'step_avg:' F -> 20508
      'stdout/modded_nanogpt_scaleup1b_log.txt',
      { val_loss: 164, train_time: 20508, step_avg: 20508, train_loss: 20344 },
      0,
    ],
    [
      // python3 -c "import json,sys,collections; c=collections.Counter(); [c.update(k for k in
      //   json.loads(l.split('| train_inner | ',1)[1]) if k not in ('epoch','update','num_updates'))
      //   for l in open(sys.argv[1]) if '| train_inner | {' in l]; print(dict(c))" F
      //   -> 11 keys x 4 lines
      'fairseq_log/big_run.run1_train.log',
      // (+ the epoch beside num_updates, for the epoch axis)
      { epoch: 1, loss: 4, ppl: 4, wps: 4, ups: 4, wpb: 4, bsz: 4, lr: 4, gnorm: 4, loss_scale: 4, train_wall: 4, wall: 4 },
      0,
    ],
    [
      // python3 -c "
      // import sys,re,collections
      // c=collections.Counter()
      // for l in open(sys.argv[1]):
      //     m=re.search(r'\| (train_inner|valid|train) \| (.*)',l)
      //     if not m: continue
      //     tag,body=m.groups()
      //     if tag=='train_inner': keys=[p.split('=')[0] for p in re.sub(r'^.*?\d+ / \d+ ','',body).split(', ')]
      //     else: keys=[tag+'_'+p.split()[0] for p in body.split(' | ') if re.fullmatch(r'\w+ [-0-9.]+',p.strip()) and p.split()[0]!='epoch']
      //     c.update(k for k in keys if k!='num_updates' and not k.endswith('_num_updates'))
      // print(dict(c))" F
      // (fairseq's own json format names the train line's `wall` `train_wall` too, so the 3
      // train_inner `train_wall` points and the end-of-epoch `wall` share that name)
      'fairseq_log/run_simple_train.log',
      {
        epoch: 1,
        loss: 3,
        ppl: 3,
        wps: 3,
        ups: 3,
        wpb: 3,
        bsz: 3,
        lr: 3,
        gnorm: 3,
        loss_scale: 3,
        train_wall: 4,
        wall: 3,
        valid_loss: 1,
        valid_ppl: 1,
        valid_wps: 1,
        valid_wpb: 1,
        valid_bsz: 1,
        train_loss: 1,
        train_ppl: 1,
        train_wps: 1,
        train_ups: 1,
        train_wpb: 1,
        train_bsz: 1,
        train_lr: 1,
        train_gnorm: 1,
        train_loss_scale: 1,
        train_train_wall: 1,
      },
      0,
    ],
    [
      // PredNet on Paddle: prose `<metric> is <value>` lines.
      // grep -c 'avg loss so far is' F                 -> 750
      // grep -c ', val loss is .*, val mse is' F       -> 150
      // grep -c 'test mse is' F                        -> 150
      // grep -c 'current lr is' F                      -> 150 (`Starting epoch N current lr is X`)
      // (+ the epoch beside the step, for the epoch axis: one point per epoch)
      '../judged/text/prednet-paddle-running-avg.log',
      { lr: 150, epoch: 150, 'avg loss': 750, 'val loss': 150, 'val mse': 150, 'test mse': 150 },
      0,
    ],
    [
      // OpenNMT-py: grep -c 'Step [0-9]*/100000; acc:' F -> 32 (acc, ppl, xent, lr);
      // grep -c 'Validation perplexity:' F -> 8; grep -c 'Validation accuracy:' F -> 8;
      // the 6 + 6 `Model is improving ppl: 5.45 --> 2.44` lines are no series
      '../judged/text/opennmt-morph-earlystop.log',
      { acc: 32, ppl: 32, xent: 32, lr: 32, 'Validation perplexity': 8, 'Validation accuracy': 8 },
      0,
    ],
    // The judged logs the text reader misread (test/fixtures/judged/text).
    [
      // grep -c '^Epoch [0-9]*/1000' F -> 1000; tr '\r' '\n' < F | grep -c ' - val_loss: ' -> 1000
      // (a prose first line `Train on 58 samples, validate on 26 samples`)
      '../judged/text/keras-leaf-58samples-1000ep.txt',
      { loss: 1000, sparse_categorical_accuracy: 1000, val_loss: 1000, val_sparse_categorical_accuracy: 1000 },
      0,
    ],
    [
      // tr -d '\000' < F | grep -c '^step .* | loss ' -> 281 (after 11363 NUL bytes)
      '../judged/text/neuro-lm-nul-prefixed.log',
      { loss: 281, lm: 281, ppl: 281, lr: 281, mesoLG: 281, DA: 281, NE: 281, ACh: 281, eCB: 281, Glu: 281, GABA: 281 },
      0,
    ],
    [
      // grep -c '^\[train\] epoch:' F -> 164; grep -c '^\[val\] epoch:' F -> 163
      '../judged/text/unetpp-hsi-sgdr-killed.txt',
      // (the header's `Training num:288  Validation num:72` are counts of data, no series)
      { epoch: 164, lr: 164, loss: 164, 'val miou': 163 },
      0,
    ],
    [
      // grep -c '] l_pix: ' F -> 1214 (iter 100 .. 121,400); grep -c 'PSNR: ' F -> 12 (after a validation phase line) (val_freq: 10000 is in the block of printed settings, after `pixel_criterion: l1`)
      '../judged/text/basicsr-hdrunet-comma-iters.log',
      { lr_G: 1, lr_gamma: 1, 'Number of train images': 1, epoch: 20, l_pix: 1214, 'Validation PSNR': 12 },
      0,
    ],
    [
      // grep -c 'Batch loss:' F -> 7760; grep -c 'Average Train Loss:' F -> 20;
      // grep -c 'Validation BLEU:' F -> 10; grep -c 'Dev BLEU' F -> 10
      '../judged/text/t5-qa-bleu-flat-batchloss.log',
      {
        'Batch loss': 7760,
        'Average Train Loss': 20,
        'Validation BLEU-1': 10,
        'Validation BLEU-2': 10,
        'Validation BLEU-3': 10,
        'Validation BLEU-4': 10,
        'Dev BLEU-1': 10,
        'Dev BLEU-2': 10,
        'Dev BLEU-3': 10,
        'Dev BLEU-4': 10,
      },
      0,
    ],
    [
      // grep -c 'INFO.\[step=' F -> 37; grep -c '^    train/CrossEntropyLoss=' F -> 37
      '../judged/text/olmo-150m-multiline-killed.log',
      {
        epoch: 1,
        'optim/total_grad_norm': 37,
        'train/CrossEntropyLoss': 37,
        'train/Perplexity': 37,
        'grad_provenance/embedding_grad_l2_norm': 37,
        'grad_provenance/embedding_grad_l2_norm_effective': 37,
        'grad_provenance/embedding_grad_l1_norm': 37,
        'grad_provenance/output_proj_grad_l2_norm': 37,
        'grad_provenance/output_proj_grad_l2_norm_effective': 37,
        'grad_provenance/output_proj_grad_l1_norm': 37,
        'throughput/total_training_Gflops': 37,
        'throughput/total_training_log_Gflops': 37,
      },
      0,
    ],
    [
      // grep -cE '^step [0-9]+, loss' F -> 750; grep -c 'time:' F -> 550; grep -c 'norm:' F -> 250;
      // grep -c ' lr: ' F -> 200; grep -cE '^step 0+, loss' F -> 13 runs: 12 jumps 49 -> 0, and
      // one 49 -> 1 (the last run's log starts at `step 0001`)
      '../judged/text/gpt2-shakespeare-14runs.md',
      { loss: 750, time: 550, 'tokens/sec': 550, norm: 250, lr: 200 },
      13,
    ],
  ];

  it.each(corpus)('%s', (file, expected, restarts) => {
    const runs = parseFile('text', real(file));
    expect(runs).toHaveLength(1);
    expect(counts(runs[0])).toEqual(expected);
    expect(runs[0].events.filter(e => e.type === 'restart')).toHaveLength(restarts);
    expect(runs[0].events.filter(e => e.type === 'malformed' || e.type === 'truncated')).toEqual([]);
  });

  it('evaluation lines are not the training loss (CSTA adapter, GPT-2 LoRA)', () => {
    // grep -c 'INFO:root:Epoch [0-9]* - Average Loss' F -> 246;
    // grep -c 'INFO:root:Evaluation Epoch [0-9]* - Average Loss' F -> 246
    let run = parseFile('text', real('../judged/text/csta-adapter-5launches-stuck.log'))[0];
    expect(counts(run)).toEqual({
      'Average Loss': 246,
      'Average Accuracy': 246,
      Samples: 246,
      'Evaluation Average Loss': 246,
      'Evaluation Average Accuracy': 246,
      'Evaluation Samples': 246,
    });
    // grep -c '| Step .* | Loss: ' F -> 1302; grep -c 'Evaluation Results:' F -> 3 (each followed
    // by `   Loss:` / `   Perplexity:` lines); grep -c 'completed in .* Avg Loss:' F -> 2;
    // the `Final Results: Loss=0.4886, PPL=1.63` summary is no point
    run = parseFile('text', real('../judged/text/gpt2-lora-alpaca-epoch-steps.log'))[0];
    const c = counts(run);
    expect([c.Loss, c.PPL, c['Evaluation Loss'], c['Evaluation Perplexity'], c['Avg Loss']]).toEqual([1302, 1302, 3, 3, 2]);
    expect(run.series.get('Evaluation Loss')!.role).toBe('val_loss');
  });

  it('the judged logs: steps where the log says', () => {
    const judged = (f: string) => parseFile('text', real('../judged/text/' + f))[0];
    const ends = (run: Run, name: string) => {
      const s = steps(run, name);
      return [s[0], s[s.length - 1]];
    };
    // iter:0/18 in every epoch: epochs of 18 iterations; killed in epoch 163
    expect(ends(judged('unetpp-hsi-sgdr-killed.txt'), 'loss')).toEqual([0, 163 * 18]);
    // `iter:     100` .. `iter: 121,400`
    expect(ends(judged('basicsr-hdrunet-comma-iters.log'), 'l_pix')).toEqual([100, 121400]);
    // 388 batches an epoch (+ the average line), 20 epochs: spread over each epoch
    const t5 = judged('t5-qa-bleu-flat-batchloss.log');
    const b = steps(t5, 'Batch loss');
    expect(b[0]).toBe(1);
    expect(b[388]).toBe(2);
    expect(new Set(b).size).toBe(7760);
    // `[step=10/10000,epoch=0]` .. `[step=370/10000,epoch=0]`
    expect(ends(judged('olmo-150m-multiline-killed.log'), 'train/CrossEntropyLoss')).toEqual([10, 370]);
    expect(ends(judged('neuro-lm-nul-prefixed.log'), 'loss')).toEqual([700, 3500]);
  });

  it('keras_verbose2_readme.txt: steps are the epoch numbers, restarting at each fit()', () => {
    const run = parseFile('text', real('stdout/keras_verbose2_readme.txt'))[0];
    const s = steps(run, 'loss');
    // tr -d '\r' < F | grep -E '^Epoch [0-9]+/' | cut -d/ -f2 | uniq -c  -> 100, 500, 500, 500, 100 epochs
    expect(s.slice(0, 3)).toEqual([1, 2, 3]);
    expect(s.filter(x => x === 1)).toHaveLength(5);
    expect(Math.max(...s)).toBe(500);
    expect(run.events.filter(e => e.type === 'restart').map(e => e.type === 'restart' && e.line)).toEqual([
      287, 1377, 2471, 3546,
    ]);
    // sed -n 18p F  -> '128/128 - 5s - loss: 3.1494 - accuracy: 0.1463 - 5s/epoch - 43ms/step'
    expect(values(run, 'loss')[0]).toBe(3.1494);
    expect(run.series.get('loss')!.lines!.get(0)).toBe(18);
  });

  it('jaong_cpt_cmd.txt: the HF x axis is the epoch', () => {
    const run = parseFile('text', real('stdout/jaong_cpt_cmd.txt'))[0];
    // grep -o "'epoch': [0-9.]*" F | head -3  -> 0.91, 1.0, 1.82
    expect(steps(run, 'loss').slice(0, 2)).toEqual([0.91, 1.82]);
    expect(steps(run, 'eval_loss').slice(0, 2)).toEqual([1, 2]);
    expect(steps(run, 'train_loss')).toEqual([10]);
  });

  it('modded-nanogpt: the first step_avg values are NaN (`nanms`)', () => {
    const run = parseFile('text', real('stdout/modded_nanogpt_flexattention_log.txt'))[0];
    // grep -c 'step_avg:nanms' F  -> 13
    expect(run.series.get('step_avg')!.nonFinite).toBe(13);
    // the final step 1875 appears twice (train + val):  grep -c '^step:1875/' F -> 2
    expect(steps(run, 'train_time').slice(-2)).toEqual([1875, 1875]);
  });

  it('big_run.run1_train.log: num_updates is the step; one note for the nan_detector warning', () => {
    const run = parseFile('text', real('fairseq_log/big_run.run1_train.log'))[0];
    // grep -o '"num_updates": "[0-9]*"' F  -> 25, 2100, 2425, 2575
    expect(steps(run, 'loss')).toEqual([25, 2100, 2425, 2575]);
    // grep -c nan_detector F  -> 1
    expect(run.events.filter(e => e.type === 'note')).toHaveLength(1);
  });

  it('every corpus text log parses the same with line templates on and off, in any chunking', () => {
    const files = [
      'stdout/keras_verbose2_readme.txt',
      'stdout/custom_epoch_pipe_training.log',
      'stdout/jaong_cpt_cmd.txt',
      'stdout/yolov5_wandb_output.log',
      'stdout/build_nanogpt_log.txt',
      'stdout/modded_nanogpt_flexattention_log.txt',
      'fairseq_log/big_run.run1_train.log',
      'fairseq_log/run_simple_train.log',
    ];
    for (const f of files) {
      const data = new Uint8Array(fs.readFileSync(real(f)));
      LineScanner.useTemplates = false;
      let ref: string;
      try {
        ref = snapshot(parseBytes('text', data, f)[0]);
      } finally {
        LineScanner.useTemplates = true;
      }
      expect(snapshot(parseBytes('text', data, f)[0]), f).toBe(ref);
      expect(snapshot(parseBytes('text', data, f, 997)[0]), f).toBe(ref);
    }
  });
});

describe('text parser: robustness and cost', () => {
  /** Random lines made of log-like pieces: the template fast path must agree with a full scan. */
  function logish(seed: number, lines: number): string {
    const r = rng(seed);
    const keys = ['loss', 'val_loss', 'lr', 'Train Loss', 'acc', 'step', 'iter', 'epoch', 'time', 'mfu', 'x', 'eta', 'train loss', 'INFO loss', 'the loss', 'Epoch(train)', 'max mem', 'cuda', 'on', '损失', 'acc@1', 'nan'];
    const seps = [': ', '=', ' ', ' = ', ':', ' [', ': tensor(', '：'];
    const joins = [', ', ' | ', ' - ', '  ', ' ', '; ', ' (', ')'];
    const nums = ['0.5', '-1', '1e-05', 'nan', 'inf', '-inf', '12', '3/10', '1,234', '12:30:01', '4.38.1', 'nanms', '13.2ms', '45%', '45%|██', '-100.00%', '0.1.', '[3]', '(0.2)', '1.5e', '007', '[ 5/50]', 'Infinity', '5 7', '.5', '+3', '2610M', '4.5it/s', '2020-12-10', '0:10:14', '[08/16 19:05:24', '3rd', '-.x', '1-2'];
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      const shape = Math.floor(r() * 3);
      const n = 1 + Math.floor(r() * 4);
      const parts: string[] = [];
      if (r() < 0.3) parts.push(String(Math.floor(r() * 50)));
      for (let k = 0; k < n; k++) {
        const key = keys[Math.floor(r() * keys.length)];
        const val = nums[Math.floor(r() * nums.length)];
        parts.push(shape === 2 ? `'${key}': ${val}` : key + seps[Math.floor(r() * seps.length)] + val);
      }
      const body = parts.join(shape === 2 ? ', ' : joins[Math.floor(r() * joins.length)]);
      out.push(shape === 2 ? `{${body}}` : body);
      // Repeat the shape with other numbers now and then, so templates are learnt and replayed.
      const last = out[out.length - 1];
      if (r() < 0.5) out.push(last.replace(/\d/g, d => String((Number(d) + 3) % 10)));
      // ... and with a number turned into nan, or nan into a number, or an int into a float.
      if (r() < 0.3) out.push(last.replace(/\d+(\.\d+)?/, 'nan'));
      if (r() < 0.3) out.push(last.replace(/nan/i, '7.5'));
      if (r() < 0.3) out.push(last.replace(/(\d+)(?![\d.])/, '$1.25'));
    }
    return out.join(r() < 0.5 ? '\n' : '\r\n') + '\n';
  }

  it.each(Array.from({ length: 24 }, (_, i) => i + 1))('random log-like lines (seed %i): templates on and off agree', seed => {
    const bytes = new TextEncoder().encode(logish(seed, 400));
    LineScanner.useTemplates = false;
    let ref: string;
    try {
      ref = snapshot(parseBytes('text', bytes, 'mem', 4096)[0]);
    } finally {
      LineScanner.useTemplates = true;
    }
    expect(snapshot(parseBytes('text', bytes, 'mem', 4096)[0])).toBe(ref);
    expect(snapshot(parseBytes('text', bytes, 'mem', 13)[0])).toBe(ref);
  });

  it('random bytes and random text never throw and finish fast', () => {
    const r = rng(42);
    const bytes = new Uint8Array(2_000_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
    const alphabet = 'abc loss=: 0123456789.-e\n\r\t|,[]{}\'"%/\x1b\b━É损';
    let text = '';
    for (let i = 0; i < 300_000; i++) text += alphabet[Math.floor(r() * alphabet.length)];
    const t0 = performance.now();
    for (const data of [bytes, new TextEncoder().encode(text)]) {
      const p = new TextParser({ source: 'garbage' });
      for (let i = 0; i < data.length; i += 65536) p.push(data.subarray(i, i + 65536));
      p.end();
      expect(p.runs).toHaveLength(1);
      expect(p.runs[0].series.size).toBeLessThanOrEqual(5000);
    }
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('a 5 MB single line does not hang: cut at the line limit, one truncated event', () => {
    const line = new TextEncoder().encode('loss=0.5 acc: 0.25 '.repeat(270_000));
    expect(line.length).toBeGreaterThan(5_000_000);
    const t0 = performance.now();
    const run = parseBytes('text', line, 'oneline', 1 << 20)[0];
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(counts(run)).toEqual({ loss: 1, acc: 1 });
    expect(run.events.filter(e => e.type === 'truncated')).toHaveLength(1);
  });

  it('a Keras progress line redrawn 80,000 times with \\r (5 MB without a newline) keeps the last state', () => {
    const bytes = new TextEncoder().encode(
      'Epoch 1/1\n' + ' 1/10 [==>....] - ETA: 5s - loss: 2.3000 - accuracy: 0.1000\r'.repeat(80_000) + '\n',
    );
    const t0 = performance.now();
    const run = parseBytes('text', bytes, 'redraws', 1 << 20)[0];
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(table(run)).toEqual({ loss: [[1], [2.3]], accuracy: [[1], [0.1]] });
    expect(run.events.filter(e => e.type === 'truncated')).toHaveLength(1);
  });

  it('a 5 MB single line of numbers and keys, all different, does not hang either', () => {
    let s = '';
    for (let i = 0; s.length < 5_000_000; i++) s += `k${i}=${i}.5 `;
    const bytes = new TextEncoder().encode(s);
    const t0 = performance.now();
    const run = parseBytes('text', bytes, 'oneline', 1 << 20)[0];
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(run.series.size).toBe(0); // no key looks like a metric and there is no step
  });

  it('never throws on a line it cannot make sense of and reports nothing malformed', () => {
    const run = run1("{'loss': 1.0, 'acc': \n{'loss': [1, 2]}\n{'a' 1}\nloss:\n= 3\n:::: 4 ::::\n");
    expect(run.events).toEqual([]);
  });

  it('a file with no metric at all is a run with no series and no event', () => {
    const run = run1('hello world\nnothing to see here\n');
    expect(run.series.size).toBe(0);
    expect(run.events).toEqual([]);
  });

  it('keeps at most ~24 bytes per point once the file is read', () => {
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(`iter ${i}: loss ${(4 - i * 1e-5).toFixed(4)}, time 130.12ms, mfu 12.34%`);
    const run = parseText('text', lines.join('\n') + '\n', 1 << 16)[0];
    let bytes = 0;
    let points = 0;
    for (const s of run.series.values()) {
      bytes += s.byteLength;
      points += s.length;
    }
    expect(points).toBe(150_000);
    expect(bytes / points).toBeLessThanOrEqual(24);
  });
});
