/**
 * Plain-text training output (stdout captures, `train.log`, console logs) as a streaming parser.
 *
 * Lines come from the shared LineSplitter (`\r` redraws are segments of their `\n` line).
 * Each line is read by `text/scan.ts`: a full one-pass scan, or — for a line whose text outside
 * its numbers is the same as a line seen before (the usual case in a training log) — a replay
 * of that line's template, which gives the same result while only parsing the numbers. Lines
 * are read in place in the decoded chunk (no substring per line), and in an ASCII chunk a
 * replay runs on the raw bytes, before the line's end is looked for or its bytes decoded.
 *
 * A line becomes a *record* (points that share one step) when it holds metric values:
 * - free-form pairs `key value`, `key: value`, `key=value`, `key = value`, separated by
 *   `,` `|` ` - ` `;` or blanks: the seed template `Epoch 3: Train Loss = 0.1234, ...`, nanoGPT
 *   `iter 100: loss 4.2654, time 13500.54ms, mfu -100.00%`, `step:N/T train_loss:X ...`,
 *   Keras `128/128 - 0s - loss: 2.9102 - accuracy: 0.1586`, Detectron2 `iter: 19  total_loss:`,
 *   torchvision `Epoch: [0]  [0/6]  lr: 0.001  loss: 8.2773 (8.2773)`, fairseq `simple`,
 *   PyTorch word_language_model `| epoch   1 |   200/ 2983 batches | lr 20.00 | loss 17.74`,
 *   tqdm postfixes `..., loss=0.123, acc=0.9]`;
 * - flat Python/JSON dict reprs: Hugging Face Trainer `{'loss': 1.14, 'epoch': 0.91}`, fairseq
 *   `--log-format json` `... | train_inner | {"loss": "16.464", "num_updates": "25"}`;
 * - build-nanogpt `log.txt` lines `<step> <train|val|hella> <value>`.
 *
 * Step of a record: the line's step key (step/global_step > num_updates > iter/iteration >
 * epoch > update; `epoch` plus a later `[i/n]` batch counter gives a fractional epoch; values
 * logged many times an epoch with no batch counter, `Epoch 1 - Batch loss: 12.1`, are spread
 * over their epoch as such a counter would place them, see spreadStep()), else a leading
 * integer (build-nanogpt), else the step of a step line without metrics right above (the
 * indented block under OLMo's `INFO [step=10/10000,epoch=0]`, or the one line after
 * `current step: 100th step`), else the step of the last line that had one (a record or an
 * `Epoch N/M` header), else a running record index. A finer counter that starts again each
 * epoch (`Epoch 2 | Step 0/6501`, or `epoch:7 iter:0/18` that never moves) continues over the
 * epochs (see fineStepOf()). Step keys are never series. A step going
 * backwards gives one `restart` run event (the first 100 are listed, further ones counted in a
 * note). Values kept: every one read, NaN/Inf included, except nanoGPT's `mfu -100` sentinel, a
 * key repeated on one line (the first value wins: `loss: 8.27 (8.27)`; in `Loss 3.51 (4.02)` the
 * batch value, not the running mean in parentheses, which lags a spike or a nan and starts again
 * each epoch; but an evaluation's AverageMeter lines give one point a pass, the mean at its
 * last batch, see evalMean()) and superseded redraws. Not points either: values after `best` / `final` in a line
 * (`Final Results: Loss=0.49`, a summary), and both sides of a change report
 * (`Model is improving ppl: 5.45 --> 2.44`).
 *
 * Subsets: a line that opens with a subset word (`Test ...`, `INFO:root:Evaluation Epoch 3 -
 * Average Loss: 3.9`, after a logger's prefix too) or a section head (`| val: loss=0.6`) names its
 * keys after that word (`Evaluation Average Loss`): a validation value never joins the training
 * series. So does a phase line (`📊 Evaluation Results:`, `Validating...`, `==> val`) for the
 * records without a step of their own in the few lines after it.
 *
 * Prose: `<metric> is <value>` (`val loss is 0.03`, `avg loss so far is 0.06`) when the word
 * before `is` looks like a metric (not `batch size is 32`, `epoch 3 is done`).
 *
 * Tables (see tableLine()): `Loss | 0.1788 | 0.1205` rows under a `METRIC | TRAIN | VALIDATION`
 * header, and markdown / rich tables with a step column (`| Epoch | Train Loss | Val Loss |`).
 *
 * Progress redraws: Keras progress lines after an `Epoch N/M` header replace each other until
 * the next header (the epoch-end state wins); `\r` redraws of a line with the same step and keys
 * replace each other too. Replacing overwrites the last point in place, so the live view never
 * waits for a line that may not come.
 *
 * Runs of NUL bytes (a file pre-allocated or truncated while written, a hole a crashed writer
 * left) are skipped: they part a line as `\r` does.
 *
 * Lines without metrics (tracebacks, model tables, `TrainingArguments(...)` and JSON config
 * dumps, `***** Running training *****` blocks) are skipped silently; a file without any metric
 * gives a run with no series and no error.
 */
import { createRun, reportMalformed, seriesOf, type Run, type Series } from '../model';
import { LineSplitter } from './lines';
import { absorbPart, forEachRestart, numKey, SplitMarker, type SplitPart, type SplitReader } from './split';
import { KIND_METRIC, KeyTable, MAX_KEYS, type KeyInfo } from './text/keys';
import { LineScanner, NO_MATCH, SUBSET_TAGS, subsetTagOf, UNSURE } from './text/scan';
import { dataSizeDict, dataSizeLine, evalReport, namedEpochHeader, phaseCounter, settingLine, settingsDict } from './text/shapes';
import type { LogParser, ParserOptions } from './types';

/** Most series one text run may grow (a garbage file must not create millions). */
const MAX_SERIES = 5000;
/** Longest a skipped `(...)` / `{...}` dump block may run before parsing resumes anyway. */
const MAX_BLOCK_LINES = 2000;
const MAX_TRUNCATED_EVENTS = 20;
/** Restart events listed one by one; further jumps are counted in one note. */
const MAX_RESTART_EVENTS = 100;
/** Most keys remembered as per-batch ones (see epochSummary()). */
const MAX_FINE_KEYS = 256;

/** ANSI escape sequences (colours, cursor moves, OSC titles): CSI, OSC and two-byte forms. */
// eslint-disable-next-line no-control-regex -- escape sequences are made of control characters
const ANSI_RE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

/** For the rare replayed line whose text is needed but was not decoded (ASCII). */
const asciiDecoder = new TextDecoder();

/**
 * A line that only names the phase that follows (`Evaluation Results:`, `Validating...`,
 * `==> val`, `INFO:__main__:📊 Evaluation Results:`): group 1 is the subset word. A training word
 * ends the phase.
 */
const PHASE_RE =
  /^(?:.{0,64}?\b(?:INFO|DEBUG|WARNING|NOTICE)\b[^A-Za-z0-9]*(?:[\w.]+[:\]])?)?[^A-Za-z0-9]*(val|valid|validation|validating|eval|evaluation|evaluating|test|testing|dev|train|training)(?:[ _](?:results?|set|metrics|phase|stage|mode|loop))?\s*(?:\.{2,}|…|:|!)?[^A-Za-z0-9]*$/i;
/** A line saying the model is put in evaluation mode (what follows is an evaluation's output). */
const EVAL_MODE_RE = /(?:^|[^A-Za-z])(?:eval|evaluation|test|testing|inference|validation)[ _-]mode(?:[^A-Za-z]|$)|\.eval\(\)|(?:评估|验证|测试|推理)模式/i;
/**
 * A line that starts with a phase word (after any non-word prefix) and names no metric
 * (`testing in eval mode……`, `Validating...`): group 1 is the word (see TextParser.phaseMark()).
 */
const PHASE_START_RE =
  /^[^A-Za-z0-9]*(val|valid|validation|validating|eval|evaluation|evaluating|test|testing|dev)(?![A-Za-z0-9_])(?!.*(?:loss|acc|score|error|metric|improv|best|result|ppl|perplex))/i;
/** Lines after a phase line (PHASE_RE) whose records without a step of their own it tags. */
const PHASE_LINES = 8;

/** A headerless `step,value` row (see TextParser.headerlessRow). */
const HEADERLESS_ROW_RE = /^\s*(\d{1,12})\s*[,;\t]\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf))\s*$/i;

export class TextParser implements LogParser, SplitReader {
  readonly format = 'text' as const;
  readonly runs: Run[];
  private readonly run: Run;
  private readonly splitter: LineSplitter;
  private readonly table = new KeyTable();
  private readonly sc: LineScanner;

  // The previous record, for in-place replacement of redraws.
  /** Keys of the previous record: a template's (never changed) or prevCopy. */
  private prevKeys: KeyInfo[] = [];
  private readonly prevCopy: KeyInfo[] = [];
  private prevN = 0;
  private prevLine = -1;
  private prevStep = NaN;
  private prevKerasHeader = -1;
  private prevKerasTotal = -1;
  /** The previous record was an evaluation's progress bar (LineScanner.evalBar). */
  private prevEvalBar = false;
  private recId = 0;
  private records = 0;
  /** Step of the last record, for restart detection. */
  private lastStep = NaN;
  /** Step that records without their own step key get (last own step, or header). */
  private ctxStep = NaN;
  /** Line of the `Epoch N/M` header in force (-1: none, or a record with its own step since). */
  private headerLine = -1;

