/**
 * TensorBoard event files (`events.out.tfevents.*`): a streaming TFRecord reader and a decoder
 * for the scalars in `tensorboard.Event` protobufs. One parser instance reads one file.
 *
 * Framing (little-endian): uint64 length, uint32 masked CRC-32C of those 8 bytes, `length`
 * bytes of data (one Event), uint32 masked CRC-32C of the data. Both CRCs are checked:
 * - a bad length CRC means the framing is lost: reported once with its byte offset, then the
 *   reader scans forward, byte by byte, for the next offset whose 12-byte header has a valid
 *   CRC (constant work per byte: the 4 high length bytes must be zero before the CRC of the 8
 *   length bytes is computed);
 * - a bad data CRC skips that record (reported with its offset) and reading goes on;
 * - an incomplete last record is one `truncated` event at `end()` (a file still being written,
 *   or a killed writer).
 * Chunks may split records at any byte; only the unconsumed tail is kept (at most one record,
 * and records over MAX_BUFFERED_RECORD bytes, which are never scalars, are skipped as they
 * stream by without being buffered).
 *
 * Event fields (tensorboard/compat/proto/event.proto): wall_time = 1 (double, seconds),
 * step = 2 (int64; absent = 0), file_version = 3, summary = 5, session_log = 7,
 * source_metadata = 10; others (graph_def, meta_graph_def, tagged_run_metadata, ...) skipped.
 * Summary.value = 1 -> Value{tag = 1, simple_value = 2 (float), tensor = 8, metadata = 9}.
 * Scalars are `simple_value`s and numeric tensors with a single element (TF2 `tf.summary`,
 * PyTorch `new_style`): DT_FLOAT / DT_DOUBLE / DT_HALF / DT_BFLOAT16 / DT_INT32 / DT_INT64, from
 * `tensor_content` or the typed `*_val` fields, packed or not. A tag's plugin is remembered
 * from its first occurrence (writers put metadata on the first value only); tensors of tags
 * whose plugin is not a scalar one (histograms, images, text, hparams, ...) are skipped.
 */
