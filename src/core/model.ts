/**
 * The data model shared by every part of Loss Lens: runs, series and run events.
 *
 * Pure TypeScript: no `vscode`, no Node-only APIs. Series keep every value read (NaN and
 * +-Infinity included) in growable typed arrays; nothing here ever down-samples.
 */

export type Role =
  | 'train_loss'
  | 'val_loss'
  | 'lr'
  | 'grad_norm'
  | 'train_acc'
  | 'val_acc'
  | 'loss_part'
  | 'other';

export type FormatId =
  | 'text'
  | 'csv'
  | 'jsonl'
  | 'hf-trainer-state'
  | 'json-history'
  | 'tfevents'
  | 'mlflow'
  | 'wandb';

const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS; // elements per full chunk
const CHUNK_MASK = CHUNK - 1;

/**
 * A growable typed array without growth slack: appends go into fixed-size chunks (no copy of
 * what is already stored, at most one partly filled chunk of spare capacity), and `view()`
 * consolidates them into one exact-size array when a contiguous view is needed. This keeps
 * memory per point at its minimum on very large logs (see `npm run bench`).
 */
abstract class ChunkedArray<A extends Float64Array | Uint32Array> {
  /**
   * Arrays adopted whole (another thread's part of a file, see `adopt`), before the base; their
   * cumulative ends in segEnds. Empty in the usual case.
   */
  protected segs: A[] = [];
  protected segEnds: number[] = [];
  protected segTotal = 0;
  /** Consolidated prefix (exact size). */
  protected base: A;
  /** Full chunks after the base, each CHUNK long. */
  protected full: A[] = [];
  /** The chunk being filled (grows up to CHUNK). */
  protected tail: A;
  protected tailLen = 0;
  length = 0;

  constructor(capacity: number) {
    this.base = this.alloc(0);
    this.tail = this.alloc(Math.min(CHUNK, Math.max(4, capacity)));
  }

  protected abstract alloc(n: number): A;

  push(v: number): void {
    if (this.tailLen === this.tail.length) this.growTail();
    this.tail[this.tailLen++] = v;
    this.length++;
  }

  /** Append src[0, n) (a bulk push: one copy per chunk instead of one call per value). */
  append(src: A, n: number): void {
    let at = 0;
    while (at < n) {
      if (this.tailLen === this.tail.length) this.growTail();
      const k = Math.min(n - at, this.tail.length - this.tailLen);
      this.tail.set(k === src.length && at === 0 ? src : src.subarray(at, at + k), this.tailLen);
      this.tailLen += k;
      this.length += k;
      at += k;
    }
  }

  /** Append `n` copies of v. */
  appendFill(v: number, n: number): void {
    for (let i = 0; i < n; i++) this.push(v);
  }

  /** Append whole arrays without copying them (they belong to this array from now on). */
  adopt(parts: A[]): void {
    const segs = this.segs;
    if (this.base.length) segs.push(this.base);
    for (const c of this.full) segs.push(c);
    if (this.tailLen) segs.push(this.tail.slice(0, this.tailLen) as A);
    for (const p of parts) {
      if (p.length) segs.push(p);
      this.length += p.length;
    }
    this.base = this.alloc(0);
    this.full = [];
    this.tail = this.alloc(4);
    this.tailLen = 0;
    this.segEnds = [];
    let end = 0;
    for (const g of segs) this.segEnds.push((end += g.length));
    this.segTotal = end;
  }

  /** The stored values [from, length) as views of the storage, in order (no copy). */
  viewsFrom(from: number): A[] {
    const out: A[] = [];
    this.eachPart((a, start) => {
      const end = start + a.length;
      if (end > from) out.push(from > start ? (a.subarray(from - start) as A) : a);
    });
    return out;
  }

  /** A copy of the values [from, to) as one new array. */
  copyRange(from: number, to: number): A {
    const out = this.alloc(Math.max(0, to - from));
    this.eachPart((a, start) => {
      const lo = Math.max(from, start);
      const hi = Math.min(to, start + a.length);
      if (hi > lo) out.set(a.subarray(lo - start, hi - start), lo - from);
    });
    return out;
  }

