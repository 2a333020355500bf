/**
 * Weights & Biases transaction logs (`run-<id>.wandb`, wandb >= 0.10): the metric history.
 *
 * Layout (wandb/sdk/internal/datastore.py): a 7-byte header ':W&B', uint16 LE 0xBEE1, uint8
 * version 0; then LevelDB-log style 32 KiB blocks (counted from the start of the file) of
 * physical records: uint32 LE checksum, uint16 LE length, uint8 type (1 FULL, 2 FIRST,
 * 3 MIDDLE, 4 LAST), data. Fewer than 7 bytes left in a block are zero padding. The checksum
 * is zlib's CRC-32 of the data seeded with the CRC-32 of the type byte (the docstring says
 * CRC-32C; the code, and the real files, say otherwise).
 *
 * Each logical record is a `wandb_internal.Record` protobuf; only `history = 2` matters here:
 * HistoryRecord { repeated HistoryItem item = 1; HistoryStep step = 2 },
 * HistoryItem { string key = 1; repeated string nested_key = 2; string value_json = 16 },
 * HistoryStep { int64 num = 1 }. Values are JSON text: numbers (with NaN / Infinity) become
 * points; media dicts, strings, booleans are skipped. `_step` gives the step when the record
 * has no HistoryStep, `_timestamp` the wall time; `_runtime`, `_timestamp`, `_step` are not
 * series. A damaged physical record is reported with its offset and the rest of its block
 * skipped (what LevelDB does); reading goes on at the next block.
 */
import { createRun, reportMalformed, seriesOf, type Run } from '../model';
import { crc32 } from './crc32c';
import { decodeUtf8, ProtoReader, WIRE_LEN, WIRE_VARINT } from './proto';
import type { LogParser, ParserOptions } from './types';

const BLOCK = 32 * 1024;
const FILE_HEADER = 7;
const REC_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

