/**
 * What a key read from a text log is: a metric, a step counter, or something never plotted.
 *
 * Keys are classified once and cached (`KeyTable`), so the per-line cost of a key is one Map
 * lookup. The table is bounded: a garbage file with millions of distinct "keys" resets it
 * instead of growing without limit (classification is pure, so nothing is lost but time).
 */
import { inferRole, LOSS_ROLES, type Role, type Series } from '../../model';

export const KIND_METRIC = 0;
export const KIND_STEP = 1;
export const KIND_DROP = 2;

export interface KeyInfo {
  /** The key exactly as written (the series name). */
  readonly name: string;
  readonly kind: number;
  /** For step keys: lower is preferred (step < num_updates < iter < epoch < update). */
  readonly stepRank: number;
  /** A step key only with a `count/total` value (`Batch: 920/1330`; a bare `batch 32` may be a
   * batch size): without one its value is neither a step nor a point. */
  readonly needsFrac: boolean;
  /** The name says nothing that makes its values durations rather than what its role says. */
  readonly roleByName: boolean;
  /** Its name says it is a loss (train, validation or one part). */
  readonly lossRole: boolean;
  /** Its name says it counts a subset's data (`Training num`, `Train Dataset size`). */
  readonly count: boolean;
  /** Its name says no role at all (`Pix`, `Per`, `IoU`). */
  readonly noRole: boolean;
  /** The key looks like a training metric (lets a line without a step key count as a record). */
  readonly metricish: boolean;
  /** nanoGPT's `mfu`: the value -100 is a sentinel, not data. */
  readonly isMfu: boolean;
  /** The (last) word is an English function word: not a key in `word value` prose. */
  readonly stopLast: boolean;
  /** The name says which data subset it is about (`train`, `val`, `test`, ...). */
  readonly subset: boolean;
  /** The role its series takes when its name alone would say another (a key named after its
   * run, `LSTM_e1/Loss`, is the loss its last part names); undefined: by its name. */
  role: Role | undefined;
  /** The series, once a point was kept for this key. */
  series: Series | undefined;
  /** Id of the record that last wrote a point for this key (for "last redraw wins"). */
  lastRec: number;
  /** Scan stamp, to keep only the first value of a key repeated on one line. */
  stamp: number;
  /** Group of records without a step that last had this key (see TextParser.groupStep). */
  grp: number;
}

/** Batch counters: steps when written as `count/total` (see KeyInfo.needsFrac). */
const BATCH_WORDS = new Set(['batch', 'batches', 'minibatch', 'mini-batch']);

const STEP_WORDS: Record<string, number> = {
  step: 0,
  global_step: 0,
  globalstep: 0,
  num_updates: 1,
  iter: 2,
  iteration: 2,
  // `i: 0, train_loss: 1.386`: a bare `i` (or `itr`) is a loop counter, never a metric.
  i: 2,
  itr: 2,
  iters: 2,
  // `epoch: 0, batch_id: 500, AUC: ..., loss: 0.185` (PaddleRec): a batch's index is a counter
  batch_id: 2,
  batch_idx: 2,
  batch_index: 2,
  batchid: 2,
  batchidx: 2,
  epoch: 3,
};

/** A step counter's word that a phase word may precede (`Finetune Epoch 1 | ...`). */
export function isPhaseStepWord(w: string): boolean {
  const l = w.toLowerCase();
  return l === 'epoch' || l === 'step' || l === 'iter' || l === 'iteration';
}

/** Words that make a key look like a training metric (so a line without a step counts). */
const METRIC_RE = new RegExp(
  [
    // (`cross ent`: ProtoPNet's cross-entropy)
    'loss|ppl|perplex|rouge|bleu|reward|score|dice|xent|cross[ _-]?ent',
    '(?:^|[^a-z])(?:' +
      [
        'acc(?:uracy)?(?![a-z])', 'lr(?![a-z])', 'learning[_ ]?rate', 'g?norm', 'grad_norm', 'f1',
        'precision', 'recall', 'm?ap(?:50|75|s|m|l)?(?![a-z])', 'auc', 'wer', 'cer', 'err(?:or)?',
        'mse', 'mae', 'rmse', 'kl', 'entropy', 'm?iou', 'top-?[15]', 'nll', 'bpc', 'bpb', 'mfu',
        'psnr', 'ssim', 'fid', 'hella(?:swag)?', 'val', 'valid', 'validation', 'train',
        'training', 'eval', 'test', 'metrics?', 'ndcg', 'mrr',
      ].join('|') +
      ')(?![a-z])',
    '损失|准确率|精度|学习率|验证|训练|测试',
  ].join('|'),
  'i',
);