  /** Every stored stretch in order, with the index of its first value. */
  private eachPart(f: (a: A, start: number) => void): void {
    let at = 0;
    for (const g of this.segs) {
      f(g, at);
      at += g.length;
    }
    f(this.base, at);
    at += this.base.length;
    for (const c of this.full) {
      f(c, at);
      at += c.length;
    }
    f(this.tail.subarray(0, this.tailLen) as A, at);
  }

  /** Index of the adopted array that holds value i (i < segTotal). */
  private segOf(i: number): number {
    const ends = this.segEnds;
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  get(i: number): number {
    if (this.segTotal !== 0) {
      if (i < this.segTotal) {
        const k = this.segOf(i);
        return this.segs[k][k === 0 ? i : i - this.segEnds[k - 1]];
      }
      i -= this.segTotal;
    }
    const j = i - this.base.length;
    if (j < 0) return this.base[i];
    const c = j >> CHUNK_BITS;
    return c < this.full.length ? this.full[c][j & CHUNK_MASK] : this.tail[j & CHUNK_MASK];
  }

  set(i: number, v: number): void {
    if (this.segTotal !== 0) {
      if (i < this.segTotal) {
        const k = this.segOf(i);
        this.segs[k][k === 0 ? i : i - this.segEnds[k - 1]] = v;
        return;
      }
      i -= this.segTotal;
    }
    const j = i - this.base.length;
    if (j < 0) {
      this.base[i] = v;
      return;
    }
    const c = j >> CHUNK_BITS;
    if (c < this.full.length) this.full[c][j & CHUNK_MASK] = v;
    else this.tail[j & CHUNK_MASK] = v;
  }

  last(): number {
    return this.length > 0 ? this.get(this.length - 1) : NaN;
  }

  /** True when `view()` costs nothing (the values are already one array). */
  get contiguous(): boolean {
    return this.segTotal === 0 && this.full.length === 0 && this.tailLen === 0;
  }

  /** A contiguous view of all values (consolidates chunks; invalidated by the next push). */
  view(): A {
    if (this.segTotal === 0 && this.full.length === 0 && this.tailLen === 0) return this.base;
    this.consolidate();
    return this.base;
  }

  /**
   * Release all spare capacity, without consolidating: a consolidation would briefly need the
   * series twice over, which is what the peak memory of a 1 GB log cannot afford.
   */
  trim(): void {
    if (this.full.length === 0 && this.tailLen === 0) {
      this.tail = this.alloc(4);
      return;
    }
    if (this.full.length === 0 && this.base.length === 0) {
      // Small series: one exact array.
      this.base = this.tail.slice(0, this.tailLen) as unknown as A;
      this.full = [];
      this.tail = this.alloc(4);
      this.tailLen = 0;
      return;
    }
    if (this.tailLen < this.tail.length) this.tail = this.tail.slice(0, Math.max(this.tailLen, 1)) as unknown as A;
  }

  get byteLength(): number {
    let adopted = 0;
    for (const g of this.segs) adopted += g.buffer.byteLength;
    return adopted + (this.base.length + this.full.length * CHUNK + this.tail.length) * this.base.BYTES_PER_ELEMENT;
  }

  protected growTail(): void {
    if (this.tail.length < CHUNK) {
      const next = this.alloc(Math.min(CHUNK, this.tail.length * 2));
      next.set(this.tail);
      this.tail = next;
      return;
    }
    this.full.push(this.tail);
    this.tail = this.alloc(CHUNK);
    this.tailLen = 0;
  }

  private consolidate(): void {
    if (this.segTotal === 0 && this.full.length === 0 && this.tailLen === 0) return;
    let out: A;
    if (this.segs.length === 1 && this.base.length === 0 && this.full.length === 0 && this.tailLen === 0) {
      out = this.segs[0]; // one adopted array and nothing else: it is the view
    } else {
      out = this.alloc(this.length);
      this.eachPart((a, start) => out.set(a, start));
    }
    this.segs = [];
    this.segEnds = [];
    this.segTotal = 0;
    this.base = out;
    this.full = [];
    this.tailLen = 0;
    if (this.tail.length > 64) this.tail = this.alloc(64);
  }
}

/** A growable Float64 array (steps, values, wall times). */
export class GrowableF64 extends ChunkedArray<Float64Array> {
  constructor(capacity = 16) {
    super(capacity);
  }
  protected alloc(n: number): Float64Array {
    return new Float64Array(n);
  }
  // Each subclass has its own copy of push, so that the typed-array store in it sees one kind
  // of array (a shared method would be polymorphic, and slower on the hot path).
  override push(v: number): void {
    if (this.tailLen === this.tail.length) this.growTail();
    this.tail[this.tailLen++] = v;
    this.length++;
  }
}

/** A growable Uint32 array, used for 1-based source line numbers. */
export class GrowableU32 extends ChunkedArray<Uint32Array> {
  constructor(capacity = 16) {
    super(capacity);
  }
  protected alloc(n: number): Uint32Array {
    return new Uint32Array(n);
  }
  override push(v: number): void {
    if (this.tailLen === this.tail.length) this.growTail();
    this.tail[this.tailLen++] = v;
    this.length++;
  }
}

/** One named metric as written in the log (CSV header, JSON key, tfevents tag, MLflow key). */
export class Series {
  readonly steps = new GrowableF64();
  readonly values = new GrowableF64();
  /** Wall time in seconds since the epoch, when the format has it (NaN where a point has none). */
  wallTimes: GrowableF64 | undefined;
  /** 1-based source line of each point, for text formats (0 where a point has none). */
  lines: GrowableU32 | undefined;
  /** Count of NaN / +-Inf values. */
  nonFinite = 0;
  /** Number of times the step went backwards inside this series. */
  restarts = 0;
  private prevStep = -Infinity;

