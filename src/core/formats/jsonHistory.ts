/**
 * One JSON document of per-epoch metric lists: what `json.dump(history.history, f)` writes
 * after a Keras `fit()` (`{"loss": [...], "val_loss": [...], "accuracy": [...]}`), and the same
 * shape kept by hand in PyTorch scripts (`{"train_loss": [...], "val_loss": [...], "lr": [...]}`),
 * also one level down (`{"history": {...}}`, `{"metrics": {...}}`); or a list of per-epoch
 * records (`[{"epoch": 1, "loss": 0.9, "val_loss": 1.1}, ...]`), also under keys a few levels
 * down (`{"training_log": {"MLP": [records], "CNN": [records]}}`: series named `MLP/loss`, ...).
 *
 * Every list of numbers (null, NaN and Infinity allowed: Python's json writes bare NaN) is a
 * series; its i-th value is at epoch i + 1 (Keras counts epochs from 1 in what it prints), or
 * at the value of an `epoch` / `epochs` / `step` / `iteration` list of the same length when the
 * document has one. Lists shorter than half the longest are settings, not metrics, and a
 * document without a loss or metric list is not a history. A record list takes its x from the same keys of each record, else the
 * record's position. Other keys (strings, nested objects, scalars) are left out; scalars go to
 * `run.meta`. The file is buffered (a history is small; MAX_BYTES at most) and parsed at
 * `end()`; a document that does not parse is reported once as malformed, with what JSON.parse
 * said.
 */
import { createRun, inferRole, LOSS_ROLES, reportMalformed, seriesOf, type Run } from '../model';
import { parseJsonTolerant } from './json5ish';
import type { LogParser, ParserOptions } from './types';
import { Utf8Stream } from './utf8';

/** Keys that hold the x of each value, in order of preference (lower case). */
const X_KEYS = ['epoch', 'epochs', 'step', 'steps', 'global_step', 'iteration', 'iter'];
/** Keys one level down that hold the lists (`{"history": {...}}`). */
const NEST_KEYS = ['history', 'metrics', 'log', 'logs', 'results'];

/** A number as Python's json writes it (null for a missing value, read as NaN). */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null) return NaN;
  return undefined;
}

/** The document is an object of number lists (directly or one level down): its lists. */
export function historyLists(doc: unknown): Record<string, unknown[]> | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const o = doc as Record<string, unknown>;
  const lists = (x: Record<string, unknown>): Record<string, unknown[]> | undefined => {
    const out: Record<string, unknown[]> = {};
    let any = false;
    for (const [k, v] of Object.entries(x)) {
      if (Array.isArray(v) && v.length > 0 && v.every(e => num(e) !== undefined)) {
        out[k] = v;
        any = true;
      }
    }
    return any ? out : undefined;
  };
  let found = lists(o);
  if (!found) {
    for (const [k, v] of Object.entries(o)) {
      if (NEST_KEYS.includes(k.toLowerCase()) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        found = lists(v as Record<string, unknown>);
        if (found) break;
      }
    }
  }
  if (!found) return undefined;
  // Per-epoch lists all have the run's length; a short list beside them is a setting
  // (`"phase_starts": [0, 15, 40]` beside 90-epoch losses).
  let longest = 0;
  for (const v of Object.values(found)) longest = Math.max(longest, v.length);
  const kept: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(found)) if (2 * v.length >= longest) kept[k] = v;
  // a history holds at least one loss or metric (a config's list of layer sizes does not)
  return Object.keys(kept).some(k => inferRole(k) !== 'other') ? kept : undefined;
}

/** A list of per-epoch records: objects with at least one number under a loss or metric name. */
function isRecordList(v: unknown): v is unknown[] {
  if (!Array.isArray(v) || v.length < 2) return false;
  const first = v[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return false;
  // (a step key or a loss: a table of models' final scores is no history)
  const keys = Object.keys(first as Record<string, unknown>);
  if (keys.some(k => X_KEYS.includes(k.toLowerCase()))) return true;
  return Object.entries(first as Record<string, unknown>).some(([k, x]) => typeof x === 'number' && LOSS_ROLES.has(inferRole(k)));
}

/**
 * Lists of per-epoch records nested in a document under keys, at most 3 levels down
 * (`{"training_log": {"MLP": [{"epoch": 1, "loss": 3.41, ...}, ...], "CNN": [...]}}`): each
 * with the key it is under, in document order.
 */
export function recordLists(doc: unknown, depth = 0): Array<[string, unknown[]]> {
  const out: Array<[string, unknown[]]> = [];
  if (depth > 3 || doc === null || typeof doc !== 'object' || Array.isArray(doc)) return out;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (isRecordList(v)) out.push([k, v]);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...recordLists(v, depth + 1));
  }
  return out;
}