/** Keys whose numbers are ids or settings, never curves (`device='cuda:0'`, `rank: 0`). */
const NOT_VALUES = new Set([
  'cuda', 'cpu', 'gpu', 'device', 'rank', 'local_rank', 'global_rank', 'world_size', 'pid',
  'port', 'line', 'seed', 'version', 'grad_fn', 'dtype', 'node', 'worker',
]);

const BEST_RE = /^(?:best|lowest|highest)(?:[ _./-]|[a-z]*(?:loss|acc|val|score))/;
/** Names that say their data subset (camelCase split first: `ValLoss`). */
const SUBSET_RE = /(?:^|[^a-z])(?:train|training|trn|val|valid|validation|eval|evaluation|test|tst|dev|holdout)(?:[^a-z]|$)/i;

/** A count of a subset's data: `Training num`, `Validation num`, `Train Dataset size`, `test examples`. */
const SUBSET_COUNT_RE = /^(?:train|training|val|valid|validation|eval|test|testing|dev)[ _](?:(?:data ?set|loader|set|split)[ _])?(?:num|count|size|number|samples|examples|images|len|length)$/i;

const SOURCE_FILE_RE = /\.(?:py|pyc|pyx|cc|cpp|cu|c|h|hpp|js|ts|java|go|rs|rb|sh)$/i;

function classify(name: string): { kind: number; stepRank: number } {
  const l = name.toLowerCase();
  const sp = l.lastIndexOf(' ');
  const last = sp >= 0 ? l.slice(sp + 1) : l;
  const r = STEP_WORDS[last];
  if (r !== undefined) return { kind: KIND_STEP, stepRank: r };
  if (l.endsWith('_num_updates')) return { kind: KIND_STEP, stepRank: 1 };
  if (l === 'update') return { kind: KIND_STEP, stepRank: 4 };
  if (BATCH_WORDS.has(last)) return { kind: KIND_STEP, stepRank: 2 };
  // 第 3 轮 / 第 3 步: the ordinal of a round.
  if (l === '第') return { kind: KIND_STEP, stepRank: 3 };
  // `Best ValLoss: 0.41`, `best_acc 0.93`: a summary of the run so far, not a curve.
  if (BEST_RE.test(l)) return { kind: KIND_DROP, stepRank: 0 };
  if (
    l === 'eta' ||
    l === 'v_num' ||
    NOT_VALUES.has(l) ||
    l === 'total_flos' ||
    l === 'runtime' ||
    l.endsWith('_runtime') ||
    l.endsWith('samples_per_second') ||
    l.endsWith('steps_per_second') ||
    // `grad_norm_clip: 1.0` in a config dump: a clipping threshold is a setting, never a curve.
    l.endsWith('_clip') ||
    SOURCE_FILE_RE.test(l)
  ) {
    return { kind: KIND_DROP, stepRank: 0 };
  }
  return { kind: KIND_METRIC, stepRank: 0 };
}

/** Most distinct keys kept before the cache is reset (garbage input). */
export const MAX_KEYS = 20_000;

const STOP_WORDS = new Set([
  'a', 'an', 'the', 'on', 'in', 'at', 'of', 'to', 'for', 'from', 'by', 'with', 'is', 'was',
  'are', 'were', 'be', 'been', 'and', 'or', 'as', 'than', 'per', 'after', 'before', 'over',
  'under', 'into', 'every', 'each', 'about', 'has', 'have', 'had', 'all', 'only', 'last',
  'first', 'next', 'now', 'got', 'took', 'use', 'using', 'used', 'found', 'up', 'if', 'it',
  'its', 'then', 'since', 'until', 'below', 'above', 'within', 'during',
]);