  constructor(
    readonly name: string,
    public role: Role = inferRole(name),
  ) {}

  get length(): number {
    return this.values.length;
  }

  /** Append one point. `wallTime` (seconds) and `line` (1-based) are optional. */
  push(step: number, value: number, wallTime?: number, line?: number): void {
    const n = this.values.length;
    if (step < this.prevStep) this.restarts++;
    this.prevStep = step;
    this.steps.push(step);
    this.values.push(value);
    if (!Number.isFinite(value)) this.nonFinite++;
    if (wallTime !== undefined) {
      if (!this.wallTimes) {
        this.wallTimes = new GrowableF64(Math.max(16, n + 1));
        for (let i = 0; i < n; i++) this.wallTimes.push(NaN);
      }
      this.wallTimes.push(wallTime);
    } else if (this.wallTimes) {
      this.wallTimes.push(NaN);
    }
    if (line !== undefined) {
      if (!this.lines) {
        this.lines = new GrowableU32(Math.max(16, n + 1));
        for (let i = 0; i < n; i++) this.lines.push(0);
      }
      this.lines.push(line);
    } else if (this.lines) {
      this.lines.push(0);
    }
  }

  /**
   * Append n points at once, exactly as n calls of `push(steps[i], values[i], undefined,
   * lines?.[i])` would (bulk readers keep per-column buffers and hand them over here).
   */
  pushMany(steps: Float64Array, values: Float64Array, lines: Uint32Array | undefined, n: number): void {
    if (n <= 0) return;
    const len = this.values.length;
    let prev = this.prevStep;
    let restarts = 0;
    let nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const st = steps[i];
      if (st < prev) restarts++;
      prev = st;
      const v = values[i];
      if (v - v !== 0) nonFinite++;
    }
    this.prevStep = prev;
    this.restarts += restarts;
    this.nonFinite += nonFinite;
    this.steps.append(steps, n);
    this.values.append(values, n);
    this.wallTimes?.appendFill(NaN, n);
    if (lines) {
      if (!this.lines) {
        this.lines = new GrowableU32(Math.max(16, len + n));
        this.lines.appendFill(0, len);
      }
      this.lines.append(lines, n);
    } else {
      this.lines?.appendFill(0, n);
    }
  }