export class JsonHistoryParser implements LogParser {
  /** Largest document read (bytes); beyond it the file is reported as truncated. */
  static MAX_BYTES = 256_000_000;

  readonly format = 'json-history' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly decoder = new Utf8Stream();
  private parts: string[] = [];
  private bytes = 0;
  private overflow = false;
  private ended = false;

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
  }

  push(chunk: Uint8Array): void {
    if (this.ended || this.overflow) return;
    const max = JsonHistoryParser.MAX_BYTES;
    let c = chunk;
    if (this.bytes + c.length > max) {
      c = c.subarray(0, Math.max(0, max - this.bytes));
      this.overflow = true;
      this.run.events.push({ type: 'truncated', message: `JSON document larger than ${max} bytes: not read`, offset: max });
    }
    this.bytes += c.length;
    const s = this.decoder.decode(c);
    if (s.length) this.parts.push(s);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const tail = this.decoder.end();
    if (tail.length) this.parts.push(tail);
    const text = this.parts.join('').replace(/^\uFEFF/, '');
    this.parts = [];
    if (this.overflow || text.trim().length === 0) return;
    const r = parseJsonTolerant(text);
    if (!r.ok) {
      reportMalformed(this.run, `invalid JSON: ${r.error}`, { line: 1 });
      return;
    }
    if (Array.isArray(r.value)) this.readRecords(r.value);
    else this.readLists(r.value);
    for (const s of this.run.series.values()) s.trim();
  }

  private readLists(doc: unknown): void {
    const lists = historyLists(doc);
    if (!lists) {
      const nested = recordLists(doc);
      if (nested.length === 0) {
        reportMalformed(this.run, 'a JSON object without lists of numbers (per-epoch metrics)', { line: 1 });
        return;
      }
      // several lists (`{"training_log": {"MLP": [...], "CNN": [...]}}`: one per model): their
      // series named after the key, each with the role of its own name
      for (const [key, list] of nested) this.readRecords(list, nested.length > 1 ? `${key}/` : '');
      return;
    }
    if (doc !== null && typeof doc === 'object') {
      for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
        if (typeof v === 'number' || typeof v === 'string') this.run.meta[k] = String(v);
      }
    }
    const names = Object.keys(lists);
    let xKey: string | undefined;
    for (const want of X_KEYS) {
      xKey = names.find(n => n.toLowerCase() === want);
      if (xKey) break;
    }
    for (const name of names) {
      if (name === xKey) continue;
      const v = lists[name];
      const xs = xKey && lists[xKey].length === v.length ? lists[xKey] : undefined;
      const s = seriesOf(this.run, name);
      for (let i = 0; i < v.length; i++) s.push(xs ? (num(xs[i]) as number) : i + 1, num(v[i]) as number);
    }
    if (!xKey || /^epochs?$/i.test(xKey)) this.run.meta.stepUnit = 'epoch';
  }

  private readRecords(list: unknown[], prefix = ''): void {
    let read = 0;
    let xKey: string | undefined;
    list.forEach((rec, i) => {
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return;
      const o = rec as Record<string, unknown>;
      if (xKey === undefined) xKey = X_KEYS.map(w => Object.keys(o).find(k => k.toLowerCase() === w)).find(k => k !== undefined) ?? '';
      const xv = xKey ? num(o[xKey]) : undefined;
      const x = xv !== undefined && Number.isFinite(xv) ? xv : i + 1;
      for (const [k, v] of Object.entries(o)) {
        if (k === xKey) continue;
        const y = typeof v === 'number' ? v : undefined;
        if (y === undefined) continue;
        const ser = seriesOf(this.run, prefix + k);
        if (prefix && ser.length === 0) ser.role = inferRole(k);
        ser.push(x, y);
        read++;
      }
    });
    if (read === 0) reportMalformed(this.run, 'a JSON list without records of numbers (per-epoch metrics)', { line: 1 });
    else if (!xKey || /^epochs?$/i.test(xKey)) this.run.meta.stepUnit = 'epoch';
  }
}