/** Logical records larger than this are dropped as their fragments stream by. */
const MAX_WANDB_RECORD = 64 * 1024 * 1024;

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A JSON `value_json` as a number, or undefined when it is not a number. */
export function jsonNumber(s: string): number | undefined {
  const t = s.trim();
  if (JSON_NUMBER.test(t)) return Number(t);
  switch (t) {
    case 'NaN':
    case '-NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

const typeCrc = [0, 1, 2, 3, 4].map(t => crc32(new Uint8Array([t])));

export class WandbParser implements LogParser {
  readonly format = 'wandb' as const;
  readonly runs: Run[];
  private readonly run: Run;

  /** Unconsumed bytes, starting at file offset `offset`. */
  private buf = new Uint8Array(0);
  private len = 0;
  private offset = 0;
  /** Skip input up to this file offset (rest of a damaged block). */
  private skipTo = 0;
  private headerChecked = false;
  private dead = false;
  private ended = false;

  /** Reassembly of a logical record from FIRST/MIDDLE/LAST fragments. */
  private frag = new Uint8Array(0);
  private fragLen = 0;
  private inFrag = false;
  /** The record being reassembled is too large to keep (reported) ... */
  private fragDropped = false;
  /** ... or is not a history record (silently ignored). */
  private fragIgnored = false;
  private fragOffset = 0;

  private readonly rRec = new ProtoReader();
  private readonly rHist = new ProtoReader();
  private readonly rItem = new ProtoReader();
  private readonly rStep = new ProtoReader();
  private lastStep = -1;
  private historyRecords = 0;
  private readonly skippedKeys = new Map<string, number>();

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
  }

  push(chunk: Uint8Array): void {
    if (this.ended || this.dead || chunk.length === 0) return;
    try {
      this.append(chunk);
      this.process(false);
    } catch (e) {
      reportMalformed(this.run, `internal error while reading the W&B log: ${String(e)}`, { offset: this.offset });
      this.dead = true;
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (!this.dead) this.process(true);
      if (!this.dead) {
        let nonZero = false;
        for (let i = 0; i < this.len; i++) if (this.buf[i] !== 0) nonZero = true;
        if (!this.headerChecked && this.len > 0) {
          reportMalformed(this.run, 'the file is too short for a W&B header', { offset: 0 });
        } else if (nonZero) {
          this.run.events.push({
            type: 'truncated',
            message: `the last W&B record is incomplete (${this.len} bytes): the file was cut off or is still being written`,
            offset: this.offset,
          });
        } else if (this.inFrag) {
          this.run.events.push({
            type: 'truncated',
            message: 'the last W&B record is incomplete (its final fragment is missing)',
            offset: this.fragOffset,
          });
        }
      }
      if (this.skippedKeys.size > 0) {
        const keys = [...this.skippedKeys.keys()];
        const shown = keys.slice(0, 8).join(', ') + (keys.length > 8 ? `, ... (${keys.length} keys)` : '');
        this.run.events.push({ type: 'note', message: `history values that are not numbers (media, text) skipped: ${shown}` });
      }
      if (this.historyRecords === 0 && this.headerChecked && !this.dead) {
        this.run.events.push({ type: 'note', message: 'no history records in this W&B log (nothing was logged with wandb.log)' });
      }
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      reportMalformed(this.run, `internal error while finishing: ${String(e)}`);
    }
    this.buf = new Uint8Array(0);
    this.len = 0;
    this.frag = new Uint8Array(0);
  }

  private append(chunk: Uint8Array): void {
    let c = chunk;
    // Bytes inside a skipped region never need to be kept.
    if (this.skipTo > this.offset + this.len) {
      const drop = Math.min(c.length, this.skipTo - (this.offset + this.len));
      if (this.len === 0) {
        this.offset += drop;
        c = c.subarray(drop);
      }
    }
    if (c.length === 0) return;
    if (this.len + c.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.len + c.length, this.buf.length * 2, 1024));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(c, this.len);
    this.len += c.length;
  }

  private process(final: boolean): void {
    const b = this.buf;
    let p = 0;
    const base = this.offset; // file offset of b[0]
    while (!this.dead) {
      const off = base + p;
      if (this.skipTo > off) {
        const k = Math.min(this.skipTo - off, this.len - p);
        p += k;
        if (base + p < this.skipTo) break;
        continue;
      }
      if (!this.headerChecked) {
        if (this.len - p < FILE_HEADER) break;
        this.headerChecked = true;
        const ok = b[p] === 0x3a && b[p + 1] === 0x57 && b[p + 2] === 0x26 && b[p + 3] === 0x42;
        const magic = b[p + 4] | (b[p + 5] << 8);
        if (!ok || magic !== 0xbee1) {
          reportMalformed(this.run, 'not a W&B transaction log (bad file header)', { offset: 0 });
          this.dead = true;
          break;
        }
        if (b[p + 6] !== 0) {
          this.run.events.push({ type: 'note', message: `W&B log format version ${b[p + 6]} (0 expected): read as version 0` });
        }
        p += FILE_HEADER;
        continue;
      }
      const blockLeft = BLOCK - (off % BLOCK);
      if (blockLeft < REC_HEADER) {
        this.skipTo = off + blockLeft;
        continue;
      }
      if (this.len - p < REC_HEADER) break;
      const crc = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
      const n = b[p + 4] | (b[p + 5] << 8);
      const type = b[p + 6];
      if (type === 0 && n === 0 && crc === 0) {
        // zero-filled rest of a block (preallocated or padded)
        this.skipTo = off + blockLeft;
        continue;
      }
      if (REC_HEADER + n > blockLeft || type < FULL || type > LAST) {
        this.damaged(off, `bad W&B record header at byte ${off}`, blockLeft);
        continue;
      }
      if (this.len - p < REC_HEADER + n) break;
      const ds = p + REC_HEADER;
      const de = ds + n;
      if (crc32(b, ds, de, typeCrc[type]) !== crc) {
        this.damaged(off, `W&B record at byte ${off} failed its CRC check`, blockLeft);
        continue;
      }
      this.physical(type, b, ds, de, off);
      p = de;
    }
    if (final && this.skipTo > base + p) {
      // a skipped region runs past the end of the file: nothing more to read
      p = this.len;
    }
    if (p > 0) {
      b.copyWithin(0, p, this.len);
      this.len -= p;
      this.offset = base + p;
    }
  }

  private damaged(off: number, message: string, blockLeft: number): void {
    reportMalformed(this.run, `${message}: the rest of its 32 KiB block is skipped`, { offset: off });
    this.skipTo = off + blockLeft;
    if (this.inFrag) {
      this.inFrag = false;
      this.fragLen = 0;
    }
  }

  private physical(type: number, b: Uint8Array, ds: number, de: number, off: number): void {
    switch (type) {
      case FULL:
        if (this.inFrag) this.lostFragment(off);
        this.record(b, ds, de, off);
        return;
      case FIRST:
        if (this.inFrag) this.lostFragment(off);
        this.inFrag = true;
        this.fragOffset = off;
        this.fragLen = 0;
        this.fragDropped = false;
        this.fragIgnored = false;
        this.fragAppend(b, ds, de);
        return;
      case MIDDLE:
      case LAST:
        if (!this.inFrag) {
          reportMalformed(this.run, `W&B record fragment at byte ${off} without its start: skipped`, { offset: off });
          return;
        }
        this.fragAppend(b, ds, de);
        if (type === LAST) {
          this.inFrag = false;
          if (this.fragDropped) {
            reportMalformed(this.run, `W&B record at byte ${this.fragOffset} is too large: skipped`, {
              offset: this.fragOffset,
            });
          } else if (!this.fragIgnored) this.record(this.frag, 0, this.fragLen, this.fragOffset);
          this.fragLen = 0;
        }
        return;
    }
  }

  private lostFragment(off: number): void {
    reportMalformed(this.run, `W&B record starting at byte ${this.fragOffset} has no end (next record at byte ${off}): skipped`, {
      offset: this.fragOffset,
    });
    this.inFrag = false;
    this.fragLen = 0;
  }

  private fragAppend(b: Uint8Array, s: number, e: number): void {
    if (this.fragDropped || this.fragIgnored) return;
    const k = e - s;
    if (this.fragLen + k > MAX_WANDB_RECORD) {
      this.fragDropped = true;
      this.fragLen = 0;
      return;
    }
    // Only history records are decoded: once the first fragment shows another record type,
    // the rest need not be kept.
    if (this.fragLen === 0 && !this.mayBeHistory(b, s, e)) {
      this.fragIgnored = true;
      return;
    }
    if (this.fragLen + k > this.frag.length) {
      const next = new Uint8Array(Math.max(this.fragLen + k, this.frag.length * 2, 4096));
      next.set(this.frag.subarray(0, this.fragLen));
      this.frag = next;
    }
    this.frag.set(b.subarray(s, e), this.fragLen);
    this.fragLen += k;
  }

  /** False when the start of a Record shows a record type other than history (or run). */
  private mayBeHistory(b: Uint8Array, s: number, e: number): boolean {
    const r = this.rRec.reset(b, s, e);
    while (r.next()) {
      if (r.field === 2 || r.field === 17) return true;
      if (r.wire === WIRE_LEN) return false; // the record type (a oneof) is something else
      r.skip();
    }
    return true; // undecided within this fragment: keep it
  }

  private record(b: Uint8Array, s: number, e: number, off: number): void {
    const r = this.rRec.reset(b, s, e);
    while (r.next()) {
      if (r.field === 2 && r.wire === WIRE_LEN) {
        if (r.sub(this.rHist)) this.history(this.rHist, off);
      } else if (r.field === 17 && r.wire === WIRE_LEN) {
        if (r.sub(this.rHist)) this.runInfo(this.rHist);
      } else r.skip();
    }
    if (r.error) reportMalformed(this.run, `W&B record at byte ${off} is not a valid protobuf`, { offset: off });
  }

  private runInfo(r: ProtoReader): void {
    while (r.next()) {
      const f = r.field;
      if (r.wire === WIRE_LEN && (f === 1 || f === 3 || f === 7 || f === 8)) {
        const v = r.string();
        const key = f === 1 ? 'wandb.run_id' : f === 3 ? 'wandb.project' : f === 7 ? 'wandb.job_type' : 'wandb.display_name';
        if (v) this.run.meta[key] = v;
      } else r.skip();
    }
  }

  private history(h: ProtoReader, off: number): void {
    this.historyRecords++;
    const keys: string[] = [];
    const vals: string[] = [];
    let stepMsg = false;
    let step = 0;
    while (h.next()) {
      if (h.field === 1 && h.wire === WIRE_LEN) {
        const it = this.rItem;
        if (!h.sub(it)) continue;
        let key = '';
        let nested: string[] | undefined;
        let value = '';
        while (it.next()) {
          if (it.field === 1 && it.wire === WIRE_LEN) key = it.string();
          else if (it.field === 2 && it.wire === WIRE_LEN) (nested ??= []).push(it.string());
          else if (it.field === 16 && it.wire === WIRE_LEN) {
            if (it.bytes()) value = decodeUtf8(it.buf, it.start, it.stop);
          } else it.skip();
        }
        if (!key && nested) key = nested.join('/');
        if (it.error || !key) continue;
        keys.push(key);
        vals.push(value);
      } else if (h.field === 2 && h.wire === WIRE_LEN) {
        const sr = this.rStep;
        if (!h.sub(sr)) continue;
        stepMsg = true;
        while (sr.next()) {
          if (sr.field === 1 && sr.wire === WIRE_VARINT) step = sr.int64();
          else sr.skip();
        }
      } else h.skip();
    }
    if (h.error) {
      reportMalformed(this.run, `W&B history record at byte ${off} is malformed: skipped`, { offset: off });
      return;
    }
    let wall: number | undefined;
    let stepItem: number | undefined;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === '_timestamp') wall = jsonNumber(vals[i]);
      else if (keys[i] === '_step') stepItem = jsonNumber(vals[i]);
    }
    if (!stepMsg) step = stepItem !== undefined && Number.isFinite(stepItem) ? stepItem : this.lastStep + 1;
    if (step < this.lastStep) {
      this.run.events.push({
        type: 'restart',
        series: keys.find(k => !k.startsWith('_')) ?? '_step',
        fromStep: this.lastStep,
        toStep: step,
        offset: off,
      });
    }
    this.lastStep = step;
    if (wall !== undefined && !Number.isFinite(wall)) wall = undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === '_step' || k === '_runtime' || k === '_timestamp') continue;
      const v = jsonNumber(vals[i]);
      if (v === undefined) {
        this.skippedKeys.set(k, (this.skippedKeys.get(k) ?? 0) + 1);
        continue;
      }
      seriesOf(this.run, k).push(step, v, wall);
    }
  }
}
