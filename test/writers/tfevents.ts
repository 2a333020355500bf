// Writing TensorBoard event files, for tests: Event protobufs, TFRecord framing, whole files of
// scalars. Moved out of src/core/formats/tfevents.ts: the product only reads them.
import { maskedCrc32c } from '../../src/core/formats/crc32c';
import { ProtoWriter } from './proto';

/** TFRecord framing: length (8) + masked CRC of the length (4) before the data, CRC (4) after. */
const HEADER = 12;
const FOOTER = 4;
const DT_FLOAT = 1;

export interface TensorSpec {
  /** TensorFlow DataType number (1 float, 2 double, 3 int32, 9 int64, 14 bfloat16, 19 half, 7 string). */
  dtype: number;
  /** Dimension sizes; [] or absent = rank 0. */
  shape?: number[];
  /** Raw little-endian element bytes (what TF2 writes). */
  content?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  halfVal?: number[];
  stringVal?: string[];
  /** Write float_val / double_val unpacked (one field per element) instead of packed. */
  unpacked?: boolean;
}

export interface ValueSpec {
  tag: string;
  simpleValue?: number;
  tensor?: TensorSpec;
  /** Plugin name for the value's metadata (written when given). */
  plugin?: string;
  dataClass?: number;
  /** Write an image (field 4) instead of a value. */
  image?: boolean;
}

export interface EventSpec {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  values?: ValueSpec[];
  /** SessionLog status (1 START, 2 STOP, 3 CHECKPOINT). */
  sessionLog?: number;
  sourceWriter?: string;
  /** Bytes for graph_def (field 4). */
  graphDef?: Uint8Array;
}

/** Serialize an Event protobuf (no framing). */
export function encodeEvent(e: EventSpec): Uint8Array {
  const w = new ProtoWriter();
  if (e.wallTime !== undefined) w.double(1, e.wallTime);
  if (e.step) w.varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.graphDef) w.bytes(4, e.graphDef);
  if (e.values) {
    w.message(5, sw => {
      for (const v of e.values!) {
        sw.message(1, vw => {
          vw.string(1, v.tag);
          if (v.simpleValue !== undefined) vw.float(2, v.simpleValue);
          if (v.image) vw.message(4, iw => iw.varint(1, 1).varint(2, 1).bytes(4, new Uint8Array([0x89, 0x50])));
          if (v.tensor) vw.message(8, tw => encodeTensor(tw, v.tensor!));
          if (v.plugin !== undefined || v.dataClass !== undefined) {
            vw.message(9, mw => {
              if (v.plugin !== undefined) mw.message(1, pw => pw.string(1, v.plugin!));
              if (v.dataClass !== undefined) mw.varint(4, v.dataClass);
            });
          }
        });
      }
    });
  }
  if (e.sessionLog !== undefined) w.message(7, sw => sw.varint(1, e.sessionLog!));
  if (e.sourceWriter !== undefined) w.message(10, sw => sw.string(1, e.sourceWriter!));
  return w.finish();
}

function encodeTensor(w: ProtoWriter, t: TensorSpec): void {
  w.varint(1, t.dtype);
  if (t.shape && t.shape.length) {
    w.message(2, sw => {
      for (const d of t.shape!) sw.message(2, dw => dw.varint(1, d));
    });
  } else {
    w.bytes(2, new Uint8Array(0));
  }
  if (t.content) w.bytes(4, t.content);
  if (t.floatVal) {
    if (t.unpacked) for (const x of t.floatVal) w.float(5, x);
    else {
      const b = new Uint8Array(t.floatVal.length * 4);
      const dv = new DataView(b.buffer);
      t.floatVal.forEach((x, i) => dv.setFloat32(i * 4, x, true));
      w.bytes(5, b);
    }
  }
  if (t.doubleVal) {
    if (t.unpacked) for (const x of t.doubleVal) w.double(6, x);
    else {
      const b = new Uint8Array(t.doubleVal.length * 8);
      const dv = new DataView(b.buffer);
      t.doubleVal.forEach((x, i) => dv.setFloat64(i * 8, x, true));
      w.bytes(6, b);
    }
  }
  if (t.intVal) for (const x of t.intVal) w.varint(7, x);
  if (t.stringVal) for (const x of t.stringVal) w.string(8, x);
  if (t.halfVal) for (const x of t.halfVal) w.varint(13, x);
}

/** Frame `data` as one TFRecord: length, masked CRC of the length, data, masked CRC of data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + data.length + FOOTER);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length % 4294967296, true);
  dv.setUint32(4, Math.floor(data.length / 4294967296), true);
  dv.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, HEADER);
  dv.setUint32(HEADER + data.length, maskedCrc32c(data), true);
  return out;
}

/** One complete TFRecord holding the Event `e`. */
export function encodeEventRecord(e: EventSpec): Uint8Array {
  return frameRecord(encodeEvent(e));
}