  /**
   * Append points read elsewhere (another thread's part of a file, as arrays that become this
   * series' own), exactly as calls of `push(steps[i], values[i], walls[i] (NaN: none),
   * lines[i] + lineOffset (0: none))` would.
   */
  appendPart(
    steps: Float64Array[],
    values: Float64Array[],
    walls: Float64Array[] | undefined,
    lines: Uint32Array[] | undefined,
    lineOffset: number,
    counts: { restartsAfterFirst: number; nonFinite: number },
  ): void {
    let n = 0;
    for (const v of values) n += v.length;
    if (n === 0) return;
    const len = this.values.length;
    // Counted by the reader of the part, except the first point against what precedes it here.
    const nonEmpty = steps.filter(a => a.length > 0);
    const first = nonEmpty[0][0];
    const lastArr = nonEmpty[nonEmpty.length - 1];
    if (first < this.prevStep) this.restarts++;
    this.restarts += counts.restartsAfterFirst;
    this.nonFinite += counts.nonFinite;
    this.prevStep = lastArr[lastArr.length - 1];
    this.steps.adopt(steps);
    this.values.adopt(values);
    if (walls && !this.wallTimes && walls.some(a => a.some(w => !Number.isNaN(w)))) {
      this.wallTimes = new GrowableF64(Math.max(16, len + n));
      this.wallTimes.appendFill(NaN, len);
    }
    if (this.wallTimes) {
      if (walls) this.wallTimes.adopt(walls);
      else this.wallTimes.appendFill(NaN, n);
    }
    if (lines && !this.lines && lines.some(a => a.some(l => l !== 0))) {
      this.lines = new GrowableU32(Math.max(16, len + n));
      this.lines.appendFill(0, len);
    }
    if (this.lines) {
      if (lines) {
        if (lineOffset !== 0) {
          for (const a of lines) for (let i = 0; i < a.length; i++) if (a[i] !== 0) a[i] += lineOffset;
        }
        this.lines.adopt(lines);
      } else this.lines.appendFill(0, n);
    }
  }

  /** The step of the last push (what the next point's step is compared with for restarts). */
  get lastPushedStep(): number {
    return this.prevStep;
  }

  firstStep(): number {
    return this.length > 0 ? this.steps.get(0) : NaN;
  }
  lastStep(): number {
    return this.steps.last();
  }

  /** Release spare capacity once a file has been read completely. */
  trim(): void {
    this.steps.trim();
    this.values.trim();
    this.wallTimes?.trim();
    this.lines?.trim();
  }

  get byteLength(): number {
    return (
      this.steps.byteLength +
      this.values.byteLength +
      (this.wallTimes?.byteLength ?? 0) +
      (this.lines?.byteLength ?? 0)
    );
  }
}

/** Something worth knowing about how a run was read. */
export type RunEvent =
  | {
      type: 'restart';
      /** Series whose step went backwards (the first one seen for this restart). */
      series: string;
      /** The step before the jump, and the step it jumped back to. */
      fromStep: number;
      toStep: number;
      line?: number;
      offset?: number;
    }
  | { type: 'malformed'; message: string; line?: number; offset?: number; count?: number }
  | { type: 'truncated'; message: string; offset?: number; line?: number }
  | {
      type: 'note';
      message: string;
      /** Restarts beyond the ones listed as events (a reader lists a bounded number). */
      unlistedRestarts?: number;
    };