  // A finer counter than the epoch (step, iter): the step axis is in its units (see fineStep()).
  /** Step of the last record with a finer counter, made global (NaN: none seen yet). */
  private fineStep = NaN;
  /** That counter as written, and what was added to it (a per-epoch counter made global). */
  private fineRaw = NaN;
  private fineOffset = 0;
  /** Names of the keys of records with a finer counter (see epochSummary()). */
  private readonly fineKeys = new Set<string>();
  /** Template key arrays already noted (a replayed line's keys are its template's array). */
  private readonly fineNoted = new WeakSet<KeyInfo[]>();
  /** epochSummary()'s result per template key array, with the fineKeys size it was made at. */
  private readonly summaryOf = new WeakMap<KeyInfo[], { size: number; keys: KeyInfo[] }>();
  /** The epoch in force at the first record with a finer counter. */
  private fineFirstEpoch = NaN;
  /** Its last rise, and the epoch in force at that record. */
  private fineDelta = 1;
  private fineEpoch = NaN;
  /** The last epoch read (a line's `epoch` key or an `Epoch N/M` header). */
  private curEpoch = NaN;
  /** The last run total of an epoch / step counter (`Epoch 3/50`), NaN when none was written. */
  private plannedEpochs = NaN;
  private plannedSteps = NaN;
  /** tqdm bars (see noteBar()): the last total of a bar that counts epochs. */
  private barEpochs = NaN;
  /** Bars that count steps, by total: their last count, and whether it ever went back. */
  private readonly bars = new Map<number, { n: number; reset: boolean }>();
  /** The run's bar (the largest total that never went back) and its last count. */
  private barMain = NaN;
  private barMainN = NaN;
  /** A bar was drawn since the last record (that record's step pairs with its count). */
  private barFresh = false;
  /** The last record step read with the run's bar count, and that bar: its total in x units. */
  private barPlanned = NaN;
  /** The last value put in the `epoch` series (see epochPoint()). */
  private epochShown = NaN;
  /** Keys of the current group of records without a step (see groupStep()). */
  private readonly groupKeys: KeyInfo[] = [];
  /** Subset of the block a header opened (`Eval epoch: 3`, then `  mean_loss: 2.1`): the keys
   * of the lines after it without a step of their own get it as a prefix. */
  private blockTag: string | null = null;
  /** Line of the phase line (PHASE_RE) that set blockTag, or -1 (none, or a step header). */
  private phaseLine = -1;
  /** A phase line without numbers (see phaseMark()) and its subset: the record right after it,
   * even with a step of its own, is that phase's. markLine -1: none. */
  private markLine = -1;
  private markTag: string | null = null;

  /** An open table (see tableLine()): its value columns' names (null: none), whether its rows
   * are named (`Loss | 0.17 | 0.12` under `METRIC | TRAIN | VALIDATION`) or hold a step column
   * (its index), its last line, and the step of a named-row table. */
  private tblCols: string[] | null = null;
  private tblNamed = false;
  /** The open table's columns are separated by blanks (see spaceTableLine()). */
  private tblSpace = false;
  private tblStepCol = -1;
  private tblLine = -1;
  private tblStep = NaN;

  // Skipping dumps.
  private skipIndented = 0;
  private blockOpen = 0;
  private blockClose = 0;
  private blockDepth = 0;
  private blockLines = 0;

  private truncatedEvents = 0;
  private truncatedLine = -1;
  private seriesCapped = false;
  private noteNan = false;
  private noteOverflow = false;
  private ended = false;
  /** Per-batch values under an epoch counter alone (see spreadStep()): the series, its epoch,
   * the records of that epoch so far and in the epoch before, and the points to place. */
  private spreadSer: Series | null = null;
  private spreadEpoch = NaN;
  private spreadN = 0;
  private spreadPrevN = 0;
  private readonly spreadPts: Series[] = [];
  private readonly spreadIdx: number[] = [];
  private readonly spreadK: number[] = [];
  /** A step line without metrics, not itself indented (`INFO [step=10/10000,epoch=0]`; an
   * indented one is a line of a dump, as `  |- iter  250000`), whose block of indented
   * metric lines may follow, or one metric line right after it (a record on two lines): those
   * take its step, if they have none of their own. The line of it or of the block's last line
   * (-1: none), its counter as written, epoch and total, and the step it gave (NaN: not yet). */
  private hdrLine = -1;
  private hdrRaw = NaN;
  private hdrEpoch = NaN;
  private hdrTotal = NaN;
  private hdrStep = NaN;
  /** The line being read starts with a blank. */
  private indented = false;
  /** No byte but NULs read yet (see push()). */
  private atStart = true;
  private restarts = 0;
  private moreRestarts: { type: 'note'; message: string; unlistedRestarts?: number } | undefined;
  /** The last record's keys were renamed (fairseq subset tag): not a template. */
  private tagged = false;
  /** Last line of a block of printed settings (`learning_rate: 0.0001` lines, see
   * settingLine()), -1: none. */
  private settingsLine = -1;
  /** The run named by the epoch header in force (`SqueezeNetBypass - Epoch 0/49`), or null: its
   * records' keys are that run's series (`SqueezeNetBypass/train Loss`). */
  private runName: string | null = null;
  /** Line of the last evaluation's AverageMeter line (see evalMean()), -1: none, and its subset. */
  private meanLine = -1;
  private meanTag = '';
  /** A loop inside an epoch of an epoch-axis log (ProtoPNet's `iteration: \t3` blocks of
   * last-layer steps in epoch 10): its counter as written (NaN: none in force), and the points
   * its blocks gave, placed inside the epoch once the loop ends (see subLoopEnd()). */
  private subRaw = NaN;
  private readonly subPts: Series[] = [];
  private readonly subIdx: number[] = [];
  private readonly subK: number[] = [];
  /** Reading a later part of the file on another thread (see split.ts). */
  private marker: SplitMarker | null = null;
  private markKeys = 0;

