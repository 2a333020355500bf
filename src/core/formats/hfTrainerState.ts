/**
 * Hugging Face `trainer_state.json`: one JSON object written by `json.dumps(..., indent=2,
 * sort_keys=True)` with Python's bare `NaN` / `Infinity` / `-Infinity`.
 *
 * The file arrives in chunks; it is buffered (up to `MAX_BYTES`, beyond which a `truncated`
 * event is reported and the start is read) and read at `end()` by a positional scanner, so that
 * - every point carries the 1-based line of its key,
 * - a truncated or broken file still yields every complete `log_history` entry before the
 *   damage (then a `truncated` / `malformed` event).
 *
 * `log_history` entries: each numeric key except `step` is a point at the entry's `step`
 * (`epoch` included, role other, so a viewer can switch the x axis); nested objects are
 * flattened with `/`; strings ("59h:30m:19s"), booleans and null are skipped. Entries without
 * `step` (custom `predict_*` entries) use the last step seen (0 before any) and a note says so.
 * Exact duplicates of (key, step, value) are dropped (checkpoint copies, epoch repeated by a
 * train and an eval entry of the same step). Top-level scalars (max_steps, num_train_epochs,
 * global_step, best_metric, best_model_checkpoint, logging_steps, ...) go to `run.meta` as
 * strings. A top-level array is read as a bare `log_history` list.
 */
import { createRun, reportMalformed, seriesOf, type Run, type Series } from '../model';
import { flattenNumbers, JsonScanError, JsonScanner, parseJsonTolerant } from './json5ish';
import type { LogParser, ParserOptions } from './types';
import { Utf8Stream } from './utf8';

export class TrainerStateParser implements LogParser {
  /** Largest file read (bytes); the rest is dropped with a `truncated` event. */
  static MAX_BYTES = 512_000_000;

  readonly format = 'hf-trainer-state' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly decoder = new Utf8Stream();
  private parts: string[] = [];
  private bytes = 0;
  private overflow = false;
  private ended = false;