export interface Run {
  /** Path of the file or directory the run was read from. */
  source: string;
  format: FormatId;
  /** Short display name (file name, run directory, MLflow run name, ...). */
  name: string;
  /** Series in the order they were first seen. */
  series: Map<string, Series>;
  events: RunEvent[];
  /** Free-form facts from the log (MLflow params, HF max_steps, ...). Strings only. */
  meta: Record<string, string>;
}

export function createRun(source: string, format: FormatId, name = baseName(source)): Run {
  return { source, format, name, series: new Map(), events: [], meta: {} };
}

/** Get or create a series by its name as written. */
export function seriesOf(run: Run, name: string): Series {
  let s = run.series.get(name);
  if (!s) {
    s = new Series(name);
    run.series.set(name, s);
  }
  return s;
}

export function baseName(p: string): string {
  const parts = p.split(/[\\/]+/).filter(x => x.length > 0);
  return parts.length ? parts[parts.length - 1] : p;
}

/** Maximum number of malformed-record events kept per run; the rest are counted in the last one. */
const MAX_MALFORMED_EVENTS = 50;

/** Record a malformed record without letting a garbage file grow the event list without bound. */
export function reportMalformed(
  run: Run,
  message: string,
  where: { line?: number; offset?: number } = {},
): void {
  let n = 0;
  for (const e of run.events) if (e.type === 'malformed') n++;
  if (n < MAX_MALFORMED_EVENTS) {
    run.events.push({ type: 'malformed', message, ...where });
    return;
  }
  const last = [...run.events].reverse().find(e => e.type === 'malformed');
  if (last && last.type === 'malformed') {
    last.count = (last.count ?? 1) + 1;
    if (!last.message.startsWith('(and more) ')) last.message = '(and more) ' + last.message;
  }
}

/**
 * `n` more malformed records once MAX_MALFORMED_EVENTS are listed: exactly what `n` calls of
 * reportMalformed would do then (count them on the last one).
 */
export function reportMalformedMany(run: Run, n: number): void {
  const last = [...run.events].reverse().find(e => e.type === 'malformed');
  if (last && last.type === 'malformed') {
    last.count = (last.count ?? 1) + n;
    if (!last.message.startsWith('(and more) ')) last.message = '(and more) ' + last.message;
  }
}

// ---------------------------------------------------------------------------------------------
// Roles

const VAL_RE = /(^|[^a-z])(val|valid|validation|eval|evaluation|test|tst|dev|holdout)([^a-z]|$)|验证|测试|评估/i;
const LR_RE = /(^|[^a-z])(lr|learning[_ ]?rate|base_lr|lr\d)([^a-z]|$)|^lr[-_/]|^x\/lr\d/i;
/** (a bare `grad` column, `step | loss | lr | grad`, is the gradient norm a training loop prints) */
const GRAD_RE = /grad(ient)?[_ /.-]?norm|(^|[^a-z])(gnorm|grad_norm|total_norm)([^a-z]|$)|^norm$|^grad$/i;
const ACC_RE = /(^|[^a-z])(acc|accuracy|top1|top-1)([^a-z]|$)|accuracy/i;
const LOSS_RE = /loss|(^|[^a-z])nll([^a-z]|$)|损失/i;
const NOT_LOSS_RE = /loss[_ ]?scale|num[_ ]?loss/i;
/** Scores of generated text (`ROUGE_L`, `Bleu_4`, `CIDEr`): never a loss, whatever their `_L`. */
const TEXT_SCORE_RE = /(^|[^a-z])(rouge|bleu|cider|meteor|spice|chrf)/i;
/** A cost is the loss of many older training loops (`Cost`, `train_cost`, `avg cost`), alone or
 * with subset and average words; `time cost`, `cost time` and PaddlePaddle's `avg_batch_cost` /
 * `avg_reader_cost` (seconds) are no loss. */