import { createRun, reportMalformed, seriesOf, type Run, type Series } from '../model';
import { crc32cView, maskCrc, maskedCrc32cOfLength } from './crc32c';
import { decodeUtf8, ProtoReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './proto';
import type { LogParser, ParserOptions } from './types';

/** Records longer than this are skipped as they stream by instead of being buffered. */
const MAX_BUFFERED_RECORD = 64 * 1024 * 1024;

const HEADER = 12;
const FOOTER = 4;

// tensorflow DataType values
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_STRING = 7;
const DT_INT64 = 9;
const DT_BFLOAT16 = 14;
const DT_HALF = 19;

/** Plugins whose tensors are never scalar curves. */
const NON_SCALAR_PLUGINS = new Set([
  'histograms',
  'distributions',
  'images',
  'audio',
  'text',
  'hparams',
  'graph_keras_model',
  'graphs',
  'pr_curves',
  'mesh',
  'projector',
  'custom_scalars',
  'profile',
]);

interface TagInfo {
  name: string;
  bytes: Uint8Array;
  next: TagInfo | undefined;
  /** Plugin name from the tag's first value ('' when it had no metadata). */
  plugin: string;
  /** True when the first value's metadata says the tag is not a scalar (plugin / data_class). */
  notScalar: boolean;
  series: Series | undefined;
  /** The tag that followed this one last time (tags usually come round in the same order). */
  succ: TagInfo | undefined;
  /** Step of the tag's last point (-Infinity before the first). */
  lastStep: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bfloat16ToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

function halfToNumber(bits: number): number {
  const h = bits & 0xffff;
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export class TfEventsParser implements LogParser {
  readonly format = 'tfevents' as const;
  readonly runs: Run[];
  private readonly run: Run;

  // --- stream state
  /** Unconsumed bytes (`tail[0, tailLen)`), at file offset `consumed`. */
  private tail = new Uint8Array(0);
  private tailDv = new DataView(this.tail.buffer);
  private tailLen = 0;
  /** File offset of the first byte not yet consumed. */
  private consumed = 0;
  /** Bytes of the record at the start of the tail needed before it can be read (0 = unknown). */
  private need = 0;
  /** Bytes still to skip of an oversized record (streamed past, not buffered). */
  private skipLeft = 0;
  private skipStart = 0;
  /** Scanning for a valid header after a bad length CRC. */
  private resyncing = false;
  private lostAt = 0;
  private ended = false;
  private hdrLen = -1;
  private hdrCrc = 0;
  /** Records longer than this are skipped as they stream by (a field so tests can lower it). */
  maxRecord = MAX_BUFFERED_RECORD;

  // --- decoding state
  private readonly rEvent = new ProtoReader();
  private readonly rSummary = new ProtoReader();
  private readonly rValue = new ProtoReader();
  private readonly rSub = new ProtoReader();
  private readonly rSub2 = new ProtoReader();
  private readonly rValue2 = new ProtoReader();
  private readonly tags = new Map<number, TagInfo>();
  private prevTag: TagInfo | undefined;
  private lastSummaryStep = -Infinity;
  private jumps = 0;
  private reportedJump = 0;
  private starts = 0;
  private records = 0;
  private readonly skipped = new Map<string, number>();

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
  }

  /** Number of complete records read (valid or not). */
  get recordCount(): number {
    return this.records;
  }

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    try {
      this.pushInner(chunk);
    } catch (e) {
      // Never throw: a bug here must not take the caller down.
      reportMalformed(this.run, `internal error while reading event records: ${String(e)}`, {
        offset: this.consumed,
      });
      this.tailLen = 0;
      this.need = 0;
    }
  }

  private pushInner(chunk: Uint8Array): void {
    const n = chunk.length;
    let pos = 0;
    if (this.skipLeft > 0) {
      const k = Math.min(this.skipLeft, n);
      this.skipLeft -= k;
      this.consumed += k;
      pos = k;
      if (pos === n) return;
    }
    // Complete the record pending in the tail, copying only the bytes it still needs.
    while (this.tailLen > 0 && pos < n) {
      if (this.resyncing) {
        this.append(chunk, pos, n);
        pos = n;
        this.scanTail();
        break;
      }
      const want = this.tailLen < HEADER ? HEADER : this.need;
      const k = Math.min(want - this.tailLen, n - pos);
      this.append(chunk, pos, pos + k);
      pos += k;
      if (this.tailLen < want) return;
      const before = this.consumed;
      this.scanTail();
      if (this.consumed === before && !this.resyncing && this.skipLeft === 0 && this.need <= this.tailLen) {
        // No progress although the record should be complete (cannot happen): never spin.
        this.append(chunk, pos, n);
        this.scanTail();
        return;
      }
      if (this.skipLeft > 0) {
        const s = Math.min(this.skipLeft, n - pos);
        this.skipLeft -= s;
        this.consumed += s;
        pos += s;
      }
    }
    if (pos >= n) return;
    // Read straight from the chunk; keep what is left over.
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const used = this.scan(chunk, dv, pos, n);
    if (this.skipLeft > 0) return; // an oversized record swallowed the rest of the chunk
    if (used < n) this.append(chunk, used, n);
  }

  private append(src: Uint8Array, start: number, end: number): void {
    const k = end - start;
    if (k <= 0) return;
    if (this.tailLen + k > this.tail.length) {
      const next = new Uint8Array(Math.max(64, this.tailLen + k, this.tail.length * 2));
      next.set(this.tail.subarray(0, this.tailLen));
      this.tail = next;
      this.tailDv = new DataView(next.buffer);
    }
    this.tail.set(src.subarray(start, end), this.tailLen);
    this.tailLen += k;
  }

  private scanTail(): void {
    const used = this.scan(this.tail, this.tailDv, 0, this.tailLen);
    if (this.skipLeft > 0) {
      this.tailLen = 0;
      return;
    }
    if (used > 0) {
      this.tail.copyWithin(0, used, this.tailLen);
      this.tailLen -= used;
    }
    // Do not keep a large buffer around once the big record that needed it is gone.
    if (this.tailLen === 0 && this.tail.length > 1 << 20) {
      this.tail = new Uint8Array(0);
      this.tailDv = new DataView(this.tail.buffer);
    }
  }

  /**
   * Read the complete records in `buf[start, end)`, whose first byte is at file offset
   * `this.consumed`. Returns the index of the first byte not consumed, and leaves `this.need`
   * = bytes needed from there (0 when unknown). Advances `this.consumed`.
   */
  private scan(buf: Uint8Array, dv: DataView, start: number, end: number): number {
    let p = start;
    const base = this.consumed - start; // file offset of buf[0]
    this.need = 0;
    while (true) {
      if (this.resyncing) {
        const last = end - HEADER;
        let found = -1;
        for (; p <= last; p++) {
          if (buf[p + 4] !== 0 || buf[p + 5] !== 0 || buf[p + 6] !== 0 || buf[p + 7] !== 0) continue;
          if (maskedCrc32cOfLength(dv.getUint32(p, true), 0) === dv.getUint32(p + 8, true)) {
            found = p;
            break;
          }
        }
        if (found < 0) break; // keep the last < 12 bytes: a header may start there
        this.resyncing = false;
        this.run.events.push({
          type: 'note',
          message: `event records found again at byte ${base + p} (${base + p - this.lostAt} bytes skipped after the damage at byte ${this.lostAt})`,
        });
      }
      if (end - p < HEADER) break;
      const lenLo = dv.getUint32(p, true);
      const lenHi = dv.getUint32(p + 4, true);
      // The header CRC depends on the length alone: remember the last one computed.
      if (lenLo !== this.hdrLen) {
        this.hdrLen = lenLo;
        this.hdrCrc = maskedCrc32cOfLength(lenLo, 0);
      }
      if (lenHi !== 0 || this.hdrCrc !== dv.getUint32(p + 8, true)) {
        this.lose(buf, p, end, base + p);
        p++;
        continue;
      }
      const total = HEADER + lenLo + FOOTER;
      if (lenLo > this.maxRecord) {
        const have = end - p;
        if (have >= total) {
          this.skipped.set('oversized records', (this.skipped.get('oversized records') ?? 0) + 1);
          p += total;
          continue;
        }
        this.skipped.set('oversized records', (this.skipped.get('oversized records') ?? 0) + 1);
        this.skipLeft = total - have;
        this.skipStart = base + p;
        p = end;
        break;
      }
      if (end - p < total) {
        this.need = total;
        break;
      }
      const dataStart = p + HEADER;
      const dataEnd = dataStart + lenLo;
      this.records++;
      if (maskCrc(crc32cView(buf, dv, dataStart, dataEnd)) !== dv.getUint32(dataEnd, true)) {
        reportMalformed(
          this.run,
          `event record at byte ${base + p} failed its data CRC check (${lenLo} bytes): record skipped`,
          { offset: base + p },
        );
      } else {
        this.decodeEvent(buf, dv, dataStart, dataEnd, base + p);
      }
      p += total;
    }
    this.consumed = base + p;
    return p;
  }

  private lose(buf: Uint8Array, p: number, end: number, offset: number): void {
    this.resyncing = true;
    this.lostAt = offset;
    let message: string;
    if (offset === 0) {
      // Only the first 12 bytes may be here when the file arrives in small chunks.
      const head = decodeUtf8(buf, p, Math.min(end, p + 64));
      const lfs = 'version https://git-lfs';
      message = (head.length >= lfs.length ? head.startsWith(lfs) : lfs.startsWith(head))
        ? 'this is a Git LFS pointer, not an event file: run `git lfs pull` to fetch the real file'
        : 'the file does not start with a valid TFRecord header (bad length CRC): not a TensorBoard event file, or its start is damaged';
    } else {
      message = `bad record header at byte ${offset} (length CRC mismatch): framing lost, scanning for the next valid record`;
    }
    reportMalformed(this.run, message, { offset });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      if (this.skipLeft > 0) {
        this.run.events.push({
          type: 'truncated',
          message: `the last record (at byte ${this.skipStart}) is incomplete: ${this.skipLeft} bytes missing`,
          offset: this.skipStart,
        });
      } else if (this.resyncing) {
        if (this.lostAt > 0) {
          this.run.events.push({
            type: 'note',
            message: `no valid event record after the damage at byte ${this.lostAt}`,
          });
        }
      } else if (this.tailLen > 0) {
        const detail =
          this.tailLen < HEADER || this.need === 0
            ? `${this.tailLen} bytes, less than a record header`
            : `${this.tailLen} of ${this.need} bytes`;
        this.run.events.push({
          type: 'truncated',
          message: `the last event record is incomplete (${detail}): the file was cut off or is still being written`,
          offset: this.consumed,
        });
      }
      if (this.skipped.size > 0) {
        const parts = [...this.skipped].map(([k, v]) => `${v} ${k}`);
        this.run.events.push({ type: 'note', message: `not scalars, skipped: ${parts.join(', ')}` });
      }
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      reportMalformed(this.run, `internal error while finishing: ${String(e)}`);
    }
    this.tail = new Uint8Array(0);
    this.tailLen = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Event decoding

  private skip(kind: string): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
  }

  /**
   * Fast path for the usual layout of a scalar event (PyTorch, tensorboardX, TF1): wall_time,
   * step, then a summary that ends the record, whose values are {tag, simple_value}. Returns
   * false, having done nothing, when the record starts any other way; a value laid out any
   * other way is handed, with the rest of the summary, to the general decoder.
   */
  private fastEvent(buf: Uint8Array, dv: DataView, start: number, end: number, offset: number): boolean {
    let q = start;
    if (end - q < 12 || buf[q] !== 0x09) return false;
    const wall = dv.getFloat64(q + 1, true);
    q += 9;
    let step = 0;
    let b = 0;
    if (buf[q] === 0x10) {
      // step: a varint below 2^28 (4 bytes); anything longer goes the general way
      b = buf[q + 1];
      step = b & 0x7f;
      q += 2;
      if (b & 0x80) {
        b = buf[q++];
        step |= (b & 0x7f) << 7;
        if (b & 0x80) {
          b = buf[q++];
          step |= (b & 0x7f) << 14;
          if (b & 0x80) {
            b = buf[q++];
            step |= (b & 0x7f) << 21;
            if (b & 0x80) return false;
          }
        }
      }
    }
    if (q + 2 > end || buf[q] !== 0x2a) return false;
    b = buf[q + 1];
    let len = b & 0x7f;
    q += 2;
    if (b & 0x80) {
      b = buf[q++];
      len |= (b & 0x7f) << 7;
      if (b & 0x80) return false;
    }
    if (q + len !== end) return false;
    // From here on the record is ours.
    if (step < this.lastSummaryStep) this.jumps++;
    this.lastSummaryStep = step;
    while (q < end) {
      const vl = buf[q + 1];
      const vs = q + 2;
      const ve = vs + vl;
      if (buf[q] === 0x0a && vl < 0x80 && ve <= end && buf[vs] === 0x0a) {
        const tl = buf[vs + 1];
        const ts = vs + 2;
        const te = ts + tl;
        if (tl < 0x80 && te + 5 === ve && buf[te] === 0x15) {
          const tag = this.tagOf(buf, ts, te, -1, -1);
          this.addPoint(tag, step, dv.getFloat32(te + 1, true), wall, offset);
          q = ve;
          continue;
        }
        // TF2 tf.summary.scalar: tensor {dtype: DT_FLOAT, tensor_shape: {}, tensor_content: 4
        // bytes}, then optionally metadata (Keras repeats it on every value).
        if (
          tl < 0x80 &&
          te + 12 <= ve &&
          buf[te] === 0x42 &&
          buf[te + 1] === 10 &&
          buf[te + 2] === 0x08 &&
          buf[te + 3] === DT_FLOAT &&
          buf[te + 4] === 0x12 &&
          buf[te + 5] === 0 &&
          buf[te + 6] === 0x22 &&
          buf[te + 7] === 4
        ) {
          const ms = te + 14;
          const me = ms + buf[te + 13];
          if (te + 12 === ve || (buf[te + 12] === 0x4a && buf[te + 13] < 0x80 && me === ve)) {
            const tag = te + 12 === ve ? this.tagOf(buf, ts, te, -1, -1) : this.tagOf(buf, ts, te, ms, me);
            if (tag.notScalar) this.skip(tag.plugin || 'non-scalar tensors');
            else this.addPoint(tag, step, dv.getFloat32(te + 8, true), wall, offset);
            q = ve;
            continue;
          }
        }
      }
      this.decodeSummary(buf, dv, q, end, step, wall, offset);
      break;
    }
    return true;
  }

  private addPoint(tag: TagInfo, step: number, value: number, wall: number, offset: number): void {
    let series = tag.series;
    if (!series) series = tag.series = seriesOf(this.run, tag.name);
    const last = tag.lastStep;
    if (step < last && this.reportedJump !== this.jumps) {
      this.reportedJump = this.jumps;
      this.run.events.push({ type: 'restart', series: tag.name, fromStep: last, toStep: step, offset });
    }
    tag.lastStep = step;
    series.push(step, value, wall);
  }

  private decodeEvent(buf: Uint8Array, dv: DataView, start: number, end: number, offset: number): void {
    if (this.fastEvent(buf, dv, start, end, offset)) return;
    const r = this.rEvent.reset(buf, start, end, dv);
    let wall = NaN; // absent (proto3 default 0) = unknown
    let step = 0;
    let sumStart = -1;
    let sumEnd = -1;
    let session = -1;
    while (r.next()) {
      switch (r.field) {
        case 1:
          wall = r.double();
          break;
        case 2:
          step = r.int64();
          break;
        case 3:
          if (r.bytes()) this.run.meta['tfevents.file_version'] = decodeUtf8(buf, r.start, r.stop);
          break;
        case 5:
          if (r.bytes()) {
            sumStart = r.start;
            sumEnd = r.stop;
          }
          break;
        case 7:
          if (r.sub(this.rSub)) {
            session = 0;
            const s = this.rSub;
            while (s.next()) {
              if (s.field === 1) session = s.uint();
              else s.skip();
            }
          }
          break;
        case 10:
          if (r.sub(this.rSub)) {
            const s = this.rSub;
            while (s.next()) {
              if (s.field === 1 && s.wire === WIRE_LEN) this.run.meta['tfevents.writer'] = s.string();
              else s.skip();
            }
          }
          break;
        default:
          r.skip();
      }
    }
    if (r.error) {
      reportMalformed(this.run, `event record at byte ${offset} is not a valid Event protobuf: skipped`, {
        offset,
      });
      return;
    }
    if (session === 1) {
      this.starts++;
      if (this.starts > 1) {
        this.run.events.push({
          type: 'note',
          message: `SessionLog START at step ${step} (byte ${offset}): the writer restarted; TensorBoard hides earlier points with step >= ${step}`,
        });
      }
    }
    if (sumStart < 0) return;
    if (step < this.lastSummaryStep) this.jumps++;
    this.lastSummaryStep = step;
    this.decodeSummary(buf, dv, sumStart, sumEnd, step, wall, offset);
  }

  private decodeSummary(
    buf: Uint8Array,
    dv: DataView,
    start: number,
    end: number,
    step: number,
    wall: number,
    offset: number,
  ): void {
    const s = this.rSummary.reset(buf, start, end, dv);
    const v = this.rValue;
    while (s.next()) {
      if (s.field !== 1 || !s.sub(v)) {
        s.skip();
        continue;
      }
      let tagStart = -1;
      let tagEnd = -1;
      let simple = 0;
      let hasSimple = false;
      let tensorStart = -1;
      let tensorEnd = -1;
      let metaStart = -1;
      let metaEnd = -1;
      let other = 0;
      while (v.next()) {
        switch (v.field) {
          case 1:
            if (v.bytes()) {
              tagStart = v.start;
              tagEnd = v.stop;
            }
            break;
          case 2:
            if (v.wire === WIRE_I32) {
              simple = v.float();
              hasSimple = true;
            } else v.skip();
            break;
          case 8:
            if (v.bytes()) {
              tensorStart = v.start;
              tensorEnd = v.stop;
            }
            break;
          case 9:
            if (v.bytes()) {
              metaStart = v.start;
              metaEnd = v.stop;
            }
            break;
          default:
            if (v.field >= 3 && v.field <= 6) other = v.field;
            v.skip();
        }
      }
      if (v.error || tagStart < 0) {
        if (v.error) reportMalformed(this.run, `summary value at byte ${offset} is malformed: skipped`, { offset });
        continue;
      }
      const tag = this.tagOf(buf, tagStart, tagEnd, metaStart, metaEnd);
      let value: number;
      if (hasSimple) value = simple;
      else if (tensorStart >= 0) {
        if (tag.notScalar) {
          this.skip(tag.plugin || 'non-scalar tensors');
          continue;
        }
        value = this.tensorScalar(buf, dv, tensorStart, tensorEnd);
        if (value !== value && this.tensorWhy !== '') {
          this.skip(this.tensorWhy);
          continue;
        }
      } else {
        if (other === 4) this.skip('images');
        else if (other === 5 || other === 3) this.skip('histograms');
        else if (other === 6) this.skip('audio');
        else if (tag.plugin) this.skip(`${tag.plugin} metadata-only values`);
        continue;
      }
      this.addPoint(tag, step, value, wall, offset);
    }
    if (s.error) reportMalformed(this.run, `summary at byte ${offset} is malformed: rest skipped`, { offset });
  }

  /** Look a tag up by its bytes; on first sight, decode its name and plugin metadata. */
  private tagOf(buf: Uint8Array, start: number, end: number, metaStart: number, metaEnd: number): TagInfo {
    const len = end - start;
    const prev = this.prevTag;
    let t = prev?.succ;
    if (t && t.bytes.length === len) {
      const b = t.bytes;
      let i = 0;
      while (i < len && b[i] === buf[start + i]) i++;
      if (i === len) return (this.prevTag = t);
    }
    t = this.lookupTag(buf, start, end, metaStart, metaEnd);
    if (prev) prev.succ = t;
    return (this.prevTag = t);
  }

  private lookupTag(buf: Uint8Array, start: number, end: number, metaStart: number, metaEnd: number): TagInfo {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    h = (h ^ (end - start)) >>> 0;
    const len = end - start;
    let t = this.tags.get(h);
    for (; t; t = t.next) {
      const b = t.bytes;
      if (b.length !== len) continue;
      let i = 0;
      while (i < len && b[i] === buf[start + i]) i++;
      if (i === len) return t;
    }
    const info: TagInfo = {
      name: decodeUtf8(buf, start, end),
      bytes: buf.slice(start, end),
      next: this.tags.get(h),
      plugin: '',
      notScalar: false,
      series: undefined,
      succ: undefined,
      lastStep: -Infinity,
    };
    this.tags.set(h, info);
    if (metaStart >= 0) this.readMetadata(info, buf, metaStart, metaEnd);
    return info;
  }

  private readMetadata(info: TagInfo, buf: Uint8Array, start: number, end: number): void {
    const m = this.rSub.reset(buf, start, end);
    let dataClass = 0;
    while (m.next()) {
      if (m.field === 1 && m.sub(this.rSub2)) {
        const p = this.rSub2;
        while (p.next()) {
          if (p.field === 1 && p.wire === WIRE_LEN) info.plugin = p.string();
          else p.skip();
        }
      } else if (m.field === 4 && m.wire === WIRE_VARINT) dataClass = m.uint();
      else m.skip();
    }
    info.notScalar = NON_SCALAR_PLUGINS.has(info.plugin) || dataClass === 2 || dataClass === 3;
  }

  /** Why the last `tensorScalar` returned no value ('' when it returned one). */
  private tensorWhy = '';

  /** The value of a single-element numeric tensor; NaN with `tensorWhy` set when it is not one. */
  private tensorScalar(buf: Uint8Array, dv: DataView, start: number, end: number): number {
    const t = this.rSub.reset(buf, start, end, dv);
    let dtype = 0;
    let elements = 1;
    let contentStart = -1;
    let contentLen = 0;
    let count = 0;
    let value = NaN;
    let unknownRank = false;
    while (t.next()) {
      switch (t.field) {
        case 1:
          dtype = t.uint();
          break;
        case 2:
          if (t.sub(this.rSub2)) {
            const sh = this.rSub2;
            while (sh.next()) {
              if (sh.field === 2 && sh.bytes()) {
                // Dim { int64 size = 1; string name = 2; }
                const d = this.rValue2.reset(buf, sh.start, sh.stop, dv);
                let size = 0;
                while (d.next()) {
                  if (d.field === 1) size = d.int64();
                  else d.skip();
                }
                elements *= size;
              } else if (sh.field === 3 && sh.wire === WIRE_VARINT) unknownRank = sh.uint() !== 0;
              else sh.skip();
            }
          }
          break;
        case 4:
          if (t.bytes()) {
            contentStart = t.start;
            contentLen = t.stop - t.start;
          }
          break;
        case 5: // float_val
          if (t.wire === WIRE_I32) {
            if (count++ === 0) value = t.float();
            else t.skip();
          } else if (t.bytes()) {
            const k = (t.stop - t.start) >> 2;
            if (k > 0 && count === 0) value = dv.getFloat32(t.start, true);
            count += k;
          }
          break;
        case 6: // double_val
          if (t.wire === WIRE_I64) {
            if (count++ === 0) value = t.double();
            else t.skip();
          } else if (t.bytes()) {
            const k = (t.stop - t.start) >> 3;
            if (k > 0 && count === 0) value = dv.getFloat64(t.start, true);
            count += k;
          }
          break;
        case 7: // int_val
        case 10: // int64_val
        case 13: // half_val (also bfloat16)
          if (t.wire === WIRE_VARINT) {
            const x = t.int64();
            if (count++ === 0) value = x;
          } else if (t.bytes()) {
            // packed varints: count them, decode the first
            const ps = t.start;
            const pe = t.stop;
            const d = this.rValue2.reset(buf, ps, pe, dv);
            while (d.pos < d.end && !d.error) {
              const x = d.signedVarint();
              if (d.error) break;
              if (count++ === 0) value = x;
            }
          }
          break;
        default:
          t.skip();
      }
    }
    this.tensorWhy = '';
    if (t.error) {
      this.tensorWhy = 'malformed tensors';
      return NaN;
    }
    if (unknownRank || elements !== 1) {
      this.tensorWhy = 'non-scalar tensors';
      return NaN;
    }
    if (contentStart >= 0) {
      const c = contentStart;
      switch (dtype) {
        case DT_FLOAT:
          if (contentLen === 4) return dv.getFloat32(c, true);
          break;
        case DT_DOUBLE:
          if (contentLen === 8) return dv.getFloat64(c, true);
          break;
        case DT_INT32:
          if (contentLen === 4) return dv.getInt32(c, true);
          break;
        case DT_INT64:
          if (contentLen === 8) return Number(dv.getBigInt64(c, true));
          break;
        case DT_HALF:
          if (contentLen === 2) return halfToNumber(dv.getUint16(c, true));
          break;
        case DT_BFLOAT16:
          if (contentLen === 2) return bfloat16ToNumber(dv.getUint16(c, true));
          break;
      }
      this.tensorWhy = dtype === DT_STRING ? 'string tensors' : `tensors of dtype ${dtype}`;
      return NaN;
    }
    if (count === 1) {
      switch (dtype) {
        case DT_FLOAT:
        case DT_DOUBLE:
        case DT_INT32:
        case DT_INT64:
          return value;
        case DT_HALF:
          return halfToNumber(value);
        case DT_BFLOAT16:
          return bfloat16ToNumber(value);
      }
    }
    this.tensorWhy = dtype === DT_STRING ? 'string tensors' : count === 1 ? `tensors of dtype ${dtype}` : 'empty tensors';
    return NaN;
  }
}