  constructor(opts: ParserOptions) {
    this.run = createRun(opts.source, this.format, opts.name);
    this.runs = [this.run];
    this.sc = new LineScanner(this.table);
    this.splitter = LineSplitter.ofRanges(
      (t, a, b, n, tr, bytes) => this.onLine(t, a, b, n, tr, bytes),
      { splitOnCR: true },
      (t, bytes, start, lim, n, max) => this.fastLine(t, bytes, start, lim, n, max),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Split reading (split.ts)

  splitKey(): string | null {
    if (this.ended || !this.splitter.idle) return null;
    // Near the caps, what is kept depends on counts a key does not carry.
    if (this.run.series.size >= MAX_SERIES / 2 || this.table.size >= MAX_KEYS / 2) return null;
    // Points of an epoch still to be placed (see spreadStep(), subLoopEnd()) are not carried either.
    if (this.spreadSer !== null || this.subPts.length > 0) return null;
    // Nor an open table (see tableLine()).
    if (this.tblCols !== null) return null;
    const line = this.splitter.currentLine;
    const rel = (l: number) => (l < 0 ? l : l - line);
    const prev: string[] = [];
    for (let k = 0; k < this.prevN; k++) {
      const info = this.prevKeys[k];
      prev.push(info.name, info.lastRec === this.recId ? '1' : '0');
    }
    return JSON.stringify([
      prev,
      rel(this.prevLine),
      numKey(this.prevStep),
      rel(this.prevKerasHeader),
      this.prevKerasTotal,
      this.prevEvalBar,
      numKey(this.lastStep),
      numKey(this.ctxStep),
      // A record without any step takes the record count: not carried.
      Number.isNaN(this.ctxStep) ? this.records : 0,
      Number.isNaN(this.ctxStep) ? this.groupKeys.map(k => k.name) : 0,
      rel(this.headerLine),
      numKey(this.fineStep),
      numKey(this.fineRaw),
      this.fineOffset,
      this.fineDelta,
      numKey(this.fineEpoch),
      numKey(this.fineFirstEpoch),
      [...this.fineKeys].sort(),
      numKey(this.curEpoch),
      numKey(this.epochShown),
      this.blockTag,
      rel(this.phaseLine),
      rel(this.markLine),
      this.markTag,
      rel(this.hdrLine),
      numKey(this.hdrRaw),
      numKey(this.hdrEpoch),
      numKey(this.hdrTotal),
      numKey(this.hdrStep),
      this.skipIndented,
      this.blockOpen,
      this.blockClose,
      this.blockDepth,
      this.blockLines,
      Math.min(this.truncatedEvents, MAX_TRUNCATED_EVENTS),
      rel(this.truncatedLine),
      this.seriesCapped,
      this.noteNan,
      this.noteOverflow,
      this.tagged,
      rel(this.settingsLine),
      this.runName,
      numKey(this.subRaw),
      rel(this.meanLine),
      this.meanTag,
    ]);
  }

  splitMark(): string | null {
    const key = this.splitKey();
    if (key === null) return null;
    this.noteMoreRestarts(); // as end() will (the note must not look changed by the part)
    this.marker = new SplitMarker(this.run, key, this.splitter.currentLine);
    // Only the first MAX_RESTART_EVENTS restarts can ever be listed: the rest are counted.
    this.marker.restarts.limit = MAX_RESTART_EVENTS;
    this.markKeys = this.table.size;
    return key;
  }

  splitExport(): SplitPart | null {
    if (!this.marker || !this.ended) return null;
    // (Restarts went to the marker's compact log; any other event is not joined.)
    return this.marker.export(
      {
        lines: this.splitter.currentLine - this.marker.line,
        keysAdded: this.table.size - this.markKeys,
        lastStep: this.lastStep,
        epochUnit: this.epochUnit() ? 1 : 0,
        plannedEpochs: this.plannedEpochs,
        plannedSteps: this.plannedSteps,
        barEpochs: this.barEpochs,
        barPlanned: this.barPlanned,
      },
      false,
    );
  }

  splitAbsorb(part: SplitPart): boolean {
    if (this.ended || this.splitKey() !== part.key) return false;
    let created = 0;
    for (const p of part.series) if (p.created) created++;
    // The caps must not be reached here where the worker did not reach them.
    if (this.run.series.size + created >= MAX_SERIES || this.table.size + part.extra.keysAdded >= MAX_KEYS) return false;
    const lineOffset = this.splitter.currentLine - part.line;
    if (!absorbPart(this.run, part, lineOffset)) return false;
    forEachRestart(part, lineOffset, 0, (series, from, to, line) => this.restart(series, to, line ?? 0, from));
    if (part.restarts.dropped > 0) {
      // Beyond the listed ones (the part listed MAX_RESTART_EVENTS): counted in the note.
      this.restarts += part.restarts.dropped;
      if (!this.moreRestarts) {
        this.moreRestarts = { type: 'note', message: '' };
        this.run.events.push(this.moreRestarts);
      }
    }
    this.ended = true;
    this.splitter.skipLines(part.extra.lines);
    this.lastStep = part.extra.lastStep;
    this.setUnit(part.extra.epochUnit === 1);
    if (part.extra.plannedEpochs === part.extra.plannedEpochs) this.plannedEpochs = part.extra.plannedEpochs;
    if (part.extra.plannedSteps === part.extra.plannedSteps) this.plannedSteps = part.extra.plannedSteps;
    if (part.extra.barEpochs === part.extra.barEpochs) this.barEpochs = part.extra.barEpochs;
    if (part.extra.barPlanned === part.extra.barPlanned) this.barPlanned = part.extra.barPlanned;
    this.writePlanned();
    this.noteMoreRestarts();
    for (const s of this.run.series.values()) s.trim();
    return true;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    try {
      if (this.atStart) {
        // NUL padding before the first line (a file pre-allocated, or truncated while written):
        // skipped, however long (see line() for NULs further on).
        let i = 0;
        while (i < chunk.length && chunk[i] === 0) i++;
        if (i === chunk.length) return;
        this.atStart = false;
        if (i > 0) chunk = chunk.subarray(i);
      }
      this.splitter.push(chunk);
    } catch (e) {
      this.internalError(e);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.splitter.end();
    } catch (e) {
      this.internalError(e);
    }
    this.spreadEnd();
    this.subLoopEnd();
    this.noteMoreRestarts();
    // (a part read on another thread hands it over in splitExport instead: meta must not change)
    if (!this.marker) this.setUnit(this.epochUnit());
    if (!this.marker) this.writePlanned();
    for (const s of this.run.series.values()) s.trim();
  }

  /** The steps are epochs: an epoch was read and no finer counter ever (see fineStepOf). */
  private epochUnit(): boolean {
    return this.fineStep !== this.fineStep && this.curEpoch === this.curEpoch;
  }

  /**
   * A counter written with its total (`Epoch 3/50`, `iter 100/5000`): the run's planned end,
   * the last one written (after a restart, the last run's), kept for meta (`plannedEpochs` /
   * `plannedSteps`, for the forecast) at the end. A step total under an epoch is the epoch's
   * length, not the run's.
   */
  private notePlanned(rank: number, total: number, epochOnLine: number): void {
    if (!(total > 0)) return;
    if (rank === 3) this.plannedEpochs = total;
    else if (epochOnLine !== epochOnLine && this.curEpoch !== this.curEpoch) this.plannedSteps = total;
  }

  private writePlanned(): void {
    if (this.plannedEpochs === this.plannedEpochs) this.run.meta.plannedEpochs = String(this.plannedEpochs);
    if (this.plannedSteps === this.plannedSteps) this.run.meta.plannedSteps = String(this.plannedSteps);
    if (this.barEpochs === this.barEpochs) this.run.meta.tqdmEpochs = String(this.barEpochs);
    if (this.barPlanned === this.barPlanned) this.run.meta.tqdmSteps = String(this.barPlanned);
  }

  /**
   * A tqdm progress bar (`label:  45%|████▌     | 450/1000 [00:10<00:12, 44.1it/s, loss=0.2]`):
   * its total is the run's planned end when the bar counts the run, not one epoch or one pass
   * of something else.
   * - A bar labelled `Epoch`/`Epochs` (no number), or whose rate is in epochs, counts epochs:
   *   its total is the planned number of epochs.
   * - A bar labelled with a number (`Epoch 3:`, Lightning) counts the batches of that epoch;
   *   a bar of evaluation, prediction or data preparation (`Map:`, `Evaluating`, a rate in
   *   `examples/s`, `B/s`, ...) counts something else: neither is the run's end.
   * - Of the other bars (unlabelled, `Training`, `Iteration`, a rate in `it/s` or `s/it`), the
   *   one with the largest total whose count never went back (a bar that restarts counts an
   *   epoch or an evaluation) counts the run's steps: its total, in the run's step unit, is the
   *   step of a record read with the bar's count n times total / n (exactly the total when the
   *   record's step is the bar's count).
   */
  private noteBar(s: string, first: number): void {
    const m = /^(.*?)\s*\d{1,3}%\|[^|]*\|\s*(\d+)\/(\d+)\s*(?:\[([^\]]*))?/.exec(first ? s.slice(first) : s);
    if (!m) return;
    const label = m[1].replace(/[:\s]+$/, '');
    const n = Number(m[2]);
    const total = Number(m[3]);
    if (!(total > 0) || n > total) return;
    const rate = /(?:^|[\s,])(?:[\d.?]+\s*)?([A-Za-z]+)\/s\b|\bs\/([A-Za-z]+)\b/.exec(m[4] ?? '');
    const unit = rate ? (rate[1] ?? rate[2]).toLowerCase() : '';
    if (/^epochs?$/i.test(label) || unit === 'epoch' || unit === 'epochs') {
      this.barEpochs = total;
      return;
    }
    if (/\d/.test(label) || (unit !== '' && !/^(it|its|step|steps|batch|batches|iter|iters|iteration|iterations)$/.test(unit))) return;
    if (/eval|valid|\bval\b|test|predict|infer|generat|sampl|map|filter|token|download|load|extract|preprocess|convert|shard|upload/i.test(label)) return;
    let b = this.bars.get(total);
    if (b === undefined) {
      if (this.bars.size >= 32) return;
      b = { n, reset: false };
      this.bars.set(total, b);
    } else {
      if (n < b.n) b.reset = true;
      b.n = n;
    }
    let main = NaN;
    for (const [t, v] of this.bars) if (!v.reset && !(t <= main)) main = t;
    this.barMain = main;
    if (main === main) {
      this.barMainN = this.bars.get(main)!.n;
      this.barFresh = total === main;
    }
    if (main !== main) this.barPlanned = NaN;
  }

  /** A record at `step` after a redraw of the run's bar: the bar's total in the run's step unit. */
  private pairBar(step: number): void {
    this.barFresh = false;
    const n = this.barMainN;
    const total = this.barMain;
    if (!(n > 0) || !(step > 0) || !(total === total)) return;
    // The record's step is the bar's count (give or take a redraw): the total itself.
    if (Math.abs(step - n) <= 0.02 * n + 1) {
      this.barPlanned = total;
      return;
    }
    const v = (step * total) / n;
    const r = Math.round(v);
    this.barPlanned = r > 0 && Math.abs(v - r) <= 0.02 * v ? r : v;
  }

  private setUnit(epochs: boolean): void {
    if (epochs) this.run.meta.stepUnit = 'epoch';
    else delete this.run.meta.stepUnit;
  }

  private internalError(e: unknown): void {
    reportMalformed(this.run, `text parser error: ${e instanceof Error ? e.message : String(e)}`, {
      line: this.splitter.currentLine,
    });
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The line at `start` of an ASCII chunk, read in place when it is a known template (see
   * FastLine): the same as onLine() for it, without looking for its end first.
   */
  private fastLine(
    s: string | undefined,
    u: Uint8Array,
    start: number,
    lim: number,
    lineNo: number,
    max: number,
  ): number {
    if (this.blockOpen !== 0 || this.skipIndented !== 0 || this.tblCols !== null) return -1;
    const sc = this.sc;
    let nl = -1;
    this.indented = u[start] === 32 || u[start] === 9;
    try {
      const end = sc.replayBytes(u, start, lim);
      if (end < 0) return -1;
      // A bare `\r` ends a redraw segment, not the line: left to the line splitter.
      nl = u[end] === 10 ? end : u[end + 1] === 10 ? end + 1 : -1;
      if (nl < 0 || nl - start > max) return -1;
      let src = s;
      let a = start;
      let b = end;
      if (src === undefined) {
        // Not decoded. record() reads the text of a replayed line only for fairseq's
        // num_updates: the line is ASCII, so its bytes decode one to one.
        if (sc.stepRank === 1 && !sc.lastDict) src = asciiDecoder.decode(u.subarray(start, end));
        else src = '';
        a = 0;
        b = src.length;
      }
      return this.record(src, a, b, lineNo, sc.lastDict) ? nl : -1;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      reportMalformed(this.run, `text parser error: ${why}`, { line: lineNo });
      return nl >= 0 ? nl : u.indexOf(10, start);
    }
  }

  /** The line src[a, b) (src is often the whole decoded chunk; bytes: see RangeSink). */
  private onLine(
    src: string,
    a: number,
    b: number,
    lineNo: number,
    truncated: boolean,
    bytes: Uint8Array | undefined,
  ): void {
    try {
      this.line(src, a, b, lineNo, truncated, bytes);
      // An indented line without metrics inside the block under a step line goes on with it.
      if (this.hdrLine === lineNo - 1 && this.indented) this.hdrLine = lineNo;
    } catch (e) {
      // Never expected; the contract is to never throw, so it becomes an event (and the
      // rest of the chunk is still read).
      const why = e instanceof Error ? e.message : String(e);
      reportMalformed(this.run, `text parser error: ${why}`, { line: lineNo });
    }
  }

  private line(
    src: string,
    a: number,
    b: number,
    lineNo: number,
    truncated: boolean,
    bytes: Uint8Array | undefined,
  ): void {
    const c0 = a < b ? src.charCodeAt(a) : 0;
    this.indented = c0 === 32 || c0 === 9;
    // A table ends at the first line that does not go on with it.
    if (this.tblCols !== null && lineNo !== this.tblLine + 1) this.tblCols = null;
    if (truncated) {
      this.reportTruncated(lineNo);
    } else if (this.blockOpen === 0 && this.skipIndented === 0) {
      // Same text as a line seen before, but for its numbers: read in place.
      const sc = this.sc;
      let r = bytes !== undefined ? sc.replayBytes(bytes, a, b) : UNSURE;
      if (r === UNSURE) r = sc.replay(src, a, b) ? b : NO_MATCH;
      if (r >= 0 && this.record(src, a, b, lineNo, sc.lastDict)) return;
    }
    const text = a === 0 && b === src.length ? src : src.slice(a, b);
    if (text.indexOf('\0') >= 0) {
      // Runs of NULs (a hole a crashed writer left, padding): they part the line like `\r`
      // redraws, each part read on its own, at this line's number. (No template has a NUL:
      // such a line never replays, and is always read here.)
      for (const part of text.split(/\0+/)) if (part.length > 0) this.line(part, 0, part.length, lineNo, truncated, undefined);
      return;
    }
    let s = text;
    if (s.indexOf('\x1b') >= 0) s = s.replace(ANSI_RE, '');
    if (s.indexOf('\b') >= 0) s = s.split('\b').join(''); // Keras 3 redraws: \b...\b then \r
    const n = s.length;
    let first = 0;
    let c = 0;
    while (first < n && ((c = s.charCodeAt(first)) === 32 || c === 9)) first++;
    if (this.blockOpen !== 0 && this.inBlock(s, first)) return;
    if (this.skipIndented > 0) {
      if (first > 0 || n === 0) {
        this.skipIndented--;
        return;
      }
      this.skipIndented = 0;
    }
    if (first === n) {
      // A blank line after the records of a phase line's block ends the block (the lines after
      // it are not that phase's, however few).
      if (this.phaseLine >= 0 && this.prevLine > this.phaseLine) {
        this.blockTag = null;
        this.phaseLine = -1;
      }
      return;
    }
    if (s.indexOf('%|') >= 0) this.noteBar(s, first);
    if (s.indexOf('>', first) >= 0) s = labelArrow(s);
    if (s.indexOf(' th', first) >= 0 || s.indexOf(' each ', first) >= 0 || s.indexOf(' current ', first) >= 0) s = perUnitKey(s);
    if (c === 34) return; // `  "d_model": 1024,`: a JSON dump line
    if (c === 42 && s.startsWith('*****', first)) {
      // `***** Running training *****` / `***** train metrics *****`: a summary block follows.
      this.skipIndented = MAX_BLOCK_LINES;
      return;
    }
    let last = n - 1;
    while (last > first && ((c = s.charCodeAt(last)) === 32 || c === 9)) last--;
    const lastChar = s.charCodeAt(last);
    if ((lastChar === 41 || lastChar === 125) && configDump(s, first, lastChar)) return;
    // `INFO - Parameters: BATCH_SIZE=30, NUM_EPOCHS=40, LR=1e-05`: settings, not points.
    if (s.indexOf('=') > 0 && CONFIG_LINE_RE.test(s)) return;
    if (INIT_LINE_RE.test(s)) return;
    let isDict = false;
    if (lastChar === 125) {
      let b = s.indexOf("{'");
      const b2 = s.indexOf('{"');
      if (b < 0 || (b2 >= 0 && b2 < b)) b = b2;
      if (b >= 0) isDict = this.sc.scanDict(s, b);
    }
    if (!isDict) this.sc.scanGeneric(s, first);
    if (this.record(s, 0, n, lineNo, isDict)) {
      if (s === text && !truncated && !this.tagged) this.sc.learn(s);
      return;
    }
    if (this.yoloRow(s, lineNo)) return;
    if (this.tableLine(s, lineNo)) return;
    this.noteSetting(s, lineNo);
    // No record: maybe the start of a dump block, or something worth a note.
    if ((lastChar === 40 || lastChar === 123 || lastChar === 91) && first === 0) {
      this.blockOpen = lastChar;
      this.blockClose = lastChar === 40 ? 41 : lastChar + 2;
      this.blockDepth = 1;
      this.blockLines = 0;
      return;
    }
    if (!this.noteNan && s.indexOf('nan_detector') >= 0) {
      this.noteNan = true;
      this.run.events.push({
        type: 'note',
        message:
          'fairseq nan_detector warning (Inf/NaN in the forward or backward pass), ' +
          `first at line ${lineNo}`,
      });
    } else if (!this.noteOverflow && s.indexOf('gradient overflow detected') >= 0) {
      this.noteOverflow = true;
      this.run.events.push({
        type: 'note',
        message: `fp16 gradient overflow (loss scale reduced), first at line ${lineNo}`,
      });
    }
  }

  /**
   * Inside a dump block (`Seq2SeqTrainingArguments(` ... `)`, `BartConfig {` ... `}`): returns
   * true if the line belongs to it. A line that does not look like a dump line (`name=value,`,
   * an indented or quoted line, a bracket) ends the block early: an unbalanced opener
   * (`  warnings.warn(` with its source cut) must not swallow the log.
   */
  private inBlock(s: string, first: number): boolean {
    const n = s.length;
    if (first === 0 && n > 0) {
      const c = s.charCodeAt(0);
      let dumpLine = c === 34 || c === 39 || c === 41 || c === 93 || c === 125 || c === 91;
      if (c === 123) dumpLine = !(n > 1 && (s.charCodeAt(1) === 39 || s.charCodeAt(1) === 34));
      if (!dumpLine && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) {
        // name=value
        let i = 1;
        let d = 0;
        while (i < n) {
          d = s.charCodeAt(i);
          const l = d | 32;
          if (d === 95 || d === 46 || (d >= 48 && d <= 57) || (l >= 97 && l <= 122)) i++;
          else break;
        }
        dumpLine = d === 61;
      }
      if (!dumpLine) {
        this.blockOpen = 0;
        return false;
      }
    }
    const open = String.fromCharCode(this.blockOpen);
    const close = String.fromCharCode(this.blockClose);
    let d = this.blockDepth;
    for (let i = s.indexOf(open); i >= 0; i = s.indexOf(open, i + 1)) d++;
    for (let i = s.indexOf(close); i >= 0; i = s.indexOf(close, i + 1)) d--;
    this.blockDepth = d;
    if (d <= 0 || ++this.blockLines >= MAX_BLOCK_LINES) this.blockOpen = 0;
    return true;
  }

  /**
   * Turn the scanner's result for the line s[a, b) into points. Returns true if the line held
   * metrics.
   */
  private record(s: string, a: number, b: number, lineNo: number, isDict: boolean): boolean {
    const sc = this.sc;
    const np = sc.nPairs;
    const hasStep = sc.stepRank < 99;
    if (hasStep && sc.stepTotal === sc.stepTotal) this.notePlanned(sc.stepRank, sc.stepTotal, sc.epochVal);
    if (np === 0) {
      if (!hasStep && this.headerlessRow(s, a, b, lineNo)) return true;
      const bare = hasStep && sc.stepRank === 3 && !isDict && isBareHeader(s, a, b, letterCount(sc.stepKey!.name));
      const named = hasStep && sc.stepRank === 3 && !isDict && !bare ? namedEpochHeader(a === 0 && b === s.length ? s : s.slice(a, b)) : null;
      if (bare || named !== null) {
        this.subLoopEnd();
        // (a run's name before it: the records under it are that run's series, see runName)
        this.runName = named;
        this.curEpoch = sc.stepVal;
        this.blockTag = subsetTagOf(sc.stepKey!.name);
        this.phaseLine = -1;
        // Under a finer counter the header only says which epoch follows.
        if (this.fineStep !== this.fineStep) {
          this.ctxStep = sc.stepVal;
          this.headerLine = lineNo;
        }
      } else if (hasStep && sc.stepRank < 3 && !isDict && !this.indented && this.subLoop()) {
        this.subRaw = sc.stepVal;
      } else if (hasStep && sc.stepRank < 3 && !isDict && !this.indented) {
        this.hdrLine = lineNo;
        this.hdrRaw = sc.stepVal;
        this.hdrEpoch = sc.epochVal;
        this.hdrTotal = sc.stepTotal;
        this.hdrStep = NaN;
      }
      if (!hasStep && sc.sawSubset && b - a <= 160) this.phase(s, a, b, lineNo);
      if (!hasStep && b - a <= 160 && this.phaseLine !== lineNo && this.evalMode(s, a, b)) {
        // `model switched to evaluation mode`, `模型已切换为评估模式`: an evaluation follows.
        this.blockTag = 'eval';
        this.phaseLine = lineNo;
      }
      if (!hasStep && b - a <= 160) this.phaseMark(s, a, b, lineNo);
      return false;
    }
    if (!hasStep && !sc.metricish) {
      // (a table the evaluation prints, `bg  0.8872` per class, is part of the phase)
      if (this.phaseLine >= 0 && lineNo - this.phaseLine <= PHASE_LINES) this.phaseLine = lineNo;
      return false;
    }
    // `{'train': 40058, 'test': 12032}` (sizes of the data), `{'batch_size': 16, 'dropout': 0.7,
    // ...}` (settings): no metrics.
    if (isDict && (dataSizeDict(sc.keys, sc.vals, np) || settingsDict(sc.keys, np, a === 0 && b === s.length ? s : s.slice(a, b)))) return false;
    // `Train: 20000  Val: 5000  (cat 12500, dog 12500)`: the sizes of the data, in any shape.
    if (!hasStep && !isDict && dataSizeLine(sc.keys, sc.vals, np)) return false;
    // `learning_rate: 0.0001` in a block of printed settings (see noteSetting()).
    if (!hasStep && !isDict && np === 1 && this.settingsLine >= 0 && lineNo - this.settingsLine <= 1) {
      // (the line's one key is the setting's name, not a loss's: not `validation loss: 10.95`,
      // `loss: 10.95` right after `using fused AdamW: True`)
      if (!sc.keys[0].lossRole && sc.keys[0].name.indexOf(' ') < 0 && settingLine(a === 0 && b === s.length ? s : s.slice(a, b)) > 0) {
        this.settingsLine = lineNo;
        return false;
      }
    }
    // `Train 0, loss: 2.689, ...`: the number after the phase word is the step (see phaseCounter()).
    const counter = !hasStep && !isDict && phaseCounter(sc.keys, sc.vals, np);
    const k0 = counter ? 1 : 0;

    let step: number;
    let own = true;
    let epoch = NaN;
    let epochLevel = false;
    if (hasStep && sc.stepRank < 3) {
      epoch = sc.epochVal === sc.epochVal ? sc.epochVal : this.curEpoch;
      step = this.fineStepOf(sc.stepVal, epoch, sc.stepTotal);
    } else if (hasStep && sc.stepRank === 3 && this.fineStep === this.fineStep) {
      // An epoch-level line (`Epoch 2: Train Loss = ...`, `test epoch:8 || Loss:2.82`) in a
      // log with a finer counter: at the step where it appears, its epoch kept as a second x.
      epochLevel = true;
      step = this.fineStep;
      epoch = sc.stepVal;
      if (sc.fracN === sc.fracN) epoch += sc.fracI / sc.fracN;
      this.curEpoch = sc.stepVal;
    } else if (hasStep) {
      step = sc.stepVal;
      if (sc.stepRank === 3) {
        this.curEpoch = sc.stepVal;
        // (an evaluation's bar counts the pass's batches, not the epoch's: its value is the epoch's)
        if (sc.fracN === sc.fracN && !sc.evalBar) step += sc.fracI / sc.fracN;
      }
    } else if (counter) {
      step = sc.vals[0];
      this.curEpoch = step;
    } else if (sc.leadInt === sc.leadInt) {
      step = sc.leadInt;
    } else if (this.hdrLine >= 0 && lineNo === this.hdrLine + 1 && (this.indented || this.hdrStep !== this.hdrStep)) {
      // A metric line of the indented block under a step line (see hdrLine), or the one line
      // right after it (a record written on two lines: `current step: 1000th step`, then
      // `loss: 2.3148`).
      own = false;
      if (this.hdrStep !== this.hdrStep) {
        epoch = this.hdrEpoch === this.hdrEpoch ? this.hdrEpoch : this.curEpoch;
        if (this.hdrEpoch === this.hdrEpoch) this.curEpoch = this.hdrEpoch;
        this.hdrStep = this.fineStepOf(this.hdrRaw, epoch, this.hdrTotal);
      }
      step = this.hdrStep;
      this.hdrLine = lineNo;
    } else {
      own = false;
      if (this.ctxStep === this.ctxStep) step = this.ctxStep;
      else if (this.prevLine === lineNo) step = this.prevStep; // a `\r` redraw of the line
      else step = this.groupStep(sc.keys, np);
    }

    if (own) this.subLoopEnd();
    let keys = sc.keys;
    this.tagged = false;
    if (this.markLine >= 0) {
      // `testing in eval mode……` then `epoch: 0,  loss is: 2.50, acc is: 0.07`: the record right
      // after a phase line is that phase's even with its own step (the training records have the
      // same shape); only that one (a record without a step is blockTag's).
      if (own && lineNo - this.markLine <= 2) keys = this.blockTagged(keys, np, this.markTag!);
      this.markLine = -1;
    }
    if (!own && this.phaseLine >= 0 && lineNo - this.phaseLine > PHASE_LINES) this.blockTag = null;
    if (own || this.blockTag === null) {
      this.blockTag = null;
      this.phaseLine = -1;
    } else {
      keys = this.blockTagged(keys, np, this.blockTag);
    }
    // `Accuracy = 0.93 Precision = 0.70 Recall = 0.94 F1 = 0.80`: an evaluation's report.
    if (!own && evalReport(keys, np)) keys = this.blockTagged(keys, np, 'eval');
    if (this.runName !== null) keys = this.runKeys(keys, np, this.runName);
    // An evaluation's AverageMeter line (`Test: [230/242]  Loss 4.8849 (6.4318)`, no step of its
    // own): see evalMean().
    if (own) this.meanLine = -1;
    else if (sc.avgAny && this.meanLine >= 0 && lineNo - this.meanLine <= PHASE_LINES) keys = this.blockTagged(keys, np, this.meanTag);
    const evalAvg = !own && sc.avgAny ? this.evalMean(keys, np, lineNo) : false;
    if (hasStep && sc.stepRank < 3) this.noteFine(keys, np);
    else if (epochLevel && this.fineKeys.size > 0) keys = this.epochSummary(keys, np);
    // (A key named num_updates always has step rank 1.)
    if (!isDict && sc.stepRank === 1 && sc.stepKey!.name === 'num_updates') {
      keys = this.fairseqTagged(a === 0 && b === s.length ? s : s.slice(a, b), keys, np);
      this.tagged = keys !== sc.keys;
    }

    const kerasHeader = !own && sc.kerasTotal >= 0 ? this.headerLine : -1;
    let replace = false;
    if (this.prevN > 0) {
      if (kerasHeader >= 0) {
        replace = this.prevKerasHeader === kerasHeader && this.prevKerasTotal === sc.kerasTotal;
      } else if ((this.prevLine === lineNo || (sc.evalBar && this.prevEvalBar)) && this.prevStep === step && this.prevN === np) {
        // (a redraw of the line, or of an evaluation's bar on a line of its own: its running
        // value is one point, the last state)
        replace = true;
        const pk = this.prevKeys;
        for (let k = 0; k < np; k++) {
          if (pk[k] !== keys[k]) {
            replace = false;
            break;
          }
        }
      }
    }

    let spreadK = -1;
    if (
      !replace &&
      own &&
      !isDict &&
      sc.stepRank === 3 &&
      step === sc.stepVal &&
      Number.isInteger(step) &&
      this.fineStep !== this.fineStep &&
      sc.fracN !== sc.fracN
    ) {
      spreadK = this.spreadStep(keys, np, step);
      if (spreadK > 0) step += spreadK / Math.max(this.spreadPrevN, spreadK + 1);
    }
    const prevRec = this.recId;
    const rec = ++this.recId;
    if (!replace) {
      // A restart is a series of this record stepping back, not merely a record whose step is
      // below the previous record's: logs interleave per-step lines with per-epoch lines.
      const first = keys[k0].series ?? this.run.series.get(keys[k0].name);
      if (first === undefined && this.marker) this.marker.absent.add(keys[k0].name);
      if (first !== undefined && first.length > 0 && step < first.lastStep()) {
        this.lastStep = first.lastStep();
        this.restart(keys[k0].name, step, lineNo);
      }
      this.lastStep = step;
      if (own || this.ctxStep === this.ctxStep) this.records++;
      if (this.barFresh) this.pairBar(step);
    }
    if (epoch === epoch && epoch !== this.epochShown && !replace) this.epochPoint(step, epoch, lineNo);
    const vals = sc.vals;
    for (let k = k0; k < np; k++) {
      const info = keys[k];
      let v = vals[k];
      if (info.isMfu && v === -100) continue;
      let ser = info.series;
      if (ser === undefined) {
        ser = this.seriesFor(info.name);
        if (ser === undefined) continue;
        if (info.role !== undefined && ser.length === 0) ser.role = info.role;
        info.series = ser;
      }
      if (evalAvg && sc.avgs[k] === sc.avgs[k] && subsetTagOf(info.name) !== null) {
        // (the pass's running mean so far; its last batch's is the evaluation's value)
        v = sc.avgs[k];
        if (!replace && ser.length > 0 && ser.lastStep() === step) {
          overwriteLast(ser, v, lineNo);
          info.lastRec = rec;
          continue;
        }
      }
      if (replace && info.lastRec === prevRec && ser.length > 0) overwriteLast(ser, v, lineNo);
      else ser.push(step, v, undefined, lineNo);
      info.lastRec = rec;
      if (spreadK >= 0) this.spreadAdd(ser, ser.length - 1, spreadK);
      else if (!own && this.subRaw === this.subRaw && step === this.curEpoch) {
        this.subPts.push(ser);
        this.subIdx.push(ser.length - 1);
        this.subK.push(this.subRaw);
      }
    }

    // Remember this record.
    if (keys === sc.scratchKeys) {
      // The scanner's scratch array is overwritten by the next scan: copy it.
      const pk = this.prevCopy;
      for (let k = 0; k < np; k++) pk[k] = keys[k];
      this.prevKeys = pk;
    } else {
      this.prevKeys = keys;
    }
    this.prevN = np;
    this.prevLine = lineNo;
    this.prevStep = step;
    this.prevKerasHeader = kerasHeader;
    this.prevKerasTotal = sc.kerasTotal;
    this.prevEvalBar = sc.evalBar;
    if (own) {
      // (a spread record's lines without a step are at its epoch)
      this.ctxStep = spreadK > 0 ? sc.stepVal : step;
      this.headerLine = -1;
      this.hdrLine = -1;
    }
    return true;
  }

  /**
   * The global step of a record whose finer counter reads `raw` in `epoch`. A counter that
   * starts again when the epoch moves on (`Epoch 2 | Step 0/6501`) continues from where the
   * last epoch ended (by its `/total` when written: the epoch adds its total, else by its usual
   * stride), as does one that reads the same as in the last epoch; one that goes
   * back while the epoch does not is a real restart (a resumed run) and is kept as written. An
   * epoch that goes back to the first one read starts the counter from scratch (another training
   * in the same log).
   */
  private fineStepOf(raw: number, epoch: number, total: number): number {
    const last = this.fineRaw;
    if (this.fineFirstEpoch !== this.fineFirstEpoch) this.fineFirstEpoch = epoch;
    // (a counter that reads the same in the next epoch started again too: `epoch:7 iter:0/18`
    // logged once an epoch is at the same step every epoch, not at one step for the run)
    if (epoch < this.fineEpoch && epoch <= this.fineFirstEpoch) {
      // The epoch went back to where the log began (MTCNN's PNet, RNet and ONet stages one after
      // the other, each from `Epoch: 1, Step: 0`): another training from scratch, whose
      // counter is not one that goes on from the last one's (it is a restart at its own start).
      this.fineOffset = 0;
    } else if (raw <= last && epoch > this.fineEpoch) {
      // (by its total: the counter's epoch-long range, whatever its first logged value is)
      if (total === total && total >= last) this.fineOffset += total;
      else this.fineOffset = this.fineStep + this.fineDelta - raw;
    }
    const step = raw + this.fineOffset;
    if (step > this.fineStep) this.fineDelta = step - this.fineStep;
    this.fineRaw = raw;
    this.fineStep = step;
    this.fineEpoch = epoch;
    return step;
  }

  /**
   * Per-batch values logged under an epoch counter with no batch counter (`Epoch 1 - Batch
   * loss: 12.13`, hundreds of lines per epoch): the values of one epoch are spread over it, the
   * k-th of n at epoch + k/n (as a `[k/n]` batch counter would place them), not piled on one
   * step. A series is spread from its second value at one epoch on, when that comes right after
   * the first (the record before it is of the series, at the epoch); the first is at the epoch.
   * The other records of a spread epoch take their place in it too (the lines are in order).
   * While an epoch is read, n is the last epoch's count (the points are placed again when it
   * ends: the next epoch's first value, or the end of the file). Returns the record's k in its
   * epoch, or -1 when the record is not spread (keys: its keys; step: its epoch).
   */
  private spreadStep(keys: KeyInfo[], np: number, step: number): number {
    const first = keys[0];
    const ser = first.series ?? this.run.series.get(first.name);
    if (this.spreadSer !== null) {
      // Every record of the epoch is placed in its order (an end-of-epoch summary at its end).
      if (step === this.spreadEpoch) return this.spreadN++;
      // The next epoch (or a restart): the last one's points are placed, this one begins.
      const again = ser === this.spreadSer;
      this.spreadEnd();
      if (again) {
        this.spreadEpoch = step;
        this.spreadN = 1;
        return 0;
      }
      this.spreadSer = null;
    }
    // (right after the series' last record, at its step: one value a line, the lines in a row;
    // an epoch logged again after a restart is no batch)
    if (ser === undefined || ser.length === 0 || ser.lastStep() !== step) return -1;
    if (this.prevN === 0 || this.prevKeys[0] !== first || this.prevStep !== step) return -1;
    // A second value at this epoch: the series is per batch. The first one's points (the last
    // of each of this record's series, when at this epoch) are the epoch's first.
    this.spreadEnd();
    this.spreadPrevN = 0;
    this.spreadSer = ser;
    this.spreadEpoch = step;
    for (let k = 0; k < np; k++) {
      const s = keys[k].series ?? this.run.series.get(keys[k].name);
      if (s !== undefined && s.length > 0 && s.lastStep() === step) this.spreadAdd(s, s.length - 1, 0);
    }
    this.spreadN = 2;
    return 1;
  }

  private spreadAdd(ser: Series, i: number, k: number): void {
    this.spreadPts.push(ser);
    this.spreadIdx.push(i);
    this.spreadK.push(k);
  }

  /** Place the points of the epoch being spread (see spreadStep()), now that its count is known. */
  private spreadEnd(): void {
    const n = this.spreadN;
    if (this.spreadSer === null || n === 0) return;
    const pts = this.spreadPts;
    const e = this.spreadEpoch;
    for (let j = 0; j < pts.length; j++) pts[j].steps.set(this.spreadIdx[j], e + this.spreadK[j] / n);
    pts.length = 0;
    this.spreadIdx.length = 0;
    this.spreadK.length = 0;
    this.spreadPrevN = n;
    this.spreadN = 0;
  }

  /** The epoch at a step, for the epoch axis (a point each time the epoch read changes). */
  private epochPoint(step: number, epoch: number, lineNo: number): void {
    this.epochShown = epoch;
    this.seriesFor('epoch')?.push(step, epoch, undefined, lineNo);
  }

  private restart(series: string, toStep: number, line: number, fromStep = this.lastStep): void {
    if (this.marker) {
      // After a split mark: the main thread lists or counts it (splitAbsorb).
      this.marker.restarts.add(series, fromStep, toStep, line);
      return;
    }
    if (++this.restarts <= MAX_RESTART_EVENTS) {
      this.run.events.push({ type: 'restart', series, fromStep, toStep, line });
      return;
    }
    // A file whose step goes back and forth all the time (several step counters mixed):
    // listing every jump would cost more memory than the points.
    if (!this.moreRestarts) {
      this.moreRestarts = { type: 'note', message: '' };
      this.run.events.push(this.moreRestarts);
    }
    if ((this.restarts & 1023) === 0 || this.ended) this.noteMoreRestarts();
  }

  private noteMoreRestarts(): void {
    if (this.moreRestarts) {
      const n = this.restarts - MAX_RESTART_EVENTS;
      this.moreRestarts.unlistedRestarts = n;
      this.moreRestarts.message =
        `the step went backwards ${n} more time${n === 1 ? '' : 's'} ` +
        `after the ${MAX_RESTART_EVENTS} restarts listed`;
    }
  }

  /**
   * `12,3.4567`: a row of a table written without its header (a `loss_log.txt` of `epoch,loss`
   * rows), read as a step and a value while the file has no other series. The value is named
   * after the file when its name says what it is (`loss`, `accuracy`), else `value`.
   */
  private headerlessRow(s: string, a: number, b: number, lineNo: number): boolean {
    if (b - a > 64) return false;
    const only = this.run.series.size === 0 || (this.run.series.size === 1 && this.run.series.has(this.headerlessName()));
    if (!only) return false;
    const m = HEADERLESS_ROW_RE.exec(s.slice(a, b));
    if (!m) return false;
    const step = Number(m[1]);
    const v = Number(m[2]);
    if (!Number.isFinite(step) || Number.isNaN(v)) return false;
    const name = this.headerlessName();
    const ser = this.seriesFor(name);
    if (!ser) return false;
    if (ser.length > 0 && step < ser.lastStep()) this.restart(name, step, lineNo, ser.lastStep());
    ser.push(step, v, undefined, lineNo);
    return true;
  }

  private headerlessName(): string {
    const base = this.run.source.split(/[\\/]/).pop() ?? '';
    return /loss/i.test(base) ? 'loss' : /acc/i.test(base) ? 'accuracy' : 'value';
  }

  private seriesFor(name: string): Series | undefined {
    const existing = this.run.series.get(name);
    if (existing) return existing;
    if (this.run.series.size >= MAX_SERIES) {
      if (!this.seriesCapped) {
        this.seriesCapped = true;
        this.run.events.push({
          type: 'note',
          message: `more than ${MAX_SERIES} distinct metric names: the rest were not kept`,
        });
      }
      return undefined;
    }
    return seriesOf(this.run, name);
  }

  /**
   * The step of a record in a log without any step: records count up, but a record whose keys
   * are all new since the last count joins it (`Train Loss: 0.8, Train Acc: 0.7` then
   * `Val Loss: 0.9, Val Acc: 0.6` are one epoch).
   */
  private groupStep(keys: KeyInfo[], np: number): number {
    let fresh = this.groupKeys.length > 0;
    for (let k = 0; k < np && fresh; k++) if (keys[k].grp === this.records) fresh = false;
    if (!fresh) {
      this.records++;
      this.groupKeys.length = 0;
    }
    for (let k = 0; k < np; k++) {
      keys[k].grp = this.records;
      this.groupKeys.push(keys[k]);
    }
    return this.records - 1;
  }

  /**
   * A row of YOLOv5 / YOLOv7 `results.txt`, a table without a header: `epoch/last mem box obj
   * cls total labels img_size P R mAP@.5 mAP@.5:.95 val_box val_obj val_cls` (15 columns, the
   * names its results.csv successor gives them). Returns true if the line was one.
   */
  private yoloRow(s: string, lineNo: number): boolean {
    const c = s.charCodeAt(0);
    if (c !== 32 && (c < 48 || c > 57)) return false;
    const f = s.trim().split(/\s+/);
    if (f.length !== 15 || !/^\d+\/\d+$/.test(f[0]) || !/^[\d.]+[GM]?$/.test(f[1])) return false;
    const vals = f.slice(2).map(Number);
    if (vals.some(v => Number.isNaN(v))) return false;
    const step = Number(f[0].slice(0, f[0].indexOf('/')));
    const first = this.seriesFor(YOLO_COLUMNS[0]);
    if (first && first.length > 0 && step < first.lastStep()) this.restart(YOLO_COLUMNS[0], step, lineNo, first.lastStep());
    for (let k = 0; k < YOLO_COLUMNS.length; k++) {
      const name = YOLO_COLUMNS[k];
      if (name !== '') this.seriesFor(name)?.push(step, vals[k], undefined, lineNo);
    }
    this.lastStep = step;
    this.ctxStep = step;
    this.headerLine = -1;
    this.records++;
    this.prevN = 0;
    return true;
  }

  /**
   * A table drawn in text: markdown or pipe rows (`| a | b |`, `a | b`), tabulate `+---+` and
   * rich `┃ a ┃ b ┃` / `│ 1 │ 2 │` boxes. Two shapes are read, from a header row of names:
   * - named rows under subset columns: `METRIC | TRAIN | VALIDATION`, then `Loss | 0.1788 |
   *   0.1205`: the series `TRAIN Loss` and `VALIDATION Loss`, one point per table, at the step
   *   in force (the epoch the table is printed for);
   * - rows of numbers under metric names with a step column: `| Epoch | Train Loss | Val Loss |`,
   *   then `| 1 | 0.90 | 0.95 |`: a point per row at its step.
   * Rule lines (`----`, `|---|---|`, `+----+`, `┡━━━╇━━━┩`) go on with the table; any other line,
   * a blank one included, ends it. Returns true if the line was part of a table.
   */
  private tableLine(s: string, lineNo: number): boolean {
    if (!TABLE_CHAR_RE.test(s)) {
      if (this.tblCols !== null && TABLE_RULE_RE.test(s)) {
        this.tblLine = lineNo;
        return true;
      }
      return this.spaceTableLine(s, lineNo);
    }
    if (TABLE_RULE_RE.test(s)) {
      if (this.tblCols === null) return false;
      this.tblLine = lineNo;
      return true;
    }
    const cells = tableCells(s);
    if (cells === null) return false;
    if (this.tblCols !== null && cells.length === this.tblCols.length + (this.tblNamed ? 1 : 0) && this.tableRow(cells, lineNo)) {
      this.tblLine = lineNo;
      return true;
    }
    // A header?
    if (cells.length < 2 || cells.length > 32) return false;
    let named = cells[0] === '' || TABLE_NAME_RE.test(cells[0]);
    for (let k = 1; k < cells.length && named; k++) if (!SUBSET_TAGS.has(cells[k].toLowerCase())) named = false;
    if (named) {
      this.tblNamed = true;
      this.tblSpace = false;
      this.tblStepCol = -1;
      this.tblCols = cells.slice(1);
      // (a log without any step so far: the tables count up)
      this.tblStep = this.ctxStep === this.ctxStep ? this.ctxStep : this.records++;
      this.tblLine = lineNo;
      return true;
    }
    let stepCol = -1;
    for (let k = 0; k < cells.length; k++) {
      if (!TABLE_NAME_RE.test(cells[k])) return false;
      if (stepCol < 0 && TABLE_STEP_RE.test(cells[k])) stepCol = k;
    }
    if (stepCol < 0) return false;
    this.tblNamed = false;
    this.tblSpace = false;
    this.tblStepCol = stepCol;
    this.tblCols = cells;
    this.tblLine = lineNo;
    return true;
  }

  /**
   * A table in blank-separated columns (`np.savetxt`, a hand-written `print(epoch, loss, acc)`
   * under a header): a header of one-word names with a step column (`epoch loss acc`), then
   * rows of as many numbers (`0 0.2027 0.8717`): a point per row at its step, as tableLine()'s
   * pipe tables. Any other line ends it.
   */
  private spaceTableLine(s: string, lineNo: number): boolean {
    const cells = s.trim().split(/\s+/);
    if (this.tblCols !== null && this.tblSpace) {
      if (cells.length === this.tblCols.length && this.tableRow(cells, lineNo)) {
        this.tblLine = lineNo;
        return true;
      }
      this.tblCols = null;
    }
    if (cells.length < 2 || cells.length > 32) return false;
    let stepCol = -1;
    for (let k = 0; k < cells.length; k++) {
      if (!SPACE_TABLE_NAME_RE.test(cells[k])) return false;
      if (stepCol < 0 && TABLE_STEP_RE.test(cells[k])) stepCol = k;
    }
    if (stepCol < 0) return false;
    this.tblNamed = false;
    this.tblSpace = true;
    this.tblStepCol = stepCol;
    this.tblCols = cells;
    this.tblLine = lineNo;
    return true;
  }

  /** A row of the open table (see tableLine()): false if it is not one. */
  private tableRow(cells: string[], lineNo: number): boolean {
    const cols = this.tblCols!;
    if (this.tblNamed) {
      if (!TABLE_NAME_RE.test(cells[0])) return false;
      const vals: number[] = [];
      for (let k = 1; k < cells.length; k++) {
        const v = tableNumber(cells[k]);
        if (v === undefined) return false;
        vals.push(v);
      }
      const step = this.tblStep;
      for (let k = 0; k < cols.length; k++) {
        const name = cols[k] + ' ' + cells[0];
        const ser = this.seriesFor(name);
        if (!ser) continue;
        // (a table printed again at the same step replaces its values)
        if (ser.length > 0 && ser.lastStep() === step) overwriteLast(ser, vals[k], lineNo);
        else ser.push(step, vals[k], undefined, lineNo);
      }
      return true;
    }
    const vals: number[] = [];
    for (const c of cells) {
      const v = tableNumber(c);
      if (v === undefined) return false;
      vals.push(v);
    }
    const step = vals[this.tblStepCol];
    if (!Number.isFinite(step)) return false;
    let restarted = false;
    for (let k = 0; k < cols.length; k++) {
      if (k === this.tblStepCol) continue;
      const ser = this.seriesFor(cols[k]);
      if (!ser) continue;
      if (!restarted && ser.length > 0 && step < ser.lastStep()) {
        restarted = true;
        this.restart(cols[k], step, lineNo, ser.lastStep());
      }
      ser.push(step, vals[k], undefined, lineNo);
    }
    this.lastStep = step;
    this.ctxStep = step;
    this.headerLine = -1;
    this.records++;
    this.prevN = 0;
    return true;
  }

  /**
   * A line without values that names the phase that follows (`📊 Evaluation Results:` and then
   * `   Loss: 0.5301`): the records without a step of their own in the next PHASE_LINES lines are
   * that subset's, not the training loss's (`Training...` ends it).
   */
  private phase(s: string, a: number, b: number, lineNo: number): void {
    const m = PHASE_RE.exec(a === 0 && b === s.length ? s : s.slice(a, b));
    if (m === null) return;
    this.blockTag = subsetTagOf(m[1]);
    this.phaseLine = this.blockTag === null ? -1 : lineNo;
  }

  /**
   * A line without numbers that names an evaluation phase: a phase line (PHASE_RE), an
   * evaluation-mode line (EVAL_MODE_RE), or one that starts with a phase word (`testing in eval
   * mode……`, `Evaluating on the test set...`) and names no metric (not `Validation loss did
   * not improve`). Sets markLine and markTag (see record()).
   */
  private phaseMark(s: string, a: number, b: number, lineNo: number): void {
    let tag: string | null = null;
    if (this.phaseLine === lineNo) {
      tag = this.blockTag;
    } else {
      let i = a;
      while (i < b && !isAsciiAlnum(s.charCodeAt(i))) i++;
      const c = i < b ? s.charCodeAt(i) | 32 : 0;
      if (c !== 118 && c !== 101 && c !== 116 && c !== 100) return; // v e t d
      const m = PHASE_START_RE.exec(a === 0 && b === s.length ? s : s.slice(a, b));
      if (m === null) return;
      tag = subsetTagOf(m[1]);
    }
    if (tag === null) return;
    for (let i = a; i < b; i++) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) return;
    }
    this.markLine = lineNo;
    this.markTag = tag;
  }

  /**
   * An evaluation's AverageMeter line without a step of its own (`Test: [230/242]\tTime 0.657
   * (0.642)\tLoss 4.8849 (6.4318)`, many a pass): a test batch's value is noisy, and the pass's
   * value is the running mean at its last batch. So the evaluation's keys take the mean in
   * parentheses, one point per pass (each line of the pass replaces the last at its step). The
   * AverageMeter lines without a step after it (`cos_sim_loss  0.311 (0.311)`, printed in the
   * pass) are the evaluation's too (see meanLine). Returns true when the line is one.
   */
  private evalMean(keys: KeyInfo[], np: number, lineNo: number): boolean {
    const avgs = this.sc.avgs;
    for (let k = 0; k < np; k++) {
      if (avgs[k] !== avgs[k]) continue;
      const tag = subsetTagOf(keys[k].name);
      if (tag === null) continue;
      this.meanTag = tag;
      this.meanLine = lineNo;
      return true;
    }
    return false;
  }

  /**
   * A step line without metrics (`iteration: \t0`) that is the first finer counter of a log whose
   * records so far were placed by epoch alone (the blocks under `epoch: \t10`): a loop inside
   * the epoch (ProtoPNet's last-layer iterations), not the run's step axis. The blocks under it
   * stay in the epoch (see subLoopEnd()).
   */
  private subLoop(): boolean {
    if (this.subRaw === this.subRaw) return true;
    return this.fineStep !== this.fineStep && this.curEpoch === this.curEpoch && this.ctxStep === this.curEpoch && this.records > 1;
  }

  /** The loop inside an epoch ended: its points are placed in their epoch in its order, the
   * k-th of its counter's n values at epoch + (k + 1) / (n + 1). */
  private subLoopEnd(): void {
    if (this.subRaw !== this.subRaw) return;
    this.subRaw = NaN;
    const pts = this.subPts;
    if (pts.length === 0) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const k of this.subK) {
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    const e = this.curEpoch;
    for (let j = 0; j < pts.length; j++) pts[j].steps.set(this.subIdx[j], e + (this.subK[j] - lo + 1) / (hi - lo + 2));
    pts.length = 0;
    this.subIdx.length = 0;
    this.subK.length = 0;
  }

  /** The keys of a record of a named run (see runName): `SqueezeNet/train Loss`. */
  private runKeys(keys: KeyInfo[], np: number, name: string): KeyInfo[] {
    const out = keys.slice(0, np);
    for (let k = 0; k < np; k++) if (out[k].kind === KIND_METRIC) out[k] = this.table.variant(name + '/' + out[k].name, out[k]);
    return out;
  }

  /**
   * A line that read as no record: one `name: word` setting (`lr_scheduler_type: cosine`,
   * `data_seed: None`) opens a block of printed settings, one `name: value` line right after
   * it goes on with it (see settingLine()); a number in it is a setting, not a point.
   */
  private noteSetting(s: string, lineNo: number): void {
    if (s.length > 200) return;
    const kind = settingLine(s);
    if (kind === 2 || (kind === 1 && this.settingsLine >= 0 && lineNo - this.settingsLine <= 1)) this.settingsLine = lineNo;
  }

  /** Keys of a record with a finer counter than the epoch (see epochSummary()). */
  private noteFine(keys: KeyInfo[], np: number): void {
    // (a replayed line's keys are its template's array: noted once)
    const template = keys !== this.sc.scratchKeys;
    if (template && this.fineNoted.has(keys)) return;
    if (template) this.fineNoted.add(keys);
    for (let k = 0; k < np && this.fineKeys.size < MAX_FINE_KEYS; k++) this.fineKeys.add(keys[k].name);
  }

  /**
   * The keys of an epoch-level line in a log with a finer counter (`Epoch 1 | Time 1041 s | Train
   * Loss 0.6782`, after `Epoch 1 | Batch 900/972 | ... | Train Loss 0.6556`): one that per-batch
   * records have too is the epoch's summary (a mean over the epoch), a series of its own
   * (`Train Loss (epoch)`), not one more point of the batch values.
   */
  private epochSummary(keys: KeyInfo[], np: number): KeyInfo[] {
    // (per template key array, while no new per-batch key was seen: this runs on every
    // epoch-level line of such a log)
    const template = keys !== this.sc.scratchKeys;
    if (template) {
      const c = this.summaryOf.get(keys);
      if (c && c.size === this.fineKeys.size) return c.keys;
    }
    const out = this.summaryKeys(keys, np);
    if (template) this.summaryOf.set(keys, { size: this.fineKeys.size, keys: out });
    return out;
  }

  private summaryKeys(keys: KeyInfo[], np: number): KeyInfo[] {
    let out: KeyInfo[] | undefined;
    for (let k = 0; k < np; k++) {
      const info = keys[k];
      if (!this.fineKeys.has(info.name)) continue;
      out ??= keys.slice(0, np);
      out[k] = this.table.variant(info.name + ' (epoch)', info);
    }
    return out ?? keys;
  }

  /** A line without values that says the model is switched to evaluation (EVAL_MODE_RE). */
  private evalMode(s: string, a: number, b: number): boolean {
    const t = a === 0 && b === s.length ? s : s.slice(a, b);
    return EVAL_MODE_RE.test(t);
  }

  /** The keys of a line in a block opened by a subset header, prefixed with its subset. */
  private blockTagged(keys: KeyInfo[], np: number, tag: string): KeyInfo[] {
    let out: KeyInfo[] | undefined;
    for (let k = 0; k < np; k++) {
      const info = keys[k];
      if (info.subset) continue;
      out ??= keys.slice(0, np);
      out[k] = this.table.get(tag + ' ' + info.name);
    }
    return out ?? keys;
  }

  /**
   * fairseq `simple` end-of-epoch lines (`| INFO | valid | epoch 001 | ... | loss 9.189 | ...`)
   * print the keys without their subset: prefix them like the json format does (`valid_loss`),
   * so validation values do not land in the training `loss` series.
   */
  private fairseqTagged(s: string, keys: KeyInfo[], np: number): KeyInfo[] {
    let at = s.indexOf(' | INFO | ');
    if (at < 0) return keys;
    at += 10;
    const end = s.indexOf(' | ', at);
    if (end < 0 || end - at > 40) return keys;
    const tag = s.slice(at, end);
    if (tag === 'train_inner' || tag.length === 0 || !/^[A-Za-z][\w-]*$/.test(tag)) return keys;
    const out = new Array<KeyInfo>(np);
    const scanned = tag + ' '; // the scanner tags keys after a `| valid |` section head itself
    for (let k = 0; k < np; k++) {
      const name = keys[k].name;
      out[k] = this.table.get(tag + '_' + (name.startsWith(scanned) ? name.slice(scanned.length) : name));
    }
    return out;
  }

  private reportTruncated(lineNo: number): void {
    // Once per line (a cut line with \r redraws arrives as many segments).
    if (lineNo === this.truncatedLine || this.truncatedEvents >= MAX_TRUNCATED_EVENTS) return;
    this.truncatedLine = lineNo;
    this.truncatedEvents++;
    this.run.events.push({
      type: 'truncated',
      message: `line ${lineNo} is longer than the line limit; only its start was read`,
      line: lineNo,
    });
  }
}

/** `aeroplane --> mAP : 0.578`: a label (a class, a head), an arrow, then `key: value`. */
const LABEL_ARROW_RE = /^(\s*[A-Za-z_][A-Za-z_ ]{0,40}?)\s*(?:-->|->|=>)\s*(?=[A-Za-z_][\w@./-]*\s*[:=]\s*[-+.\d])/;

/**
 * A line that opens with a label and an arrow before its `key: value` (VOC evaluation's
 * per-class `aeroplane --> mAP : 0.578` before the overall `mAP:0.535`): the label is part of
 * the key (`aeroplane mAP`, as `AP for aeroplane = 0.70` is), so the per-class values do not
 * join the overall series. (An arrow between two values, a change report, is not this.)
 */
function labelArrow(s: string): string {
  const m = LABEL_ARROW_RE.exec(s);
  return m === null ? s : m[1] + ' ' + s.slice(m[0].length);
}

/** ` for this epoch` before a `:` / `=` (`Learning Rate for this epoch: 1e-05`). */
const PER_UNIT_RE = /\s+(?:for|of|in)\s+(?:this|the|the current|current|each|every)\s+(?:epoch|step|iteration|iter|batch|round)(?=\s*[:=]\s*[-+.\d])/i;

/**
 * `Learning Rate for this epoch: 1e-05`, `loss of the current step: 2.1`: the words after the
 * metric name say which step the value is of; the key is the name before them (`Learning
 * Rate`), not `epoch` (a step key).
 */
function perUnitKey(s: string): string {
  const m = PER_UNIT_RE.exec(s);
  return m === null ? s : s.slice(0, m.index) + s.slice(m.index + m[0].length);
}

/** A table's cell separators: `|`, and the vertical bars of box drawing (`│ ┃ ║`). */
const TABLE_CHAR_RE = /[|│┃║]/;
/** A rule line of a table: only dashes, `=`, `+`, `:`, `|` and box-drawing characters. */
const TABLE_RULE_RE = /^\s*[-=+:|\u2500-\u257f]{3,}\s*$/;
/** A header cell or a row's name: words, not a number (`Train Loss`, `F1 Score`, `mAP@0.5`). */
const TABLE_NAME_RE = /^[A-Za-z_][\w .@%()/-]{0,47}$/;
/** A header cell of a blank-separated table: one word, a name with a letter (`train_loss`, `val/acc`). */
const SPACE_TABLE_NAME_RE = /^[A-Za-z_][\w.@%/-]{0,47}$/;
/** A step column's name. */
const TABLE_STEP_RE = /^(?:epoch|epochs|step|steps|global[ _]step|iter|iters|iteration|iterations)$/i;

/** The cells of a table line (blank edges dropped), or null when it has fewer than 2. */
function tableCells(s: string): string[] | null {
  const cells = s.split(/[|│┃║]/).map(c => c.trim());
  if (cells.length > 0 && cells[0] === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
  return cells.length >= 2 ? cells : null;
}

/** A table cell's number (`0.1788`, `1e-5`, `93.1%` as written, `nan`), or undefined. */
function tableNumber(c: string): number | undefined {
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$|^[-+]?(?:nan|inf)$/i.test(c)) return undefined;
  const t = c.endsWith('%') ? c.slice(0, -1) : c;
  const l = t.toLowerCase();
  return l.endsWith('nan') ? NaN : l.endsWith('inf') ? (l.startsWith('-') ? -Infinity : Infinity) : Number(t);
}

/** Columns 3 to 15 of a YOLOv5 / v7 results.txt row ('' = not a series: label count, image size). */
const YOLO_COLUMNS = [
  'train/box_loss', 'train/obj_loss', 'train/cls_loss', 'train/total_loss', '', '',
  'metrics/precision', 'metrics/recall', 'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95',
  'val/box_loss', 'val/obj_loss', 'val/cls_loss',
];

/** Overwrite the last point of a series (a progress redraw replacing the previous state). */
function overwriteLast(ser: Series, v: number, lineNo: number): void {
  const i = ser.length - 1;
  const old = ser.values.get(i);
  if (!Number.isFinite(old)) ser.nonFinite--;
  if (!Number.isFinite(v)) ser.nonFinite++;
  ser.values.set(i, v);
  ser.lines?.set(i, lineNo);
}

/** ASCII letters in a key's name (`Eval epoch`: 9). */
function letterCount(name: string): number {
  let n = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) n++;
  }
  return n;
}