const COST_RE = /^(?:(?:train|training|trn|val|valid|validation|eval|test|dev|avg|average|mean|total)[_ /.-]?)*cost(?:[_ /.-]?(?:train|training|val|valid|validation|test|avg|mean))?$/i;
/** A capital L as a word is the loss of many papers' notation (`train_L_vae`, `L_kl`). */
const L_LOSS_RE = /(^|[^A-Za-z])L(_|$)/;
/** Names of a whole (total) training loss, as opposed to one part of a multi-part loss
 * (`all_loss` beside `det loss` and `bbox loss` is their sum, as `total_loss` is). */
const TOTAL_LOSS_RE =
  /^((average|avg|mean|running|smoothed)[_ ]?)?((train|training|trn|tr)[_ /.-]?)?((lm|mlm|clm)[_ ])?((total|all|mean|avg|average|epoch|batch|phase|set|overall|running)[_ ]?){0,2}loss([_ /.-]?(epoch|step|avg|mean))?$|^total[_ ]?loss$|^(训练|平均|总)*损失$|^loss[_ /.-](train|training)([_ /.-]?(batch|epoch|step|avg|mean|total))?$/i;

/**
 * Loss functions named without the word `loss` (`xent`, `cross ent`, `Train-SmoothL1`, `val_nll`), matched on
 * the name in lower case with camelCase and every non-alphanumeric run made `_`. The first group
 * names a whole objective (a cross-entropy is the loss of a classifier or language model); the
 * second one term of a detector's or regressor's loss. Error measures that are as often metrics
 * beside the loss (`mse`, `mae`, `l1`, `dice`, `iou`, perplexity) are not here: Keras' `mae`,
 * PaiNN's `Validation L1` or a `ppl` next to the loss would report the same run twice (and an IoU
 * or a Dice score rises as the model learns).
 */
const WHOLE_LOSS_RE = /(?:^|_)(?:xent|nll|ce|bce|cross_?ent(?:ropy)?)(?:_|$)/;
const PART_LOSS_RE = /(?:^|_)(?:smooth_?l1|huber|focal|giou|diou|ciou)(?:_|$)/;
/** Words of a score, never of a loss (`cls_acc`, `giou_ap`, `ce_f1`). */
const SCORE_WORD_RE = /(?:^|_)(?:acc|accuracy|iou|miou|map|ap|precision|recall|f1|score|auc)\d*(?:_|$)/;
/** Words that leave a whole-objective name whole: `train_xent`, `avg_nll`, `Validation xent`. */
const WHOLE_AFFIX_RE =
  /^(?:(?:train|training|trn|tr|val|valid|validation|eval|evaluation|test|tst|dev|avg|average|mean|total|epoch|batch|running)_)*(?:xent|nll|ce|bce|cross_?ent(?:ropy)?)(?:_(?:train|training|trn|val|valid|validation|eval|test|tst|epoch|step|avg|mean))*$/;
/**
 * Ultralytics' loss columns without `loss` in them: YOLOv10's one-to-many / one-to-one heads
 * (`train/box_om`, `val/cls_oo`, `train/dfl_oo`), a term name right after the subset.
 */
const YOLO_TERM_RE = /^(?:train|val)\/(?:box|cls|dfl|obj|seg|kobj|pose|rle|giou)(?:_[a-z0-9]+)?$/i;
/** A name ending in a spread word: a standard deviation or variance of a metric over a batch,
 * seeds or samples (`loss_test_std`, `loss_var`, `val loss stddev`, `loss_sigma`). */
const SPREAD_RE = /(?:^|[^a-z])(?:std|stdev|stddev|std_dev|var|variance|sigma)$/i;
/** BasicSR / ESRGAN loss terms: `l_pix`, `l_g_percep`, `l_d_real` (lower-case `l_` first). */
const BASICSR_LOSS_RE = /^l_(?:[gd]_)?[a-z]+$/;

/**
 * Infer a series' role from its name as written. Names are kept as they are; the role only
 * tells the engine and the chart what a series is.
 */