/**
 * Keys by name. `lookup` finds the key written at s[a, b) without making a string (a hash of
 * the characters, then a character compare), which keeps the per-pair cost of a line low.
 */
export class KeyTable {
  private slots: Array<KeyInfo | undefined> = new Array<KeyInfo | undefined>(256);
  private hashes = new Int32Array(256);
  private mask = 255;
  size = 0;

  /** The key written at s[a, b). */
  lookup(s: string, a: number, b: number): KeyInfo {
    let h = 0x811c9dc5 | 0;
    for (let i = a; i < b; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h |= 1; // never 0: 0 marks an empty slot
    const len = b - a;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const e = this.slots[i];
      if (e === undefined) break;
      if (this.hashes[i] === h && e.name.length === len && sameChars(e.name, s, a)) return e;
      i = (i + 1) & mask;
    }
    return this.insert(s.slice(a, b), h);
  }

  /**
   * The key of a value written with a time unit (`train 2.2s`, `eval 41ms`): a duration, never
   * the loss or the learning rate its bare name would say. Named with its unit (`train [s]`).
   */
  duration(info: KeyInfo, unit: string): KeyInfo {
    return info.roleByName ? this.get(`${info.name} [${unit}]`) : info;
  }

  /**
   * The key of `info` in another series of the same kind: `LSTM_e1/Loss` (a run's name before
   * the step: `LSTM_e1 Epoch 1: Loss = 4.18`), `Train Loss (epoch)` (an epoch's summary beside
   * the per-batch values). Its series takes the role of info's.
   */
  variant(name: string, info: KeyInfo): KeyInfo {
    const k = this.get(name);
    if (k.role === undefined && k.kind === KIND_METRIC) k.role = info.role ?? inferRole(info.name);
    return k;
  }

  /** The key, its series a part of the loss (`Loss: 0.23 (Pix: 0.13 Per: 0.09)`). */
  part(info: KeyInfo): KeyInfo {
    info.role ??= 'loss_part';
    return info;
  }

  /** The key with this name. */
  get(name: string): KeyInfo {
    return this.lookup(name, 0, name.length);
  }

  private insert(name: string, h: number): KeyInfo {
    if (this.size >= MAX_KEYS) this.clear();
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const k = makeKey(name);
    let i = h & this.mask;
    while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
    this.slots[i] = k;
    this.hashes[i] = h;
    this.size++;
    return k;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    const cap = (this.mask + 1) * 2;
    this.slots = new Array<KeyInfo | undefined>(cap);
    this.hashes = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const e = oldSlots[j];
      if (e === undefined) continue;
      let i = oldHashes[j] & this.mask;
      while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
      this.slots[i] = e;
      this.hashes[i] = oldHashes[j];
    }
  }

  private clear(): void {
    this.slots = new Array<KeyInfo | undefined>(256);
    this.hashes = new Int32Array(256);
    this.mask = 255;
    this.size = 0;
  }
}

function sameChars(name: string, s: string, a: number): boolean {
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) !== s.charCodeAt(a + i)) return false;
  }
  return true;
}

function makeKey(name: string): KeyInfo {
  const c = classify(name);
  const sp = name.lastIndexOf(' ');
  const role = inferRole(name);
  return {
    name,
    kind: c.kind,
    stepRank: c.stepRank,
    needsFrac: c.kind === KIND_STEP && BATCH_WORDS.has(name.toLowerCase().slice(sp + 1)),
    roleByName: role !== 'other',
    lossRole: LOSS_ROLES.has(role),
    noRole: role === 'other',
    count: c.kind === KIND_METRIC && SUBSET_COUNT_RE.test(name),
    metricish: c.kind === KIND_METRIC && METRIC_RE.test(name),
    isMfu: name === 'mfu',
    stopLast: STOP_WORDS.has(sp >= 0 ? name.slice(sp + 1) : name),
    subset: SUBSET_RE.test(name.replace(/([a-z])([A-Z])/g, '$1_$2')),
    role: undefined,
    series: undefined,
    lastRec: -1,
    stamp: -1,
    grp: -1,
  };
}