/** `Epoch 3/10`, `=== Epoch 3 ===`, `Epoch [3/10]`, `Eval epoch: 3`: no letters but the step key's. */
function isBareHeader(s: string, a: number, b: number, keyLetters: number): boolean {
  let letters = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) {
      if (++letters > keyLetters) return false;
    }
  }
  return letters === keyLetters;
}

/** The last word before a bracket that names a configuration (`args: {`, `Config = {`). */
const CONFIG_LABEL_RE = /(?:^|[^A-Za-z0-9_])(?:args|arguments|config|configs|cfg|hparams|hyper[-_ ]?param(?:eter)?s|opts?|options|params|parameters|settings|flags)\s*[:=]?\s*$/i;
/** A configuration label, then `name=value` pairs: a line of settings (see line()). */
const CONFIG_LINE_RE = /(?:^|[^A-Za-z0-9_])(?:args|arguments|config|configs|configuration|cfg|hparams|hyper[-_ ]?param(?:eter)?s|options|params|parameters|settings)\s*:\s*[A-Za-z_][\w.]*\s*=/i;
/** A Python repr of a configuration object: `Namespace(`, `TrainingArguments(`, `ModelConfig(`. */
const CONFIG_CALL_RE = /(?:Namespace|Arguments|Args|Config|Options|Params|Parameters|Settings|HParams|Hparams)$/;