export function inferRole(name: string): Role {
  const n = name.trim();
  const lower = n.toLowerCase();
  // Bare split names, as build-nanogpt's log.txt writes them ("<step> train <loss>").
  if (lower === 'train' || lower === 'training') return 'train_loss';
  if (lower === 'val' || lower === 'valid' || lower === 'validation') return 'val_loss';
  // A spread of a metric (`loss_test_std`, `val_loss_var`, `loss stddev`), not the metric.
  if (SPREAD_RE.test(n.replace(/([a-z])([A-Z])/g, '$1_$2'))) return 'other';
  // camelCase words apart for the subset test (`ValLoss`, `bestValLoss`).
  const isVal = VAL_RE.test(n.replace(/([a-z])([A-Z])/g, '$1_$2'));
  const words = n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_');
  if (COST_RE.test(n)) return isVal ? 'val_loss' : 'train_loss';
  if ((LOSS_RE.test(n) || L_LOSS_RE.test(n)) && !NOT_LOSS_RE.test(n) && !TEXT_SCORE_RE.test(n)) {
    if (isVal) return 'val_loss';
    if (TOTAL_LOSS_RE.test(n) || WHOLE_AFFIX_RE.test(words)) return 'train_loss';
    return 'loss_part';
  }
  if (GRAD_RE.test(n)) return 'grad_norm';
  if (LR_RE.test(n)) return 'lr';
  if (ACC_RE.test(n)) return isVal ? 'val_acc' : 'train_acc';
  if (!SCORE_WORD_RE.test(words)) {
    if (WHOLE_LOSS_RE.test(words)) return isVal ? 'val_loss' : WHOLE_AFFIX_RE.test(words) ? 'train_loss' : 'loss_part';
    if (PART_LOSS_RE.test(words) || YOLO_TERM_RE.test(n) || (BASICSR_LOSS_RE.test(n) && n !== 'l_rate')) {
      return isVal ? 'val_loss' : 'loss_part';
    }
  }
  return 'other';
}

export const LOSS_ROLES: ReadonlySet<Role> = new Set(['train_loss', 'val_loss', 'loss_part']);

/** Error measures a regression is trained on, in the order a loss is looked for among them. */
const ERROR_MEASURES = ['mse', 'rmse', 'mae'];
/** Words that may stand beside an error measure in its name (a subset, an average). */
const ERROR_AFFIXES = new Set(['train', 'training', 'tr', 'trn', 'val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'dev', 'avg', 'average', 'mean', 'epoch', 'batch', 'running', 'total']);

/**
 * A run with no loss at all but an error measure (a regression logging only `train_mse` and
 * `val_mse`): that measure is its loss. The first of ERROR_MEASURES found among the series
 * without a validation word becomes the training loss, the first among those with one the
 * validation loss. Beside a loss, an error measure stays a metric (inferRole). Returns whether
 * a role changed.
 */
export function promoteErrorLosses(series: Iterable<Series>): boolean {
  const cand: Series[] = [];
  for (const s of series) {
    if (LOSS_ROLES.has(s.role)) return false;
    if (s.role === 'other') cand.push(s);
  }
  let changed = false;
  for (const val of [false, true]) {
    let pick: Series | undefined;
    let rank = ERROR_MEASURES.length;
    for (const s of cand) {
      const n = s.name.replace(/([a-z])([A-Z])/g, '$1_$2');
      if (VAL_RE.test(n) !== val || SPREAD_RE.test(n)) continue;
      // (the measure and subset words only: `mse_weight` is a setting)
      const words = n
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(w => w !== '' && !ERROR_AFFIXES.has(w));
      if (words.length !== 1) continue;
      for (let r = 0; r < rank; r++) {
        if (words[0] === ERROR_MEASURES[r]) {
          pick = s;
          rank = r;
          break;
        }
      }
    }
    if (pick) {
      pick.role = val ? 'val_loss' : 'train_loss';
      changed = true;
    }
  }
  return changed;
}

/** Total number of points in a run. */
export function pointCount(run: Run): number {
  let n = 0;
  for (const s of run.series.values()) n += s.length;
  return n;
}