export interface ScalarPoint {
  tag: string;
  step: number;
  value: number;
  /** Seconds since the epoch; defaults to 1.7e9 + step. */
  wallTime?: number;
}

/**
 * A whole event file: a `file_version` record, then one record per point, as PyTorch writes
 * them (`style: 'simple'`, simple_value) or as TF2 does (`style: 'tensor'`, a rank-0 DT_FLOAT
 * tensor in tensor_content with scalars-plugin metadata on each tag's first value).
 * Written directly into one buffer (fast enough to generate 100 MB for the benchmark).
 */
export function writeScalarEvents(
  points: Iterable<ScalarPoint>,
  opts: { style?: 'simple' | 'tensor'; fileVersion?: boolean; wallTime0?: number } = {},
): Uint8Array {
  const tensor = opts.style === 'tensor';
  const wall0 = opts.wallTime0 ?? 1.7e9;
  let out = new Uint8Array(1 << 16);
  let dv = new DataView(out.buffer);
  let n = 0;
  const ensure = (k: number) => {
    if (n + k <= out.length) return;
    const next = new Uint8Array(Math.max(out.length * 2, n + k));
    next.set(out.subarray(0, n));
    out = next;
    dv = new DataView(out.buffer);
  };
  const varint = (v: number) => {
    while (v >= 0x80) {
      out[n++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    out[n++] = v;
  };
  const vlen = (v: number) => {
    let k = 1;
    while (v >= 0x80) {
      v = Math.floor(v / 128);
      k++;
    }
    return k;
  };
  if (opts.fileVersion !== false) {
    const r = encodeEventRecord({ wallTime: wall0, fileVersion: 'brain.Event:2' });
    ensure(r.length);
    out.set(r, n);
    n += r.length;
  }
  const tagBytes = new Map<string, Uint8Array>();
  const seen = new Set<string>();
  const enc = new TextEncoder();
  const plugin = enc.encode('scalars');
  for (const p of points) {
    let tb = tagBytes.get(p.tag);
    if (!tb) tagBytes.set(p.tag, (tb = enc.encode(p.tag)));
    const withMeta = tensor && !seen.has(p.tag);
    if (withMeta) seen.add(p.tag);
    const tagField = 1 + vlen(tb.length) + tb.length;
    // tensor: {dtype=1: DT_FLOAT, tensor_shape=2: {}, tensor_content=4: 4 bytes}
    const valueLen = tensor ? tagField + 12 + (withMeta ? 13 : 0) : tagField + 5;
    const summaryLen = 1 + vlen(valueLen) + valueLen;
    const step = p.step;
    const eventLen = 9 + (step > 0 ? 1 + vlen(step) : 0) + 1 + vlen(summaryLen) + summaryLen;
    ensure(HEADER + eventLen + FOOTER);
    const rec = n;
    dv.setUint32(n, eventLen, true);
    dv.setUint32(n + 4, 0, true);
    dv.setUint32(n + 8, maskedCrc32c(out, n, n + 8), true);
    n += HEADER;
    out[n++] = 0x09; // wall_time
    dv.setFloat64(n, p.wallTime ?? wall0 + step, true);
    n += 8;
    if (step > 0) {
      out[n++] = 0x10; // step
      varint(step);
    }
    out[n++] = 0x2a; // summary
    varint(summaryLen);
    out[n++] = 0x0a; // value
    varint(valueLen);
    out[n++] = 0x0a; // tag
    varint(tb.length);
    out.set(tb, n);
    n += tb.length;
    if (tensor) {
      out[n++] = 0x42; // tensor
      out[n++] = 10;
      out[n++] = 0x08; // dtype
      out[n++] = DT_FLOAT;
      out[n++] = 0x12; // tensor_shape (rank 0)
      out[n++] = 0;
      out[n++] = 0x22; // tensor_content
      out[n++] = 4;
      dv.setFloat32(n, p.value, true);
      n += 4;
      if (withMeta) {
        out[n++] = 0x4a; // metadata
        out[n++] = 11;
        out[n++] = 0x0a; // plugin_data
        out[n++] = 9;
        out[n++] = 0x0a; // plugin_name
        out[n++] = plugin.length;
        out.set(plugin, n);
        n += plugin.length;
      }
    } else {
      out[n++] = 0x15; // simple_value
      dv.setFloat32(n, p.value, true);
      n += 4;
    }
    dv.setUint32(n, maskedCrc32c(out, rec + HEADER, n), true);
    n += FOOTER;
  }
  return out.slice(0, n);
}