  private lastStep = 0;
  private haveStep = false;
  private prevEntryStep = NaN;
  private noStep = 0;
  private dups = 0;
  /** (step, value) keys per series, built only once a series gets a point at an old step. */
  private readonly dupSets = new Map<Series, Set<string>>();
  private entryKeys: string[] = [];
  private entryVals: number[] = [];
  private entryLines: number[] = [];

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
  }

  push(chunk: Uint8Array): void {
    if (this.ended || this.overflow) return;
    try {
      const max = TrainerStateParser.MAX_BYTES;
      let c = chunk;
      if (this.bytes + c.length > max) {
        c = c.subarray(0, Math.max(0, max - this.bytes));
        this.overflow = true;
        this.run.events.push({
          type: 'truncated',
          message: `trainer_state.json larger than ${max} bytes; only the first ${max} bytes were read`,
          offset: max,
        });
      }
      this.bytes += c.length;
      const s = this.decoder.decode(c);
      if (s.length) this.parts.push(s);
    } catch (e) {
      this.internalError(e);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const tail = this.decoder.end();
      if (tail.length) this.parts.push(tail);
      const text = this.parts.join('');
      this.parts = [];
      this.read(text);
      this.finishNotes();
      for (const s of this.run.series.values()) s.trim();
    } catch (e) {
      this.internalError(e);
    }
  }

  private read(text: string): void {
    const sc = new JsonScanner(text);
    try {
      const c = sc.peek();
      if (c === -1) return; // empty input: nothing to read
      if (c === 91) this.readHistory(sc);
      else if (c === 123) this.readTop(sc);
      else {
        reportMalformed(this.run, 'not a JSON object', { line: sc.line });
        return;
      }
      if (sc.peek() !== -1) reportMalformed(this.run, 'text after the JSON object', { line: sc.line });
    } catch (e) {
      if (e instanceof JsonScanError) {
        if (e.eof && !this.overflow) {
          this.run.events.push({ type: 'truncated', message: `trainer_state.json ends early: ${e.message}`, line: e.line });
        } else if (!e.eof) {
          reportMalformed(this.run, `invalid JSON: ${e.message}`, { line: e.line });
        }
      } else {
        throw e;
      }
    }
  }

  private readTop(sc: JsonScanner): void {
    sc.pos++; // '{'
    if (sc.peek() === 125) {
      sc.pos++;
      return;
    }
    for (;;) {
      if (sc.peek() !== 34) sc.fail('expected a key');
      const key = sc.readString();
      sc.expect(58);
      const c = sc.peek();
      if (key === 'log_history' && c === 91) {
        this.readHistory(sc);
      } else if (c === 123 || c === 91) {
        sc.skipValue();
      } else {
        // Meta keeps the number as written ("30.0", "1e-05"); strings are unquoted.
        const [a, b] = sc.skipValue();
        const raw = sc.text.slice(a, b);
        if (raw.charCodeAt(0) === 34) {
          const r = parseJsonTolerant(raw);
          if (r.ok && typeof r.value === 'string') this.run.meta[key] = r.value;
        } else if (raw !== 'null') {
          this.run.meta[key] = raw;
        }
      }
      if (!sc.next(125)) return;
    }
  }

  private readHistory(sc: JsonScanner): void {
    sc.pos++; // '['
    if (sc.peek() === 93) {
      sc.pos++;
      return;
    }
    for (;;) {
      if (sc.peek() === 123) {
        this.readEntry(sc);
      } else {
        const line = sc.line;
        sc.skipValue();
        reportMalformed(this.run, 'a log_history entry is not an object', { line });
      }
      if (!sc.next(93)) return;
    }
  }

  private readEntry(sc: JsonScanner): void {
    const keys = this.entryKeys;
    const vals = this.entryVals;
    const lines = this.entryLines;
    keys.length = 0;
    vals.length = 0;
    lines.length = 0;
    let step: number | undefined;
    sc.pos++; // '{'
    if (sc.peek() !== 125) {
      for (;;) {
        if (sc.peek() !== 34) sc.fail('expected a key');
        const line = sc.line;
        const key = sc.readString();
        sc.expect(58);
        const c = sc.peek();
        if (c === 123 || c === 91) {
          const [a, b] = sc.skipValue();
          if (c === 123) {
            const r = parseJsonTolerant(sc.text.slice(a, b));
            if (r.ok && r.value !== null && typeof r.value === 'object' && !Array.isArray(r.value)) {
              flattenNumbers(key, r.value as Record<string, unknown>, false, (n, v) => {
                keys.push(n);
                vals.push(v);
                lines.push(line);
              });
            }
          }
        } else {
          const v = sc.readScalar();
          if (typeof v === 'number') {
            if (key === 'step') step = v;
            else {
              keys.push(key);
              vals.push(v);
              lines.push(line);
            }
          } else if (v === undefined) {
            reportMalformed(this.run, `'${key}' has a value that is not JSON`, { line });
          }
        }
        if (!sc.next(125)) break;
      }
    } else {
      sc.pos++;
    }
    let s: number;
    if (step !== undefined && !Number.isNaN(step)) {
      s = step;
      if (this.haveStep && s < this.prevEntryStep) {
        this.run.events.push({
          type: 'restart',
          series: keys[0] ?? 'step',
          fromStep: this.prevEntryStep,
          toStep: s,
          line: lines[0],
        });
      }
      this.prevEntryStep = s;
      this.lastStep = s;
      this.haveStep = true;
    } else {
      s = this.haveStep ? this.lastStep : 0;
      if (keys.length > 0) this.noStep++;
    }
    for (let i = 0; i < keys.length; i++) this.pushDedup(keys[i], s, vals[i], lines[i]);
  }

  private pushDedup(name: string, step: number, v: number, line: number): void {
    const s = seriesOf(this.run, name);
    const set = this.dupSets.get(s);
    const n = s.length;
    if (set) {
      const k = dupKey(step, v);
      if (set.has(k)) {
        this.dups++;
        return;
      }
      set.add(k);
    } else if (n > 0) {
      const last = s.steps.get(n - 1);
      if (step === last && s.restarts === 0) {
        for (let i = n - 1; i >= 0 && s.steps.get(i) === step; i--) {
          if (sameValue(s.values.get(i), v)) {
            this.dups++;
            return;
          }
        }
      } else if (step <= last) {
        // An old step: build the set once for this series and keep it up to date.
        const built = new Set<string>();
        for (let i = 0; i < n; i++) built.add(dupKey(s.steps.get(i), s.values.get(i)));
        this.dupSets.set(s, built);
        const k = dupKey(step, v);
        if (built.has(k)) {
          this.dups++;
          return;
        }
        built.add(k);
      }
    }
    s.push(step, v, undefined, line);
  }

  private finishNotes(): void {
    if (this.noStep > 0) {
      this.run.events.push({
        type: 'note',
        message: `${this.noStep} log_history entr${this.noStep === 1 ? 'y has' : 'ies have'} no 'step' (e.g. predict_* metrics); placed at the last step seen`,
      });
    }
    if (this.dups > 0) {
      this.run.events.push({
        type: 'note',
        message: `${this.dups} duplicate point(s) (same key, step and value) were dropped`,
      });
    }
  }

  private internalError(e: unknown): void {
    try {
      reportMalformed(this.run, `trainer_state reader error: ${e instanceof Error ? e.message : String(e)}`);
    } catch {
      // never throw out of push/end
    }
  }
}

function dupKey(step: number, v: number): string {
  return step + '|' + v;
}

function sameValue(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
