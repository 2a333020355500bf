import type { FormatId } from '../model';
import { maskedCrc32c } from './crc32c';

export type Detection =
  | { ok: true; format: Exclude<FormatId, 'mlflow'>; why: string }
  | { ok: false; reason: 'empty' | 'lfs-pointer' | 'binary'; message: string };

/** How many leading bytes `detectFormat` wants to see. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Tell a log's format from its first bytes (content first; the file name only breaks ties).
 * `head` is the start of the file (up to SNIFF_BYTES); `total` is the whole size when known.
 */
export function detectFormat(head: Uint8Array, fileName = ''): Detection {
  if (head.length === 0) return { ok: false, reason: 'empty', message: 'the file is empty' };
  if (isTfRecord(head)) return { ok: true, format: 'tfevents', why: 'TFRecord framing with valid CRC-32C' };
  if (startsWith(head, ':W&B')) return { ok: true, format: 'wandb', why: 'W&B transaction log header' };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  if (text.startsWith('version https://git-lfs.github.com/spec/')) {
    return {
      ok: false,
      reason: 'lfs-pointer',
      message:
        'this is a Git LFS pointer, not the log itself: run `git lfs pull` to fetch the real file',
    };
  }
  if (/events\.out\.tfevents/.test(fileName) && head.length < 12) {
    return { ok: true, format: 'tfevents', why: 'event file name (too short to frame)' };
  }
  if (looksBinary(head)) {
    return { ok: false, reason: 'binary', message: 'binary data that is not a known log format' };
  }
  // NUL padding (see looksBinary) ends a line, as the text reader reads it.
  const body = (text.indexOf('\0') >= 0 ? text.replace(/\0+/g, '\n') : text).replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    if (/"log_history"\s*:/.test(body) || /trainer_state[^/\\]*\.json$/i.test(fileName)) {
      return { ok: true, format: 'hf-trainer-state', why: 'JSON object with log_history' };
    }
    const lines = nonEmptyLines(body, 6);
    const jsonish = lines.filter(l => l.trimStart().startsWith('{')).length;
    // one document of per-epoch lists (Keras' history.history dumped with json.dump)
    if (jsonish <= 1 && (HISTORY_RE.test(trimmed) || RECORDS_RE.test(trimmed))) {
      return { ok: true, format: 'json-history', why: 'JSON object of metric lists' };
    }
    if (jsonish >= Math.max(1, Math.ceil(lines.length * 0.6)) && !/^\{'/.test(trimmed)) {
      return { ok: true, format: 'jsonl', why: 'lines of JSON objects' };
    }
  }
  if (/^\[\s*\{/.test(trimmed)) return { ok: true, format: 'json-history', why: 'JSON list of records' };
  if (looksCsv(body, fileName)) return { ok: true, format: 'csv', why: 'delimited header and rows' };
  if (/events\.out\.tfevents/.test(fileName)) {
    return { ok: true, format: 'tfevents', why: 'event file name (framing not valid at start)' };
  }
  return { ok: true, format: 'text', why: 'plain text' };
}

/** A key holding a list of numbers (`"val_loss": [0.52, ...`, pretty-printed or not). */
const HISTORY_RE = /"[^"\n]*"\s*:\s*\[\s*(-?[\d.]|NaN|-?Infinity|null)/;
/** A key holding a list of per-epoch records (`"MLP": [{"epoch": 1, "loss": 3.41, ...`). */
const RECORDS_RE = /"[^"\n]*"\s*:\s*\[\s*\{\s*"(epoch|step|iteration|iter|global_step|loss|train_loss)"\s*:\s*-?[\d.]/i;

function startsWith(b: Uint8Array, s: string): boolean {
  if (b.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}

export function isTfRecord(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hi = dv.getUint32(4, true);
  if (hi !== 0) return false;
  return maskedCrc32c(b, 0, 8) === dv.getUint32(8, true);
}

/** A run of NUL bytes at least this long is padding (see looksBinary). */
export const NUL_PAD_MIN = 16;

/**
 * Binary data, not text: a stray NUL byte (UTF-16 without a byte-order mark, binary formats)
 * or over 5% control characters in the first 4096 bytes. A run of NUL_PAD_MIN or more NULs is
 * padding and skipped (a log file pre-allocated or truncated while written starts with
 * thousands of NULs, and a crashed writer can leave a hole of them); it neither decides nor
 * counts, and the 4096 bytes looked at are those around it.
 */
function looksBinary(b: Uint8Array): boolean {
  let n = 0;
  let bad = 0;
  for (let i = 0; i < b.length && n < 4096; i++) {
    const c = b[i];
    if (c === 0) {
      let j = i + 1;
      while (j < b.length && b[j] === 0) j++;
      // A short run is binary; a long one is padding.
      if (j - i < NUL_PAD_MIN) return true;
      i = j - 1;
      continue;
    }
    n++;
    if (c < 9 || (c > 13 && c < 27) || (c > 27 && c < 32)) bad++;
  }
  return bad > n * 0.05;
}

function nonEmptyLines(s: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  // Old Mac line ends (`\r` alone, as some Keras CSVLogger files on Windows are written).
  const eol = s.indexOf('\n') < 0 && s.indexOf('\r') >= 0 ? '\r' : '\n';
  while (out.length < max && start < s.length) {
    let nl = s.indexOf(eol, start);
    if (nl < 0) nl = s.length;
    const line = s.slice(start, nl).trim();
    if (line) out.push(line);
    start = nl + 1;
  }
  return out;
}

function looksCsv(s: string, fileName: string): boolean {
  const lines = nonEmptyLines(s, 12);
  if (lines.length < 1) return false;
  const head = lines[0];
  const sep = head.includes(',') ? ',' : head.includes('\t') ? '\t' : head.includes(';') ? ';' : '';
  if (!sep) return false;
  const cols = head.split(sep).length;
  if (cols < 2) return false;
  // The header names things; it is not itself a line of prose with a comma in it.
  const cells = head.split(sep).map(c => c.trim());
  if (cells.some(c => c.length > 80)) return false;
  if (/[=]|:\s/.test(head) && !/\.csv$/i.test(fileName)) return false;
  // A log line, not a header: `2023-10-05 18:36:15,305 - INFO - ...` (Python logging's
  // milliseconds after a comma make every line look like two columns).
  if (/^\[?\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d|\b(?:INFO|WARNING|DEBUG|ERROR)\b/.test(head) && !/\.(csv|tsv)$/i.test(fileName)) {
    return false;
  }
  if (lines.length === 1) return /\.(csv|tsv)$/i.test(fileName);
  const rows = lines.slice(1, -1).length ? lines.slice(1, Math.max(2, lines.length - 1)) : lines.slice(1);
  // Rows of about the header's width (ragged rows are reported by the CSV reader itself). A
  // row without the delimiter at all is no row of the table: a prose first line with a comma
  // (Keras 2 `Train on 58 samples, validate on 26 samples`) over lines of plain log output
  // must not pass for a two-column header whose rows are one column short.
  let close = 0;
  for (const r of rows) {
    const w = r.split(sep).length;
    if (w >= 2 && Math.abs(w - cols) <= 1) close++;
  }
  const headerNumeric = cells.filter(c => c !== '' && !Number.isNaN(Number(c))).length;
  if (headerNumeric > cells.length / 2 && !/\.(csv|tsv)$/i.test(fileName)) return false;
  return close >= Math.ceil(rows.length * 0.8) && rows.some(r => /\d/.test(r));
}
