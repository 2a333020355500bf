/**
 * Hyperparameters from TensorBoard's hparams plugin: the `_hparams_/session_start_info` summary
 * that `SummaryWriter.add_hparams`, Lightning's TensorBoardLogger and Keras's hparams callback
 * write into an event file. Its plugin content is an `HParamsPluginData` whose
 * `session_start_info.hparams` maps each name to a `google.protobuf.Value` (number, string or
 * bool).
 *
 * Only the records of the first MAX_SCAN_BYTES of each event file are looked at (writers put the
 * session start near the beginning), each record checked for the tag's bytes before decoding.
 *
 * Node-only (node:fs), free of `vscode`.
 */
import * as fs from 'node:fs';
import { ProtoReader, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../formats/proto';
import { paramValue, type Params } from './params';

/** How much of an event file is searched for the hparams record. */
const MAX_SCAN_BYTES = 4 << 20;
const TAG = Buffer.from('_hparams_/session_start_info');

/** The hparams of the event files (the first file that has them). */
export function readTbHparams(files: readonly string[]): Params {
  for (const f of files) {
    const p = readOne(f);
    if (p) return p;
  }
  return {};
}

function readOne(file: string): Params | undefined {
  let buf: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = Math.min(fs.fstatSync(fd).size, MAX_SCAN_BYTES);
      buf = Buffer.alloc(size);
      fs.readSync(fd, buf, 0, size, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (buf.indexOf(TAG) < 0) return undefined;
  // TFRecord framing: uint64 length, uint32 masked crc, data, uint32 masked crc.
  let pos = 0;
  while (pos + 12 <= buf.length) {
    const len = buf.readUInt32LE(pos) + buf.readUInt32LE(pos + 4) * 2 ** 32;
    const start = pos + 12;
    const end = start + len;
    if (end + 4 > buf.length) break;
    const at = buf.indexOf(TAG, start);
    if (at >= 0 && at < end) {
      const p = fromEvent(buf, start, end);
      if (p) return p;
    }
    pos = end + 4;
  }
  return undefined;
}

/** Event{summary = 5} → Summary{value = 1} → Value{tag = 1, metadata = 9} → SummaryMetadata{plugin_data = 1} → PluginData{content = 2}. */
function fromEvent(buf: Uint8Array, start: number, end: number): Params | undefined {
  const ev = new ProtoReader().reset(buf, start, end);
  const summary = new ProtoReader();
  const value = new ProtoReader();
  const meta = new ProtoReader();
  const plugin = new ProtoReader();
  while (ev.next()) {
    if (ev.field !== 5 || !ev.sub(summary)) {
      ev.skip();
      continue;
    }
    while (summary.next()) {
      if (summary.field !== 1 || !summary.sub(value)) {
        summary.skip();
        continue;
      }
      let tag = '';
      let content: [number, number] | undefined;
      while (value.next()) {
        if (value.field === 1) tag = value.string();
        else if (value.field === 9 && value.sub(meta)) {
          while (meta.next()) {
            if (meta.field === 1 && meta.sub(plugin)) {
              while (plugin.next()) {
                if (plugin.field === 2 && plugin.bytes()) content = [plugin.start, plugin.stop];
                else plugin.skip();
              }
            } else meta.skip();
          }
        } else value.skip();
      }
      if (tag === '_hparams_/session_start_info' && content) return fromPluginData(buf, content[0], content[1]);
    }
  }
  return undefined;
}

/** HParamsPluginData{session_start_info = 3} → SessionStartInfo{hparams = 1: map<string, Value>}. */
function fromPluginData(buf: Uint8Array, start: number, end: number): Params {
  const out: Params = {};
  const data = new ProtoReader().reset(buf, start, end);
  const info = new ProtoReader();
  const entry = new ProtoReader();
  const val = new ProtoReader();
  while (data.next()) {
    if (data.field !== 3 || !data.sub(info)) {
      data.skip();
      continue;
    }
    while (info.next()) {
      if (info.field !== 1 || !info.sub(entry)) {
        info.skip();
        continue;
      }
      let key = '';
      let v: unknown;
      while (entry.next()) {
        if (entry.field === 1) key = entry.string();
        else if (entry.field === 2 && entry.sub(val)) {
          // google.protobuf.Value: number_value = 2 (double), string_value = 3, bool_value = 4.
          while (val.next()) {
            if (val.field === 2 && val.wire === WIRE_I64) v = val.double();
            else if (val.field === 3 && val.wire === WIRE_LEN) v = val.string();
            else if (val.field === 4 && val.wire === WIRE_VARINT) v = val.varint() !== 0;
            else val.skip();
          }
        } else entry.skip();
      }
      const pv = paramValue(v);
      if (key && pv !== undefined && !(key in out)) out[key] = pv;
    }
  }
  return out;
}