/**
 * A line of settings, not metrics: an MMCV / MMEngine weight-init report
 * (`ConstantInit: val=0, bias=0`, `KaimingInit: a=0, mode=fan_out, ..., bias=0`, `XavierInit:`,
 * `NormalInit: mean=0, std=0.01`) or an `init_cfg` line.
 */
const INIT_LINE_RE = /^\s*[A-Z][A-Za-z]*Init\s*:|\binit_cfg\b/;

/**
 * A one-line dump of the run's configuration, not metrics: argparse's `Namespace(lr=20,
 * epochs=10, ...)` (with or without a label before it), a `...Arguments(` / `...Config(` repr,
 * or a dict after a configuration label (`args: {'lr': 0.1, ...}`, `Config = {...}`). Its
 * numbers are settings (an `lr=20` there is not a learning-rate point); so is an MMCV config
 * line `optimizer = dict(type='Adam', lr=0.001)`. `lastChar` is the line's
 * last non-blank character, `)` or `}`.
 */
function configDump(s: string, first: number, lastChar: number): boolean {
  if (lastChar === 41) {
    const p = s.indexOf('(', first);
    if (p <= first) return false;
    let q = p;
    while (q > first && /[A-Za-z0-9_]/.test(s[q - 1])) q--;
    // (`optimizer = dict(type='Adam', lr=0.001)`: a line of an MMCV / MMEngine config dump)
    if (q === p || !(CONFIG_CALL_RE.test(s.slice(q, p)) || (s.slice(q, p) === 'dict' && /^\s*[A-Za-z_][\w.]*\s*=\s*$/.test(s.slice(first, q))))) return false;
    // its content opens with `name=`
    return /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(s.slice(p + 1, p + 80));
  }
  const b = s.indexOf('{', first);
  if (b <= first) return false;
  return CONFIG_LABEL_RE.test(s.slice(first, b));
}


function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}
