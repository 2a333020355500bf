/**
 * Generators for benchmark logs: realistic lines of each format, deterministic (seeded),
 * written in chunks so a 1 GB file never sits in memory.
 */
import * as fs from 'node:fs';
import { maskedCrc32c } from '../src/core/formats/crc32c';

export type BenchKind = 'csv' | 'jsonl' | 'text' | 'tfevents';

class Rng {
  constructor(private s = 12345) {}
  next(): number {
    this.s = (this.s * 1664525 + 1013904223) >>> 0;
    return this.s / 4294967296;
  }
}

function lossAt(step: number, rng: Rng): number {
  return 2.5 * Math.exp(-step / 200000) + 0.3 + 0.05 * (rng.next() - 0.5);
}

/** Write about `bytes` bytes of the given kind; returns the exact size written. */
export function generate(kind: BenchKind, file: string, bytes: number): number {
  const fd = fs.openSync(file, 'w');
  const rng = new Rng();
  let written = 0;
  let step = 0;
  const flush = (s: string | Uint8Array) => {
    const b = typeof s === 'string' ? Buffer.from(s) : s;
    fs.writeSync(fd, b);
    written += b.length;
  };
  try {
    if (kind === 'csv') flush('step,epoch,train_loss,val_loss,lr,grad_norm,train_acc,time\n');
    while (written < bytes) {
      if (kind === 'tfevents') {
        const parts: Uint8Array[] = [];
        for (let i = 0; i < 20000; i++, step++) {
          parts.push(scalarRecord(1.7e9 + step * 0.1, step, 'train/loss', lossAt(step, rng)));
          if (step % 4 === 0) parts.push(scalarRecord(1.7e9 + step * 0.1, step, 'train/lr', 1e-3 * (1 - step / 1e8)));
        }
        flush(Buffer.concat(parts));
        continue;
      }
      const lines: string[] = [];
      for (let i = 0; i < 20000; i++, step++) {
        const loss = lossAt(step, rng);
        const lr = 6e-4 * (1 - step / 1e8);
        if (kind === 'csv') {
          lines.push(`${step},${(step / 5000) | 0},${loss.toFixed(6)},${step % 100 === 0 ? (loss + 0.1).toFixed(6) : ''},${lr.toExponential(4)},${(1 + rng.next()).toFixed(4)},${(0.5 + 0.4 * rng.next()).toFixed(4)},${(step * 0.12).toFixed(2)}`);
        } else if (kind === 'jsonl') {
          lines.push(`{"data_time": ${(0.01 * rng.next()).toFixed(6)}, "iteration": ${step}, "loss_cls": ${(loss / 3).toFixed(6)}, "loss_box_reg": ${(loss / 4).toFixed(6)}, "lr": ${lr.toExponential(6)}, "time": ${(0.3 + 0.01 * rng.next()).toFixed(6)}, "total_loss": ${loss.toFixed(6)}}`);
        } else {
          // A mix of the text styles people really have.
          switch (step % 4) {
            case 0:
              lines.push(`step ${String(step).padStart(5)} | loss: ${loss.toFixed(6)} | lr ${lr.toExponential(4)} | norm: ${(1 + rng.next()).toFixed(4)} | dt: ${(120 + rng.next() * 10).toFixed(2)}ms | tok/sec: ${(500000 + rng.next() * 1000).toFixed(2)}`);
              break;
            case 1:
              lines.push(`iter ${step}: loss ${loss.toFixed(4)}, time ${(130 + rng.next()).toFixed(2)}ms, mfu ${(40 + rng.next()).toFixed(2)}%`);
              break;
            case 2:
              lines.push(`{'loss': ${loss.toFixed(4)}, 'grad_norm': ${(1 + rng.next()).toFixed(6)}, 'learning_rate': ${lr.toExponential(6)}, 'epoch': ${(step / 40000).toFixed(2)}}`);
              break;
            default:
              lines.push(`Epoch ${step}: Train Loss = ${loss.toFixed(4)}, Val Loss = ${(loss + 0.1).toFixed(4)}, LR = ${lr.toFixed(6)}`);
          }
        }
      }
      flush(lines.join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

// --- minimal TFRecord + protobuf encoding of a simple_value event -------------------------

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

const enc = new TextEncoder();

function scalarRecord(wallTime: number, step: number, tag: string, value: number): Uint8Array {
  const tagBytes = enc.encode(tag);
  // Summary.Value { tag = 1; simple_value = 2 }
  const val: number[] = [0x0a];
  varint(tagBytes.length, val);
  val.push(...tagBytes, 0x15);
  const f = new DataView(new ArrayBuffer(4));
  f.setFloat32(0, value, true);
  val.push(f.getUint8(0), f.getUint8(1), f.getUint8(2), f.getUint8(3));
  // Summary { value = 1 }
  const sum: number[] = [0x0a];
  varint(val.length, sum);
  sum.push(...val);
  // Event { wall_time = 1 (double); step = 2; summary = 5 }
  const ev: number[] = [0x09];
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, wallTime, true);
  for (let i = 0; i < 8; i++) ev.push(d.getUint8(i));
  if (step) {
    ev.push(0x10);
    varint(step, ev);
  }
  ev.push(0x2a);
  varint(sum.length, ev);
  ev.push(...sum);
  const data = Uint8Array.from(ev);
  const rec = new Uint8Array(12 + data.length + 4);
  const dv = new DataView(rec.buffer);
  dv.setUint32(0, data.length, true);
  dv.setUint32(4, 0, true);
  dv.setUint32(8, maskedCrc32c(rec, 0, 8), true);
  rec.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return rec;
}
