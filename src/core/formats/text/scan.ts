/**
 * One-pass scanners for a line of training stdout: free-form `key value` / `key: value` /
 * `key=value` text, and flat Python/JSON dict reprs (`{'loss': 1.14, 'epoch': 0.91}`,
 * fairseq's `{"loss": "16.464", ...}`).
 *
 * Everything is charCode based: no regex, no split, no per-character allocation; keys are
 * found in the KeyTable by a hash of their characters, without making a string. Work is linear
 * in the line length with a bounded constant (a key look-back reads at most 3 words; at most
 * MAX_LOOKS keys per line), so a 1 Mi character line costs milliseconds.
 *
 * Templates: a scanned line that yielded a record is remembered as its literal text around its
 * number tokens plus what each token meant. A later line with the same literals is replayed:
 * the literals are compared (native `startsWith`), the numbers parsed with the same code, and
 * the value-dependent decisions (a NaN step, a batch counter's range, an integer-only leading
 * step, a refused `12:21:56`) re-run exactly; everything that depends on the text only (which
 * key a value has, which keys are dropped or repeated) is taken from the template. A line is
 * only remembered when its keys were read from text between tokens (never from a neighbouring
 * value), so a replay gives the same result as a full scan; the tests check both agree.
 *
 * Replays on bytes: when the line's chunk is ASCII (one byte per character), replayBytes()
 * finds the same match on the raw bytes, comparing literals four bytes at a time; the line
 * splitter then need not even look for the line's end or decode it (see FastLine in lines.ts).
 */
import { POW10 } from '../fastfloat';
import { isPhaseStepWord, KIND_DROP, KIND_METRIC, KIND_STEP, type KeyInfo, type KeyTable } from './keys';

// Character classes of ASCII (beyond ASCII, letters are part of keys: see uniLetter).
const DIGIT = 1;
const ALPHA = 2; // A-Z a-z
const ALNUM_ = 4; // A-Z a-z 0-9 _  (the body of a word)
const KEY = 8; // chars a key may contain: A-Z a-z 0-9 _ - / . @
const LEFT_BLOCK = 16; // a number may not start right after one of these: word chars . @ /
const END = 32; // a number may end right before one of these
const STOP = 64; // a rejected token is skipped up to one of these
const NUMSTART = 128; // 0-9 - + .

const CC = new Uint8Array(128);
(() => {
  for (let c = 48; c <= 57; c++) CC[c] |= DIGIT | ALNUM_ | KEY | LEFT_BLOCK | NUMSTART;
  for (let c = 65; c <= 90; c++) CC[c] |= ALPHA | ALNUM_ | KEY | LEFT_BLOCK;
  for (let c = 97; c <= 122; c++) CC[c] |= ALPHA | ALNUM_ | KEY | LEFT_BLOCK;
  CC[95] |= ALNUM_ | KEY | LEFT_BLOCK; // _
  for (const ch of '-/.@') CC[ch.charCodeAt(0)] |= KEY;
  for (const ch of '.@/') CC[ch.charCodeAt(0)] |= LEFT_BLOCK;
  for (const ch of '-+.') CC[ch.charCodeAt(0)] |= NUMSTART;
  for (const ch of ' \t,;|)]}\'"<>') CC[ch.charCodeAt(0)] |= END;
  for (const ch of ' \t,;|()[]{}=\'"') CC[ch.charCodeAt(0)] |= STOP;
  for (let c = 0; c < 32; c++) CC[c] |= END | STOP;
})();


const MAX_PAIRS = 1024;
/** Most keyed values looked at on one line (real lines have tens; a 1 MB garbage line, many). */
const MAX_LOOKS = 4096;
/** Most number tokens a line may have for it to become a template. */
const MAX_SLOTS = 64;
/** Templates kept (most recently used first). */
const MAX_TEMPLATES = 8;

// How a token's key was resolved.
const R_IGNORE = 0;
const R_FIRST = 1; // the line's first token: a Keras counter or a leading step
const R_KEYLESS = 2; // no key: maybe an `[i/n]` batch counter
const R_KEY = 3;
const R_DICT = 4; // a dict value
const R_REJECT = 5; // starts like a number but is none: a date, a time, a version
const R_HEADFRAC = 6; // no key, the line's head in brackets: `[100/200000] Train loss: ...`
const R_AVG = 7; // `(6.4318)` right after a pair's value: its running mean (AverageMeter)

/**
 * A line seen before, as literal text around its number tokens, with what each token meant.
 * A line whose text outside the numbers is identical is read by checking the literals and
 * parsing the numbers only: the same result as a full scan, at a fraction of the cost.
 */
interface Template {
  /** Literal text before each token and after the last one. */
  lits: string[];
  /** For replays on bytes (see replayBytes and hasBytes): 1 the fields below are set, -1 not
   * done on bytes (a literal beyond ASCII, a token whose end is checked again), 0 not yet.
   * lb: the literals as bytes, one after the other (literal j is lb[lo[j], lo[j + 1])); lw:
   * the little-endian 32-bit word at each offset of lb. */
  bytes: number;
  lo: Int32Array;
  lb: Uint8Array;
  lw: Int32Array;
  /** Per token: 0: its unit (`ms`, `%`) is folded into the next literal; 1: its end must be
   * checked again (a `/total` fraction, a `,` that could be a thousands separator); 2: a
   * refused number-like token (`12:21:56`) that must be refused again. */
  right: Uint8Array;
  /** Per token: it was a `count/total` fraction. */
  fracs: Uint8Array;
  /** Length of the unit folded into the next literal (to find the token's end). */
  tails: Int32Array;
  codes: Uint8Array;
  infos: Array<KeyInfo | undefined>;
  brs: Uint8Array;
  /** Per token: what replaying it does. P_APPLY: the full logic (steps, counters: their use
   * depends on the value); P_SKIP: nothing (a dropped or repeated key); >= 0: the value is
   * metric pair number `play[j]` (which pairs a line yields does not depend on values). */
  play: Int16Array;
  pairKeys: KeyInfo[];
  metricish: boolean;
  /** The line is a redraw of an evaluation's progress bar (see LineScanner.evalBar). */
  evalBar: boolean;
  dict: boolean;
  hits: number;
  /** First character of the line (-1: the line starts with a number). */
  c0: number;
  /** Clock of the last use (the least recently used template is replaced). */
  used: number;
  /** Still in the list (a `next` link may outlive a replaced template). */
  live: boolean;
  /** The template of the line that followed this one's line last time. */
  next: Template | undefined;
}

const P_APPLY = -1;
const P_SKIP = -2;
/** P_AVG - k: the running mean in parentheses after pair k's value (see LineScanner.avgs). */
const P_AVG = -3;

const NO_I32 = new Int32Array(0);
const NO_U8 = new Uint8Array(0);

/** replayBytes(): no template matches the line. */
export const NO_MATCH = -1;
/** replayBytes(): replay() must decide. */
export const UNSURE = -2;

/** Units that may follow a number directly (`123.45ms`, `2610M`, `nanms`, `4.5it/s`). */
const LONG_UNITS = new Set(['min', 'sec', 'MiB', 'GiB', 'KiB', 'it/s', 's/it', 'ms/it', 'tok/s']);

/** Letters beyond ASCII (`Époque`, `损失`), classified once per code unit: 1 letter, 2 not. */
const UNI = new Uint8Array(65536);
const LETTER_RE = /\p{L}|\p{M}/u;

function uniLetter(c: number): boolean {
  let k = UNI[c];
  if (k === 0) {
    k = c >= 0xd800 && c <= 0xdfff ? 1 : LETTER_RE.test(String.fromCharCode(c)) ? 1 : 2;
    UNI[c] = k;
  }
  return k === 1;
}

/** The character at i, or -1 at or past n. */
function at(s: string, i: number, n: number): number {
  return i < n ? s.charCodeAt(i) : -1;
}

/** Bytes u[e, e + (qe - q)) are the literal bytes lb[q, qe) (lw: lb's words, see Template). */
function litEq(
  dv: DataView,
  u: Uint8Array,
  e: number,
  lw: Int32Array,
  lb: Uint8Array,
  q: number,
  qe: number,
): boolean {
  if (qe - q >= 4) {
    // Four bytes at a time; the last word may overlap the one before.
    const last = qe - 4;
    while (q < last) {
      if (dv.getInt32(e, true) !== lw[q]) return false;
      q += 4;
      e += 4;
    }
    return dv.getInt32(e - (q - last), true) === lw[last];
  }
  while (q < qe) {
    if (u[e] !== lb[q]) return false;
    q++;
    e++;
  }
  return true;
}

/**
 * The template is replayed on bytes. Its byte form is made once it has matched a line (on
 * text): a log whose lines are all different does not pay for it.
 */
function hasBytes(tp: Template): boolean {
  return tp.bytes > 0 || (tp.bytes === 0 && tp.hits > 0 && makeBytes(tp));
}

function makeBytes(tp: Template): boolean {
  tp.bytes = -1;
  const right = tp.right;
  for (let j = 0; j < right.length; j++) if (right[j] !== 0) return false;
  const lits = tp.lits;
  const lo = new Int32Array(lits.length + 1);
  for (let j = 0; j < lits.length; j++) lo[j + 1] = lo[j] + lits[j].length;
  const lb = new Uint8Array(lo[lits.length]);
  for (let j = 0, q = 0; j < lits.length; j++) {
    const lit = lits[j];
    for (let i = 0; i < lit.length; i++) {
      const c = lit.charCodeAt(i);
      if (c >= 128) return false;
      lb[q++] = c;
    }
  }
  const lw = new Int32Array(lb.length);
  for (let q = 0; q + 4 <= lb.length; q++) {
    lw[q] = lb[q] | (lb[q + 1] << 8) | (lb[q + 2] << 16) | (lb[q + 3] << 24);
  }
  tp.lo = lo;
  tp.lb = lb;
  tp.lw = lw;
  tp.bytes = 1;
  return true;
}

/**
 * Words naming a data subset, lower case, and the tag their keys get: '=' the word as written,
 * '' none (a training section ends a tag).
 */
export const SUBSET_TAGS = new Map<string, string>([
  ['val', '='], ['valid', '='], ['validation', '='], ['validating', 'validation'],
  ['eval', '='], ['evaluation', '='], ['evaluating', 'eval'], ['test', '='], ['testing', 'test'],
  ['dev', '='], ['train', ''], ['training', ''],
]);
/** The subset tag a key's first word gives (`Eval epoch` -> `Eval`), or null (none, or train). */
export function subsetTagOf(name: string): string | null {
  const sp = name.indexOf(' ');
  const w = sp < 0 ? name : name.slice(0, sp);
  const tag = SUBSET_TAGS.get(w.toLowerCase());
  return tag === undefined || tag === '' ? null : tag === '=' ? w : tag;
}

/** First letters of those words (a cheap test before the look-up). */
const SUBSET_FIRST = new Uint8Array(128);
for (const w of SUBSET_TAGS.keys()) {
  SUBSET_FIRST[w.charCodeAt(0)] = 1;
  SUBSET_FIRST[w.toUpperCase().charCodeAt(0)] = 1;
}

/** s[a, b) is a unit of time (`s`, `ms`, `us`, `ns`, `sec`, `min`, `h`) that ended a number. */
function isTimeUnit(s: string, a: number, b: number): boolean {
  const c = s.charCodeAt(a);
  switch (b - a) {
    case 1:
      return c === 115 || c === 104; // s h
    case 2:
      return s.charCodeAt(a + 1) === 115 && (c === 109 || c === 117 || c === 110); // ms us ns
    case 3:
      return s.startsWith('sec', a) || s.startsWith('min', a);
    default:
      return false;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const ORDINAL_TAILS = new Set(['st', 'nd', 'rd', 'th']);

/**
 * s[j, j + 2) is an English ordinal suffix of the integer v (`1st`, `2nd`, `3rd`, `11th`,
 * `1000th`). Any of the four after any integer: logs write `21th`, `22th`, `1th` as often as the
 * right one, and a misread there is a step that goes back (`current step: 21th step`).
 */
function ordinalOk(_v: number, s: string, j: number): boolean {
  return ORDINAL_TAILS.has(s.slice(j, j + 2));
}

/** At j: `16/5011]` (blanks allowed around the `/`), a batch counter in brackets. */
function bracketFracAt(s: string, j: number, n: number): boolean {
  let k = j;
  while (k < n && s.charCodeAt(k) === 32) k++;
  const d0 = k;
  while (k < n && isDigit(s.charCodeAt(k))) k++;
  if (k === d0) return false;
  while (k < n && s.charCodeAt(k) === 32) k++;
  if (k >= n || s.charCodeAt(k) !== 47) return false;
  k++;
  while (k < n && s.charCodeAt(k) === 32) k++;
  const d1 = k;
  while (k < n && isDigit(s.charCodeAt(k))) k++;
  return k > d1 && k < n && s.charCodeAt(k) === 93;
}

/** s[j] is a `,` followed by exactly three digits (`,000` then no digit). */
function thousandsGroup(s: string, j: number, n: number): boolean {
  return (
    j + 3 < n &&
    isDigit(s.charCodeAt(j + 1)) &&
    isDigit(s.charCodeAt(j + 2)) &&
    isDigit(s.charCodeAt(j + 3)) &&
    (j + 4 >= n || !isDigit(s.charCodeAt(j + 4)))
  );
}

/**
 * At i: blanks, then a logging level in capitals (`INFO`, `WARNING`, `DEBUG`, `ERROR`,
 * `CRITICAL`) and a blank or ` - ` / `:` / `]`: the number before was a source line number.
 */
function loggerLevelAt(s: string, i: number, n: number): boolean {
  const c = i < n ? s.charCodeAt(i) : 0;
  if (c !== 9 && c !== 32) return false;
  let j = i + 1;
  while (j < n && (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9)) j++;
  const d = j < n ? s.charCodeAt(j) : 0;
  // I W D E C
  if (d !== 73 && d !== 87 && d !== 68 && d !== 69 && d !== 67) return false;
  let k = j;
  while (k < n && s.charCodeAt(k) >= 65 && s.charCodeAt(k) <= 90) k++;
  const w = s.slice(j, k);
  if (w !== 'INFO' && w !== 'WARNING' && w !== 'WARN' && w !== 'DEBUG' && w !== 'ERROR' && w !== 'CRITICAL') return false;
  const e = k < n ? s.charCodeAt(k) : 32;
  return e === 32 || e === 9 || e === 58 || e === 93 || e === 45;
}

/** Words that may precede a metric name in a space-separated pair (`train loss 1.23`). */
function isQualifier(s: string, a: number, b: number): boolean {
  const w = s.slice(a, b).toLowerCase();
  switch (w) {
    case 'train':
    case 'training':
    case 'val':
    case 'valid':
    case 'validation':
    case 'eval':
    case 'test':
    case 'dev':
    case 'avg':
    case 'average':
    case 'mean':
    case 'total':
    case 'best':
    case 'running':
    case 'smoothed':
    case 'ema':
    case 'global':
    case 'max':
    case 'min':
      return true;
    default:
      return false;
  }
}

/** `tensor(`, `array(`, `np.float64(`: reprs that wrap a number. */
function isWrapper(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n < 5 || n > 12) return false;
  const w = s.slice(a, b);
  return (
    w === 'tensor' || w === 'array' || w === 'float' || w === 'np.float64' || w === 'np.float32' ||
    w === 'np.float16' || w === 'numpy.float64' || w === 'Decimal'
  );
}

const RUN_STEP_RE = /^ +(?:epoch|step|iter|iteration)(?:[ :=[]|$)/i;

/**
 * s[a, b), the line's first word, names a run (`LSTM_e1`, `Transformer_L6_e10`, `ResNet50`) and
 * the run's step follows (`LSTM_e1 Epoch 3: Loss = 3.65`): an identifier (a digit, an `_` or a
 * capital inside it), not a word of prose, a data subset or a log level (`Starting epoch 3`,
 * `Train Epoch 3`, `INFO epoch 3`).
 */
function runLabel(s: string, a: number, b: number, n: number): boolean {
  if (!RUN_STEP_RE.test(s.slice(b, b + 12))) return false;
  let id = false;
  for (let i = a + 1; i < b && !id; i++) {
    const c = s.charCodeAt(i);
    id = c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  }
  if (!id || isLogLevel(s, a, b)) return false;
  const w = s.slice(a, b).toLowerCase();
  return !SUBSET_TAGS.has(w) && !RUN_NOT_LABEL.has(w) && b < n;
}

/** Keys whose value names the run a line belongs to (`Run: <name> |`, `model=<name>,`). */
const RUN_KEYS = new Set(['run', 'model', 'experiment', 'exp', 'trial', 'job']);

/**
 * s[a, b) is a run key followed by `:` or `=` and a name (letters in it, not a number) that ends
 * at ` |`, `,`, `;` or a tab before the line's step (`| Epoch: 1`): the end of the name, else -1.
 */
function runField(s: string, a: number, b: number, n: number): number {
  // (r, m, e, t, j first: no string is made for the other keys of the line)
  const c = s.charCodeAt(a) | 32;
  if (c !== 114 && c !== 109 && c !== 101 && c !== 116 && c !== 106) return -1;
  if (!RUN_KEYS.has(s.slice(a, b).toLowerCase())) return -1;
  let e = b + 1;
  while (e < n) {
    const c = s.charCodeAt(e);
    if (c === 124 || c === 44 || c === 59 || c === 9) break;
    e++;
  }
  if (e >= n || e - b > 80) return -1;
  const name = s.slice(b + 1, e).trim();
  if (name.length === 0 || !/[A-Za-z]/.test(name) || /^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(name)) return -1;
  return RUN_STEP_RE.test(' ' + s.slice(e + 1, e + 14).replace(/^[\s|,;]+/, '')) ? e : -1;
}

/** First words that are never a run's name. */
const RUN_NOT_LABEL = new Set(['warn', 'warning', 'error', 'info', 'debug', 'trace', 'fatal', 'critical', 'notice', 'log', 'global_step', 'train_epoch', 'val_epoch']);

/** The label of a tqdm bar of an evaluation pass (`Epoch 25/40 [Val]:`, `Evaluating:`). */
const EVAL_BAR_RE = /(?:^|[^A-Za-z])(?:val|valid|validation|validating|eval|evaluation|evaluating|test|testing|dev)(?:[^A-Za-z]|$)/i;

/** Keys in parentheses after a loss that are never one of its terms. */
const NOT_PARTS = new Set(['time', 'eta', 'data', 'speed', 'mem', 'memory', 'it', 'step', 'iter', 'epoch', 'batch', 'n', 'count', 'weight', 'w', 'scale']);

/**
 * After a loss's value ending at s[i]: `(` then a letter (`Loss: 1.67 (Pix:0.894 Per:0.856)`):
 * the parenthesis' index, else -1 (`loss: 8.27 (8.27)` is a running mean).
 */
function partsAfter(s: string, i: number, n: number): number {
  let j = i;
  while (j < n && s.charCodeAt(j) === 32) j++;
  if (j >= n || s.charCodeAt(j) !== 40) return -1;
  const c = j + 1 < n ? s.charCodeAt(j + 1) : -1;
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? j : -1;
}

/** Words that count data, not measure a model (`41592 images`, `115 batches`). */
const COUNT_UNITS = new Set([
  'images', 'imgs', 'pics', 'pictures', 'photos', 'samples', 'examples', 'sequences', 'sentences',
  'documents', 'docs', 'files', 'records', 'items', 'instances', 'batches', 'tokens', 'words',
  'pairs', 'videos', 'clips', 'frames', 'patients', 'subjects', 'lesions', 'classes', 'labels',
  'annotations', 'boxes', 'objects', 'utterances', 'chunks', 'shards', 'rows', 'entries',
]);

/**
 * After the value ending at s[i] comes a count unit (`41592 images`, `Train=115 batches |`) that
 * ends the clause: the value is a count of data. Not a rate (`samples/s`), nor the key of a
 * next value (`loss 2.3 tokens 5000`, `samples: 64`).
 */
function countUnitAfter(s: string, i: number, n: number): boolean {
  let j = i;
  while (j < n && s.charCodeAt(j) === 32) j++;
  if (j === i || j >= n) return false;
  let k = j;
  while (k < n) {
    const c = s.charCodeAt(k) | 32;
    if (c >= 97 && c <= 122) k++;
    else break;
  }
  if (k - j < 4 || k - j > 11 || !COUNT_UNITS.has(s.slice(j, k).toLowerCase())) return false;
  const c = k < n ? s.charCodeAt(k) : -1;
  if (c === 47 || c === 58 || c === 61 || c === 95 || (c >= 48 && c <= 57)) return false;
  while (k < n && s.charCodeAt(k) === 32) k++;
  const d = k < n ? s.charCodeAt(k) : -1;
  return !((d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46);
}

/** s[a, b) is `is`, `was`, `are` or `were`. */
function isCopula(s: string, a: number, b: number): boolean {
  const w = s.slice(a, b);
  return w === 'is' || w === 'was' || w === 'are' || w === 'were';
}

/** The word at s[a] is `on`, `of`, `for` or `in`, then a space. */
function isPreposition(s: string, a: number): boolean {
  const c = s.charCodeAt(a);
  if (c !== 111 && c !== 102 && c !== 105) return false;
  const sp = s.indexOf(' ', a);
  if (sp < 0 || sp - a > 3) return false;
  const w = s.slice(a, sp);
  return w === 'on' || w === 'of' || w === 'for' || w === 'in';
}

/** A key that is only a subset's name (`Train`, `Val`, `Test`). */
function isBareSubset(name: string): boolean {
  if (name.length > 10) return false;
  const l = name.toLowerCase();
  return SUBSET_TAGS.has(l) || l === 'dev';
}

/** After `[valid]` comes `: 0.1269` (`=` too): the word in the brackets is a key with its value. */
function keyInBrackets(s: string, i: number, n: number): boolean {
  while (i < n && s.charCodeAt(i) === 32) i++;
  const c = at(s, i, n);
  if (c !== 58 && c !== 61) return false;
  i++;
  while (i < n && s.charCodeAt(i) === 32) i++;
  const d = at(s, i, n);
  return (d >= 48 && d <= 57) || d === 45 || d === 46 || d === 43;
}

/** Words of a line about the data set rather than the model (`[Split] Train=3667 | Val=786`). */
const DATA_LINE_RE = /(?:^|[^A-Za-z])(?:split|splits|splitting|dataset|datasets|data ?set|data ?loaders?|samples|examples|images|sizes?|loaded|loading|counts?)(?:[^A-Za-z]|$)/i;

/** After s[i] (blanks skipped) the clause ends: the line, `,` `;` `.` `%` `|` `)`. */
function clauseEnd(s: string, i: number, n: number): boolean {
  while (i < n && s.charCodeAt(i) === 32) i++;
  if (i >= n) return true;
  const c = s.charCodeAt(i);
  return c === 44 || c === 59 || c === 46 || c === 37 || c === 124 || c === 41 || c === 13;
}

/** Start of the word (letters, digits, `_`) that ends at b. */
function wordStart(s: string, b: number): number {
  let i = b;
  while (i > 0 && isAlnumAt(s, i - 1)) i--;
  return i;
}

/**
 * After s[i] (blanks skipped) comes an arrow (`->`, `-->`, `=>`, `→`) and then a value: the
 * value before it was a `before --> after` pair (not `step 100 -> loss: 0.5`).
 */
function isArrowAt(s: string, i: number, n: number): boolean {
  while (i < n && s.charCodeAt(i) === 32) i++;
  if (i >= n) return false;
  const c = s.charCodeAt(i);
  let j: number;
  if (c === 0x2192) {
    j = i + 1;
  } else {
    if (c !== 45 && c !== 61) return false;
    j = i + 1;
    while (j < n && s.charCodeAt(j) === 45) j++;
    if (j >= n || s.charCodeAt(j) !== 62) return false;
    j++;
  }
  while (j < n && s.charCodeAt(j) === 32) j++;
  if (j >= n) return false;
  const d = s.charCodeAt(j);
  // a digit, a sign, a point, inf / nan
  return (d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46 || d === 105 || d === 73 || d === 110 || d === 78;
}

/**
 * s[first, a) is a logger's prefix: it holds a log level (`INFO`, `[WARNING]`), and after it only
 * punctuation, blanks, symbols and at most one logger name ending in `:` or `]`
 * (`INFO:root:`, `2024-05-08 04:06:28 - INFO - `, `[12:00:01] INFO __main__: `).
 */
function afterLogPrefix(s: string, first: number, a: number): boolean {
  if (a - first > 96) return false;
  let le = -1;
  for (let i = first; i < a; ) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90 && (i === first || !isAlnumAt(s, i - 1))) {
      let j = i + 1;
      while (j < a && isAlnumAt(s, j)) j++;
      if (isLogLevel(s, i, j)) le = j;
      i = j;
    } else {
      i++;
    }
  }
  if (le < 0) return false;
  let named = false;
  for (let k = le; k < a; ) {
    if (!isAlnumAt(s, k)) {
      k++;
      continue;
    }
    if (named) return false;
    let j = k + 1;
    while (j < a && (isAlnumAt(s, j) || s.charCodeAt(j) === 46)) j++;
    const d = j < a ? s.charCodeAt(j) : -1;
    if (d !== 58 && d !== 93) return false;
    named = true;
    k = j;
  }
  return true;
}

function isAlnumAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c < 128 && (CC[c] & ALNUM_) !== 0;
}

function isLogLevel(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n < 4 || n > 8) return false;
  // All upper case?
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  const w = s.slice(a, b);
  return (
    w === 'INFO' || w === 'WARNING' || w === 'WARN' || w === 'DEBUG' || w === 'ERROR' ||
    w === 'CRITICAL' || w === 'TRACE' || w === 'NOTICE' || w === 'FATAL'
  );
}

export class LineScanner {
  /** Switch for tests: with false every line is fully scanned (the reference behaviour). */
  static useTemplates = true;

  // ---- result of the last scan ----
  /** Metric pairs, in line order, without duplicates (first value of a key wins). */
  keys: KeyInfo[];
  /** Where a scan writes its keys (`keys` is this, or after a replay the template's keys). */
  readonly scratchKeys: KeyInfo[] = new Array<KeyInfo>(MAX_PAIRS);
  vals = new Float64Array(MAX_PAIRS);
  /** AverageMeter lines (`Loss 4.8849 (6.4318)`): the running mean after pair k's value, NaN
   * when none (the value itself stays the pair's). avgAny: one was read on this line. */
  readonly avgs = new Float64Array(MAX_PAIRS).fill(NaN);
  avgAny = false;
  /** The pair whose running mean the last token was (-1: none). */
  private avgIdx = -1;
  nPairs = 0;
  /** Some metric key looks like a training metric (loss, acc, lr, ...). */
  metricish = false;
  /** Best step key of the line (rank 99 = none), its value and key. */
  stepRank = 99;
  stepVal = NaN;
  stepKey: KeyInfo | undefined;
  /** A keyless `i/n` fraction (`[0/6]`, `| 200/ 2983 batches |`, `45/100 [..`), the first one. */
  fracI = NaN;
  fracN = NaN;
  /** A leading bare integer followed by a word (`1234 train 2.345`, build-nanogpt log). */
  leadInt = NaN;
  /** Keras progress line: the line starts with `count/total ` (-1 if not). */
  kerasTotal = -1;
  /** The line's epoch (its first `epoch` key), also when a finer step key is the step. */
  epochVal = NaN;
  /** The `/total` of the step key's value (`Step 0/6501`), NaN if none. */
  stepTotal = NaN;
  /** The `/total` of the value being paired (see apply). */
  private pairFrac = NaN;
  /** Subset tag of the line or of the section being read (`test`, `Validation`), or null;
   * keys that start at or after tagEnd and name no subset themselves get it as a prefix. */
  private tag: string | null = null;
  /** A word naming a data subset was seen in the line (a cheap gate for phase lines). */
  sawSubset = false;
  /** The name of a run the line opens with (see runLabel()), or null. */
  private label: string | null = null;
  /** Where the parenthesis that holds a loss's terms opened (see found()), or -1. */
  private partFrom = -1;
  /**
   * The line is a tqdm bar of an evaluation (`Epoch 25/40 [Val]:  1%| | 3/400 [..., val_loss=2.0]`):
   * its postfix is a running value of the pass, complete only at the bar's end (decided on the
   * words before the bar, so a template keeps it).
   */
  evalBar = false;
  /** The line is about the data (see aboutData()): -1 not looked at yet, 0 no, 1 yes. */
  private dataLine = -1;
  /** Where a `best` / `最佳` in the line starts (-1: none): metric keys after it are summaries. */
  private bestAt = -1;
  /** The last value was followed by an arrow (`ppl: inf --> 5.45`): the next one is its `after`. */
  private arrowed = false;
  private tagEnd = 0;

  // ---- number parse scratch ----
  private nv = 0;
  private nInt = false;
  private nIntDigits = 0;
  private nFrac = NaN;
  private stamp = 0;
  // key look-back scratch
  private ks = 0;
  private ke = 0;
  private kBracket = false;
  private kProse = false;
  private kExplicit = false;
  /** The key was read before an `is` (see beforeIs). */
  private kIs = false;
  private kMin = 0;
  // tokens of the last scan (for templates)
  private readonly slotA = new Int32Array(MAX_SLOTS);
  private readonly slotE = new Int32Array(MAX_SLOTS);
  private readonly slotB = new Int32Array(MAX_SLOTS);
  private readonly slotCode = new Uint8Array(MAX_SLOTS);
  private readonly slotInfo: Array<KeyInfo | undefined> = new Array<KeyInfo | undefined>(MAX_SLOTS);
  private readonly slotBr = new Uint8Array(MAX_SLOTS);
  private readonly slotPlay = new Int16Array(MAX_SLOTS);
  private readonly slotFrac = new Uint8Array(MAX_SLOTS);
  private pairIdx = -1;
  /** Keys looked up on this line (bounded: see MAX_LOOKS). */
  private looked = 0;
  private nSlots = 0;
  private tokEnd = -1;
  private unsafe = false;
  private dictScan = false;
  private readonly templates: Template[] = [];
  /** Templates dropped without ever being used; many mean lines are all different (timestamps). */
  private wasted = 0;
  private skipTemplates = 0;
  // trimmed range of the last wholeNumber
  private wa = 0;
  private wb = 0;

  constructor(private readonly table: KeyTable) {
    this.keys = this.scratchKeys;
  }

  private reset(): void {
    this.stamp++;
    if (this.avgAny) {
      this.avgs.fill(NaN);
      this.avgAny = false;
    }
    this.keys = this.scratchKeys;
    this.nPairs = 0;
    this.metricish = false;
    this.stepRank = 99;
    this.stepVal = NaN;
    this.stepKey = undefined;
    this.fracI = NaN;
    this.fracN = NaN;
    this.leadInt = NaN;
    this.kerasTotal = -1;
    this.epochVal = NaN;
    this.stepTotal = NaN;
    this.tag = null;
    this.sawSubset = false;
    this.dataLine = -1;
    this.label = null;
    this.evalBar = false;
    this.partFrom = -1;
    this.bestAt = -1;
    this.arrowed = false;
    this.nSlots = 0;
    this.tokEnd = -1;
    this.unsafe = false;
    this.dictScan = false;
    this.looked = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Numbers

  /**
   * Parse a decimal number body at i, before n (optional sign, digits, fraction, exponent).
   * Returns the end index, or -1 if there are no digits. Sets nv / nInt / nIntDigits.
   */
  private num(s: string, i: number, n: number): number {
    // Every read is bounds-checked against n (<= s.length): charCodeAt stays a small integer.
    let j = i;
    let c = j < n ? s.charCodeAt(j) : 0;
    let neg = false;
    let signed = false;
    if (c === 45 || c === 43) {
      neg = c === 45;
      signed = true;
      c = ++j < n ? s.charCodeAt(j) : 0;
    }
    const ds = j;
    let m = 0;
    let d = c - 48;
    while (d >= 0 && d <= 9) {
      m = m * 10 + d;
      d = ++j < n ? s.charCodeAt(j) - 48 : -1;
    }
    const intDigits = j - ds;
    let frac = 0;
    c = d + 48;
    if (c === 46) {
      let k = j + 1;
      d = k < n ? s.charCodeAt(k) - 48 : -1;
      if (d >= 0 && d <= 9) {
        do {
          m = m * 10 + d;
          d = ++k < n ? s.charCodeAt(k) - 48 : -1;
        } while (d >= 0 && d <= 9);
        frac = k - j - 1;
        j = k;
        c = d + 48;
      }
    }
    const digits = intDigits + frac;
    if (digits === 0) return -1;
    let exp = 0;
    let isInt = frac === 0;
    if (c === 101 || c === 69) {
      let k = j + 1;
      let e = k < n ? s.charCodeAt(k) : 0;
      let eneg = false;
      if (e === 45 || e === 43) {
        eneg = e === 45;
        e = ++k < n ? s.charCodeAt(k) : 0;
      }
      if (e >= 48 && e <= 57) {
        isInt = false;
        let x = 0;
        do {
          if (x < 100000) x = x * 10 + (e - 48);
          e = ++k < n ? s.charCodeAt(k) : 0;
        } while (e >= 48 && e <= 57);
        exp = eneg ? -x : x;
        j = k;
      }
    }
    const scale = exp - frac;
    let v: number;
    // Exact fast path (Clinger): an integer mantissa below 2^53 and a power of ten that is
    // itself exact give a correctly rounded result with one operation.
    if (digits <= 15 && scale >= -22 && scale <= 22) {
      v = scale >= 0 ? m * POW10[scale] : m / POW10[-scale];
    } else {
      v = Number(s.slice(signed ? i + 1 : i, j));
    }
    this.nv = neg ? -v : v;
    this.nInt = isInt;
    this.nIntDigits = intDigits;
    return j;
  }

  /** `nan`, `inf`, `infinity` (any case) at i. Returns the end index or -1. */
  private word(s: string, i: number, n: number, neg: boolean): number {
    if (i + 3 > n) return -1;
    const a = s.charCodeAt(i) | 32;
    const b = s.charCodeAt(i + 1) | 32;
    const c = s.charCodeAt(i + 2) | 32;
    if (a === 110 && b === 97 && c === 110) {
      this.nv = NaN;
    } else if (a === 105 && b === 110 && c === 102) {
      this.nv = neg ? -Infinity : Infinity;
      if (i + 8 <= n && s.slice(i + 3, i + 8).toLowerCase() === 'inity') {
        this.nInt = false;
        this.nIntDigits = 0;
        return i + 8;
      }
    } else {
      return -1;
    }
    this.nInt = false;
    this.nIntDigits = 0;
    return i + 3;
  }

  /**
   * Check what follows a number ending at j: a boundary, a unit, a `/total` fraction. Returns
   * the index after what belongs to the number, or -1 when this is not a number token (a
   * date, a time, a version, `1,234`, a tqdm `45%|`, `3rd`...). Sets nFrac.
   */
  private right(s: string, j: number, n: number): number {
    this.nFrac = NaN;
    if (j >= n) return j;
    let d = s.charCodeAt(j);
    if (d === 44 && this.nInt && this.nIntDigits <= 3 && thousandsGroup(s, j, n)) {
      // `iter:   1,000`, `Perplexity=8,641`, `12,345,678`: thousands separators, one number.
      // Only 1 to 3 leading digits without a leading zero, then groups of exactly three (a
      // list `1,2,3`, `0,100`, `0.5,0.7` is not one).
      const lead = Math.abs(this.nv);
      if (lead < (this.nIntDigits === 1 ? 1 : this.nIntDigits === 2 ? 10 : 100)) return -1;
      let v = lead;
      let k = j;
      do {
        v = v * 1000 + (s.charCodeAt(k + 1) - 48) * 100 + (s.charCodeAt(k + 2) - 48) * 10 + (s.charCodeAt(k + 3) - 48);
        k += 4;
      } while (k < n && s.charCodeAt(k) === 44 && thousandsGroup(s, k, n));
      // `1,234.5`: not read (a decimal after groups, or a European `1.234,5`, is unclear).
      if (k < n && s.charCodeAt(k) === 46 && k + 1 < n && isDigit(s.charCodeAt(k + 1))) return -1;
      this.nv = this.nv < 0 ? -v : v;
      this.nIntDigits += ((k - j) / 4) * 3;
      j = k;
      if (j >= n) return j;
      d = s.charCodeAt(j);
    }
    if (d >= 128) return uniLetter(d) ? -1 : j; // `0.5，` `0.5 ━━` end it; `1轮` does not
    const f = CC[d];
    if (f & END) return j;
    if (d === 58) return j + 1 < n && isDigit(s.charCodeAt(j + 1)) ? -1 : j; // 12:21:56
    if (d === 46) {
      // A sentence's full stop; 4.38.1 is a version.
      if (j + 1 >= n) return j;
      const e = s.charCodeAt(j + 1);
      return e === 32 || e === 9 ? j : -1;
    }
    if (d === 47) {
      // count/total
      if (!this.nInt) return -1;
      let k = j + 1;
      while (k < n && k < j + 4 && s.charCodeAt(k) === 32) k++;
      let c = k < n ? s.charCodeAt(k) : 0;
      if (!isDigit(c)) return -1;
      let t = 0;
      const ts = k;
      while (isDigit(c)) {
        t = t * 10 + (c - 48);
        k++;
        c = k < n ? s.charCodeAt(k) : 0;
      }
      // (`121,400/600,000`: the total in thousands groups too)
      if (c === 44 && k - ts <= 3 && t > 0 && thousandsGroup(s, k, n)) {
        do {
          t = t * 1000 + (s.charCodeAt(k + 1) - 48) * 100 + (s.charCodeAt(k + 2) - 48) * 10 + (s.charCodeAt(k + 3) - 48);
          k += 4;
        } while (k < n && s.charCodeAt(k) === 44 && thousandsGroup(s, k, n));
        c = k < n ? s.charCodeAt(k) : 0;
      }
      // (`Epoch 20/200: train_loss=…`: a colon ends it as it ends a number; `1/2:30` does not)
      const colon = c === 58 && !(k + 1 < n && isDigit(s.charCodeAt(k + 1)));
      if (k < n && !colon && (c >= 128 || (CC[c] & (END | STOP)) === 0)) return -1;
      this.nFrac = t;
      return k;
    }
    if (d === 37) {
      // 45%: a value; 45%| is a tqdm bar.
      if (j + 1 < n) {
        const e = s.charCodeAt(j + 1);
        if (e === 124 || e >= 128 || (CC[e] & END) === 0) return -1;
      }
      return j + 1;
    }
    // `Epoch 2[16/5011]:`: the epoch, then its batch counter written without a blank.
    if (d === 91 && this.nInt && bracketFracAt(s, j + 1, n)) return j;
    if (f & ALPHA) {
      let k = j + 1;
      let c = 0;
      while (k < n) {
        c = s.charCodeAt(k);
        if (c < 128 && (CC[c] & ALPHA || c === 47)) k++;
        else break;
      }
      // (`current step: 1000th step`: an ordinal is its number)
      if (!this.unitOk(s, j, k) && !(k - j === 2 && this.nInt && ordinalOk(this.nv, s, j))) return -1;
      if (k < n) {
        c = s.charCodeAt(k);
        if (c >= 128 || (CC[c] & END) === 0) {
          if (!(c === 58 && !(k + 1 < n && isDigit(s.charCodeAt(k + 1))))) return -1;
        }
      }
      return k;
    }
    return -1;
  }

  private unitOk(s: string, a: number, b: number): boolean {
    const len = b - a;
    const c0 = s.charCodeAt(a);
    if (len === 1) {
      // s M G K k h m x B T
      return (
        c0 === 115 || c0 === 77 || c0 === 71 || c0 === 75 || c0 === 107 || c0 === 104 ||
        c0 === 109 || c0 === 120 || c0 === 66 || c0 === 84
      );
    }
    if (len === 2) {
      const c1 = s.charCodeAt(a + 1);
      if (c1 === 115) return c0 === 109 || c0 === 117 || c0 === 110; // ms us ns
      if (c1 === 66) return c0 === 77 || c0 === 71 || c0 === 75 || c0 === 84; // MB GB KB TB
      return false;
    }
    if (len > 5) return false;
    return LONG_UNITS.has(s.slice(a, b));
  }

  // -------------------------------------------------------------------------------------------
  // Free-form lines

  /** Scan a free-form line from `first` (its first non-blank character). */
  scanGeneric(s: string, first: number): void {
    this.reset();
    const n = s.length;
    let i = first;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        // 最佳 / 最优 / 最好 / 最低: "best" (see found())
        if (c === 0x6700 && this.bestAt < 0 && i + 1 < n) {
          const d = s.charCodeAt(i + 1);
          if (d === 0x4f73 || d === 0x4f18 || d === 0x597d || d === 0x4f4e) this.bestAt = i;
        }
        i++;
        continue;
      }
      const f = CC[c];
      if (f & ALNUM_ && !(f & DIGIT)) {
        // A word: letters, digits and _ inside it are never numbers. nan / inf may be values.
        if ((c === 110 || c === 78 || c === 105 || c === 73) && this.leftOk(s, i)) {
          const e = this.word(s, i, n, false);
          if (e > 0) {
            const r = this.right(s, e, n);
            if (r >= 0) {
              this.found(s, i, e, r, first, n);
              i = r;
              continue;
            }
          }
        }
        const ws = i;
        i++;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (d < 128 && CC[d] & ALNUM_) i++;
          else break;
        }
        if (this.label === null && i - ws >= 3 && i - ws <= 10 && i + 2 < n && (s.charCodeAt(i) === 58 || s.charCodeAt(i) === 61)) {
          const e = runField(s, ws, i, n);
          if (e > 0) {
            // `Run: Moons_QFNN_fold_1 | Epoch: 1 | Train Loss: 1.88`: the run this line belongs
            // to, as a field; its keys are that run's series (216 interleaved runs were one).
            this.label = s.slice(i + 1, e).trim();
            i = e;
            continue;
          }
        }
        if (ws === first && i - ws >= 2 && i - ws <= 40 && runLabel(s, ws, i, n)) {
          // `LSTM_e1 Epoch 1: Loss = 4.18`, `Transformer_L6_e10 Epoch 1: ...`: the name of one of
          // the runs a log holds, before its step; its keys are that run's series.
          this.label = s.slice(ws, i);
          continue;
        }
        if (i - ws >= 3 && i - ws <= 10 && SUBSET_FIRST[c] === 1) this.subsetWord(s, ws, i, first, n);
        else if (i - ws === 4 && this.bestAt < 0 && (c === 98 || c === 66) && s.startsWith('est', ws + 1)) this.bestAt = ws;
        // `Final Results: Loss=0.4886, PPL=1.63`, `final loss: 0.41`: a summary of the run, like
        // `best` (not `final_int8_val_loss`, one word).
        else if (i - ws === 5 && this.bestAt < 0 && (c === 102 || c === 70) && s.startsWith('inal', ws + 1) && (at(s, i, n) === 32 || at(s, i, n) === 58)) this.bestAt = ws;
        continue;
      }
      if (f & NUMSTART) {
        if (this.leftOk(s, i)) {
          let e = this.num(s, i, n);
          if (e < 0 && (c === 45 || c === 43) && i + 1 < n) e = this.word(s, i + 1, n, c === 45);
          if (e > 0) {
            const r = this.right(s, e, n);
            if (r >= 0) {
              this.found(s, i, e, r, first, n);
              i = r;
              continue;
            }
          } else if (!(f & DIGIT)) {
            i++;
            continue;
          }
        }
        // Not a number token: skip the rest of it (a date, a time, a version, 3rd, ...).
        const start = i;
        i++;
        while (i < n) {
          const d = s.charCodeAt(i);
          if (d < 128 && CC[d] & STOP) break;
          i++;
        }
        // A number that was refused (`12:21:56`, `2020-12-10`): a template may hold another.
        if (this.leftOk(s, start)) this.rejected(start, i);
        continue;
      }
      i++;
    }
    const bar = s.indexOf('%|', first);
    if (bar > first && this.nPairs > 0) this.evalBar = EVAL_BAR_RE.test(s.slice(first, bar));
  }

  /**
   * A word that names a data subset, s[a, b): as the line's first word (`test epoch:8 || ...`,
   * `Evaluating: 100%|...| loss=0.2`) or as a section head (`| val: loss=0.6`, `Test set: ...`,
   * `[Validation]`, `epoch: 0 validation, loss: 2.1`) it tags the keys after it; `train` / `training` there ends a tag. Decided on
   * the text between numbers only, so a template replays it (its keys are stored tagged).
   */
  private subsetWord(s: string, a: number, b: number, first: number, n: number): void {
    const tag = SUBSET_TAGS.get(s.slice(a, b).toLowerCase());
    if (tag === undefined) return;
    this.sawSubset = true;
    if (a > 0 && s.charCodeAt(a - 1) === 91 && at(s, b, n) === 93 && keyInBrackets(s, b + 1, n)) return;
    if (s.startsWith(' net output #', b)) {
      // Caffe: `Train net output #3: loss = 1.16 (* 1 = 1.16 loss)` is one head of the net,
      // not the `Iteration N, loss = 1.86` total; `Test net output` is the test phase.
      this.tag = s.slice(a, b) + ' net';
      this.tagEnd = b;
      return;
    }
    let head = true;
    for (let i = first; i < a; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128 || CC[c] & ALNUM_) {
        head = false;
        break;
      }
    }
    // `INFO:root:Evaluation Epoch 3 - Average Loss: 3.94`: first after the logger's prefix.
    if (!head) head = afterLogPrefix(s, first, a);
    if (!head) {
      // A section head: the word, maybe one more (`set`, `metrics`), then `:` `]` `)` `|`.
      let i = b;
      while (i < n && s.charCodeAt(i) === 32) i++;
      let c = at(s, i, n);
      if (c >= 0 && c < 128 && CC[c] & ALPHA) {
        while (i < n && (c = s.charCodeAt(i)) < 128 && CC[c] & ALPHA) i++;
        while (i < n && s.charCodeAt(i) === 32) i++;
        c = at(s, i, n);
      }
      // (`epoch: 0 validation, acc: 0.6, loss: 2.15`: a comma ends a head too)
      if (c !== 58 && c !== 93 && c !== 41 && c !== 124 && c !== 44) return;
    }
    this.tag = tag === '' ? null : tag === '=' ? s.slice(a, b) : tag;
    this.tagEnd = b;
  }

  /** The line (its words, never its numbers) is about the data: sizes of splits, loading. */
  private aboutData(s: string, first: number, n: number): boolean {
    if (this.dataLine < 0) this.dataLine = DATA_LINE_RE.test(first === 0 && n === s.length ? s : s.slice(first, n)) ? 1 : 0;
    return this.dataLine === 1;
  }

  private leftOk(s: string, i: number): boolean {
    if (i === 0) return true;
    const p = s.charCodeAt(i - 1);
    return p >= 128 ? !uniLetter(p) : (CC[p] & LEFT_BLOCK) === 0;
  }

  /** A number token [ns, end) was read, its number part [ns, e) (value in nv, fraction nFrac). */
  private found(s: string, ns: number, e: number, end: number, first: number, n: number): void {
    let code: number;
    let info: KeyInfo | undefined;
    let br = false;
    if (ns === first) {
      code = R_FIRST;
    } else if (this.nPairs >= MAX_PAIRS || ++this.looked > MAX_LOOKS) {
      // A line with that many values is garbage or a dump: bound the work spent on it.
      this.unsafe = true;
      return;
    } else {
      const keyed = this.keyBefore(s, ns, end, n);
      // The key must be read from the text between the previous token and this one only, or
      // a template of this line could not be replayed on a line with other values.
      if (this.kMin < this.tokEnd) this.unsafe = true;
      if (!keyed) {
        code = ns === first + 1 && s.charCodeAt(first) === 91 ? R_HEADFRAC : this.meanAfterPair(s, ns, e) ? R_AVG : R_KEYLESS;
      } else if (this.kProse || (this.kExplicit && end === e && loggerLevelAt(s, end, n))) {
        // (`train:417  INFO  ...`: Python logging's `%(name)s:%(lineno)d` before the level is
        // a logger and a source line, not a metric)
        code = R_IGNORE;
      } else {
        info = this.table.lookup(s, this.ks, this.ke);
        if (info.stopLast && !this.kExplicit) {
          code = R_IGNORE; // "training on 4 devices"
          info = undefined;
        } else {
          code = R_KEY;
          br = this.kBracket;
          if (this.tag !== null && info.kind === KIND_METRIC && (!info.subset || this.tag.endsWith(' net')) && this.ks >= this.tagEnd) {
            // `test epoch:8 || Loss:2.82`, `Test set: Average loss: 0.03`: a validation or
            // test line's keys are its own series, never the training loss.
            info = this.table.get(this.tag + ' ' + info.name);
          }
          if (info.kind === KIND_METRIC && end > e && isTimeUnit(s, e, end)) info = this.table.duration(info, s.slice(e, end));
          if (this.label !== null && info.kind === KIND_METRIC) info = this.table.variant(this.label + '/' + info.name, info);
          // `Loss: 0.2288 (Pix:0.134 Per:0.089)`: keys in parentheses right after a loss's value,
          // named for no role of their own, are the terms it sums (a running mean, `(avg: 0.3)`,
          // or a time, is no term).
          if (this.partFrom >= 0) {
            if (s.lastIndexOf(')', this.ks) >= this.partFrom) this.partFrom = -1;
            else if (info.kind === KIND_METRIC && info.noRole && end === e && !isQualifier(s, this.ks, this.ke) && !NOT_PARTS.has(info.name.toLowerCase())) info = this.table.part(info);
          }
          if (info.kind === KIND_METRIC && info.lossRole && !this.kBracket) this.partFrom = partsAfter(s, end, n);
          // `Loaded TRAIN set: 41592 images`, `Train=115 batches`: a count of data, not a
          // metric; so are the bare subset names of a line about the data (`[Split] Train=3667 |
          // Val=786`), which would otherwise read as build-nanogpt's `train` / `val` losses.
          if (info.kind === KIND_METRIC && (info.count || countUnitAfter(s, end, n) || (isBareSubset(info.name) && this.aboutData(s, first, n)))) {
            code = R_IGNORE;
            info = undefined;
          }
          // `Loss is nan at step 169, stopping training`: prose goes on; a value ends its clause.
          if (info !== undefined && this.kIs && !clauseEnd(s, end, n)) {
            code = R_IGNORE;
            info = undefined;
          }
          // `✓ 保存最佳模型，验证损失: 5.97`, `Saving best model, val loss: 0.41`: the values after a
          // `best` in a line sum up the run so far, they are not points of a curve.
          if (info !== undefined && info.kind === KIND_METRIC && this.bestAt >= 0 && this.ks >= this.bestAt) {
            code = R_IGNORE;
            info = undefined;
          }
        }
      }
    }
    // `Model is improving ppl: inf --> 5.45`, `lr 0.1 -> 0.01`: a report of a change, neither
    // value a point of a series named by the words before them.
    if (this.arrowed) {
      this.arrowed = false;
      code = R_IGNORE;
      info = undefined;
    }
    if (isArrowAt(s, end, n)) {
      this.arrowed = true;
      code = R_IGNORE;
      info = undefined;
    }
    this.slot(ns, e, end, code, info, br);
    this.pairIdx = -1;
    this.avgIdx = -1;
    this.apply(code, info, br, at(s, end, n), at(s, end + 1, n));
    this.played(code, info);
  }

  /**
   * The number at [ns, e) is alone in parentheses right after the last token, a pair's value
   * (`Loss 4.8849 (6.4318)`, `Prec@1 83.333 (52.282)`): an AverageMeter's running mean.
   */
  private meanAfterPair(s: string, ns: number, e: number): boolean {
    const k = this.nSlots - 1;
    if (k < 0 || this.slotPlay[k] < 0 || ns < 2 || s.charCodeAt(ns - 1) !== 40 || s.charCodeAt(e) !== 41) return false;
    for (let i = this.slotB[k]; i < ns - 1; i++) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 9) return false;
    }
    return this.slotB[k] < ns - 1;
  }

  /** A token that starts like a number but is none (it was skipped up to `end`). */
  private rejected(start: number, end: number): void {
    this.slot(start, start, end, R_REJECT, undefined, false);
    const k = this.nSlots - 1;
    if (k >= 0 && this.slotCode[k] === R_REJECT) this.slotPlay[k] = P_SKIP;
  }

  /** After apply(): how a replay of this token can skip the logic that is value-independent. */
  private played(code: number, info: KeyInfo | undefined): void {
    const k = this.nSlots - 1;
    if (k < 0 || this.slotCode[k] !== code) return;
    let p = P_APPLY;
    if ((code === R_KEY || code === R_DICT) && info!.kind !== KIND_STEP) {
      p = this.pairIdx >= 0 ? this.pairIdx : this.avgIdx >= 0 ? P_AVG - this.avgIdx : P_SKIP;
    }
    else if (code === R_IGNORE) p = P_SKIP;
    else if (code === R_AVG) p = this.avgIdx >= 0 ? P_AVG - this.avgIdx : P_SKIP;
    this.slotPlay[k] = p;
  }

  private slot(
    a: number,
    e: number,
    b: number,
    code: number,
    info: KeyInfo | undefined,
    br: boolean,
  ): void {
    const k = this.nSlots;
    if (k >= MAX_SLOTS) {
      this.unsafe = true;
    } else {
      this.slotA[k] = a;
      this.slotE[k] = e;
      this.slotB[k] = b;
      this.slotCode[k] = code;
      this.slotInfo[k] = info;
      this.slotBr[k] = br ? 1 : 0;
      this.slotFrac[k] = this.nFrac === this.nFrac && code !== R_REJECT && code !== R_DICT ? 1 : 0;
      this.nSlots = k + 1;
    }
    this.tokEnd = b;
  }

  /**
   * What a token means, given how its key was resolved (shared by scanning and replay). c1, c2:
   * the two characters after the token (-1 past the end of the line).
   */
  private apply(
    code: number,
    info: KeyInfo | undefined,
    br: boolean,
    c1: number,
    c2: number,
  ): void {
    const v = this.nv;
    const frac = this.nFrac;
    switch (code) {
      case R_FIRST:
        // The first token has no key: a Keras counter `12/128 `, a leading step `1234 train`.
        if (c1 === 32) {
          if (frac === frac) {
            this.kerasTotal = frac;
          } else if (this.nInt && c2 >= 0 && c2 < 128 && CC[c2] & ALPHA) {
            this.leadInt = v;
          }
        }
        return;
      case R_KEYLESS:
        // A batch counter after the epoch (`Epoch: [0]  [5/6]`); a date before it is not one.
        // A bracketed count past its total (MMEngine `Epoch(train) [1][2150/649]`: an
        // iteration-based loop, or a per-GPU length) goes on counting: its step must not fall
        // back to the epoch's start at `[650/649]`.
        if (
          frac === frac &&
          this.fracN !== this.fracN &&
          this.stepKey !== undefined &&
          frac > 0 &&
          v >= 0 &&
          (v <= frac || (c1 === 93 && v <= 1000 * frac))
        ) {
          this.fracI = v;
          this.fracN = frac;
        }
        return;
      case R_HEADFRAC:
        // A `[count/total]` opening the line (`[100/200000] Train loss: 0.004`): the iteration,
        // used as the step when the line names none.
        if (frac === frac && this.nInt && frac > 0 && v >= 0 && v <= frac) this.leadInt = v;
        return;
      case R_AVG: {
        const k = this.nSlots >= 2 ? this.slotPlay[this.nSlots - 2] : -1;
        if (k >= 0 && frac !== frac) {
          this.avgIdx = k;
          this.avgs[k] = v;
          this.avgAny = true;
        }
        return;
      }
      case R_KEY:
        this.pairFrac = frac;
        this.pair(info!, v, frac === frac || br);
        return;
      case R_DICT:
        this.pairFrac = NaN;
        this.pair(info!, v, false);
        return;
      default:
        return;
    }
  }

  /** Record one key/value; `onlyStep`: the value is a count/total or bracketed (step keys only). */
  private pair(info: KeyInfo, v: number, onlyStep: boolean): void {
    const kind = info.kind;
    if (kind === KIND_STEP) {
      if (info.needsFrac && this.pairFrac !== this.pairFrac) return;
      if (info.stepRank === 3 && v === v && this.epochVal !== this.epochVal) this.epochVal = v;
      if (info.stepRank < this.stepRank && v === v) {
        this.stepRank = info.stepRank;
        this.stepVal = v;
        this.stepKey = info;
        this.stepTotal = this.pairFrac;
      }
      return;
    }
    if (onlyStep || kind === KIND_DROP) return;
    if (info.stamp === this.stamp) return; // a key repeated on one line: keep the first value
    info.stamp = this.stamp;
    if (this.nPairs >= MAX_PAIRS) return;
    this.pairIdx = this.nPairs;
    this.scratchKeys[this.nPairs] = info;
    this.vals[this.nPairs] = v;
    this.nPairs++;
    if (info.metricish) this.metricish = true;
  }

  /**
   * Find the key written before a value starting at ns: `key value`, `key: value`,
   * `key=value`, `key: [value]`. Multi-word keys: up to 3 words before `:`/`=`
   * (`Train Loss = `), 2 words with a space (`train loss 1.23`, first word a qualifier).
   * Sets ks/ke, kBracket (value was in brackets) and kProse (key follows a plain word).
   */
  private keyBefore(s: string, ns: number, end: number, n: number): boolean {
    let p = ns - 1;
    let c = s.charCodeAt(p);
    let bracket = false;
    // `[3]`, `[  50/7330]`, `(0.5`: a bracketed value (only step keys take one).
    let q = p;
    let b = c;
    while (b === 32) b = s.charCodeAt(--q);
    // Lowest index read by the side looks below (the template safety check needs it).
    let side = q;
    if (b === 91 || b === 40) {
      bracket = true;
      p = q - 1;
      c = p >= 0 ? s.charCodeAt(p) : -1;
      if (c !== c) c = -1;
      if (s.charCodeAt(q) === 40 && c >= 0) {
        // `loss: tensor(0.5432, device='cuda:0')`, `np.float64(0.5)`: a wrapper, not a bracket.
        let w = p;
        let d = c;
        while (d >= 0 && d < 128 && CC[d] & (ALNUM_ | KEY)) {
          d = w > 0 ? s.charCodeAt(--w) : (w--, -1);
        }
        if (w < side) side = w;
        if (isWrapper(s, w + 1, p + 1)) {
          bracket = false;
          p = w;
          c = d;
        }
      }
    }
    let ws = 0;
    while (c === 32 || c === 9) {
      ws++;
      p--;
      c = p >= 0 ? s.charCodeAt(p) : -1;
    }
    if (bracket && c === 41) {
      // `Epoch(train)  [1][  50/7330]`, `Iter(val) [10]` (MMEngine): skip the qualifier.
      let r = p - 1;
      let d = r >= 0 ? s.charCodeAt(r) : -1;
      while (d >= 0 && d < 128 && CC[d] & ALPHA) d = r > 0 ? s.charCodeAt(--r) : (r--, -1);
      if (r < side) side = r;
      if (d === 40 && r < p - 1 && r > 0) {
        p = r - 1;
        c = s.charCodeAt(p);
      }
    }
    let explicit = false;
    // `step 10, loss_train, 0.838`: a comma between a metric's name and its value (see
    // commaKey()).
    let comma = false;
    if (c === 44 && ws > 0 && !bracket && p >= 2) {
      let q = p - 1;
      let d = s.charCodeAt(q);
      while (d === 32 && q > 0) d = s.charCodeAt(--q);
      // (a word's last letter before it: never a CSV row's number)
      if (d < 128 && (CC[d] & ALPHA || d === 95)) {
        comma = true;
        p = q;
        c = d;
      }
    }
    if (c === 58 || c === 61 || c === 0xff1a || c === 0xff1d) {
      explicit = true;
      p--;
      c = p >= 0 ? s.charCodeAt(p) : -1;
      while (c === 32 || c === 9) {
        p--;
        c = p >= 0 ? s.charCodeAt(p) : -1;
      }
      if (c === 41) {
        // `Training Loss (avg over last 100): 2.44`: the key is before the parenthesis.
        let q = p - 1;
        const stop = p > 64 ? p - 64 : 0;
        while (q >= stop && (c = s.charCodeAt(q)) !== 40 && c !== 41 && c !== 58 && c !== 61) q--;
        if (q >= stop && c === 40 && q > 0) {
          p = q - 1;
          c = s.charCodeAt(p);
          while (c === 32 || c === 9) c = p > 0 ? s.charCodeAt(--p) : (p--, -1);
          if (p < side) side = p;
        } else {
          c = 41;
        }
      } else if (c === 93 && p >= 2) {
        // `Iter 100 - time: 12.3 - [train]: 0.1053 - [valid]: 0.1269`: the key is the word in
        // the square brackets.
        let q = p - 1;
        let d = s.charCodeAt(q);
        while (q > 0 && d < 128 && CC[d] & KEY) d = s.charCodeAt(--q);
        if (q < side) side = q;
        // (after a separator or at the line's start: not `Number of val images in [HDRTV1K_test]: 117`)
        let r = q - 1;
        while (r >= 0 && s.charCodeAt(r) === 32) r--;
        if (r < side) side = r;
        const before = r >= 0 ? s.charCodeAt(r) : -1;
        if (d === 91 && q < p - 1 && CC[s.charCodeAt(q + 1)] & ALPHA && (before < 0 || (before < 128 && !(CC[before] & ALNUM_)))) {
          p--;
          c = s.charCodeAt(p);
        }
      }
    } else if (ws === 0 && !bracket) {
      this.kMin = p < side ? p : side;
      return false;
    }
    let ke = p + 1;
    while (c >= 0 && (c < 128 ? CC[c] & KEY : uniLetter(c))) {
      p--;
      c = p >= 0 ? s.charCodeAt(p) : -1;
    }
    let ks = p + 1;
    let lo = p;
    if (ks === ke) {
      this.kMin = lo < side ? lo : side;
      return false;
    }
    const c0 = s.charCodeAt(ks);
    if (c0 < 128 ? !(CC[c0] & ALPHA) && c0 !== 95 : !uniLetter(c0)) {
      this.kMin = lo < side ? lo : side;
      return false;
    }
    if (comma) {
      const ok = this.commaKey(s, ks, ke, end, n);
      if (side < this.kMin) this.kMin = side;
      if (!ok) return false;
      this.ks = ks;
      this.ke = ke;
      this.kBracket = false;
      this.kProse = false;
      this.kExplicit = false;
      this.kIs = false;
      return true;
    }
    let words = 1;
    const lastWord = ks;
    const maxWords = explicit ? 3 : 2;
    while (words < maxWords && c === 32 && p >= 1) {
      // `best_loss=inf best_ppl=inf`: the word before is the last pair's value, not part of this
      // key (in `number of nan iterations: 0` the `nan` was no value: prose, kept).
      if (p === this.tokEnd && this.nSlots > 0 && this.slotCode[this.nSlots - 1] !== R_IGNORE) break;
      let q = p - 1;
      let d = s.charCodeAt(q);
      lo = q;
      if (d >= 128 || !(CC[d] & ALNUM_)) break;
      while (d >= 0 && d < 128 && CC[d] & ALNUM_) {
        q--;
        d = q >= 0 ? s.charCodeAt(q) : -1;
      }
      lo = q;
      const ws2 = q + 1;
      if (d >= 0 && d < 128 && CC[d] & KEY) break;
      if (!(CC[s.charCodeAt(ws2)] & ALPHA)) break;
      // (a tab-separated field `\tLoss dro 6.354 (6.316)`, PyTorch's ProgressMeter: its words are the name)
      if (!explicit && !isQualifier(s, ws2, p) && !(ws2 > 0 && s.charCodeAt(ws2 - 1) === 9)) break;
      if (isLogLevel(s, ws2, p)) break;
      ks = ws2;
      words++;
      p = q;
      c = d;
    }
    if (explicit && words >= 2) {
      // `loss is: 0.249, acc is: 0.914` (PaddleCIFAR10): the copula is no part of the name.
      const w = ke - lastWord;
      if (w >= 2 && w <= 4 && isCopula(s, lastWord, ke)) {
        ke = lastWord - 1;
        words--;
      }
      // `Accuracy on Test set: 31.03%`: a name that starts with a preposition goes on before it
      // (the metric it is about).
      if (words >= 2 && ks >= 2 && s.charCodeAt(ks - 1) === 32 && isPreposition(s, ks)) {
        let q = ks - 2;
        let d = s.charCodeAt(q);
        while (q >= 0 && d < 128 && CC[d] & ALNUM_) d = q > 0 ? s.charCodeAt(--q) : (q--, -1);
        if (q < lo) lo = q;
        const ws2 = q + 1;
        if (ws2 < ks - 1 && ws2 > this.tokEnd && CC[s.charCodeAt(ws2)] & ALPHA && !(d >= 0 && d < 128 && CC[d] & KEY)) ks = ws2;
      }
    }
    let isKey = false;
    if (!explicit && !bracket && words === 1 && ke - ks === 2 && s.charCodeAt(ks) === 105 && s.charCodeAt(ks + 1) === 115) {
      // `val loss is 0.0299`, `avg loss so far is 0.0601`: the metric named before `is`.
      const r = this.beforeIs(s, ks);
      if (this.kMin < lo) lo = this.kMin;
      if (r >= 0) {
        ks = r;
        ke = this.ke;
        explicit = true;
        isKey = true;
      }
    }
    this.kIs = isKey;
    let prose = false;
    if (!explicit && ks >= 2 && s.charCodeAt(ks - 1) === 32) {
      if (ks - 2 < lo) lo = ks - 2;
      const d = s.charCodeAt(ks - 2);
      if (d < 128 && CC[d] & ALPHA) prose = true; // "improved from inf", "loading data for epoch 1"
      // `Finetune Epoch 1 | Train Loss: 0.96`, `Pretrain Epoch 3 |`: one word that opens the line
      // before a step counter names the phase, and the counter is the step (it starts again)
      if (prose && words === 1 && isPhaseStepWord(s.slice(ks, ke))) {
        let q = ks - 2;
        while (q >= 0 && (s.charCodeAt(q) === 45 || (s.charCodeAt(q) < 128 && CC[s.charCodeAt(q)] & ALNUM_))) q--;
        let r = q;
        while (r >= 0 && (s.charCodeAt(r) === 32 || s.charCodeAt(r) === 9)) r--;
        if (r < 0) prose = false;
      }
    }
    this.kMin = lo < side ? lo : side;
    this.ks = ks;
    this.ke = ke;
    this.kBracket = bracket;
    this.kProse = prose;
    this.kExplicit = explicit;
    return true;
  }

  /**
   * `epoch 1, phase train, step 10, loss_train, 0.838` (MRI-Analysis): the word before a comma
   * names the value after it when it is a metric's name (a loss, an accuracy, a learning rate,
   * ..., not a bare subset or a setting), a field of its own (the line's first, or after a `,`
   * `;` `|`) and the value ends its clause. Not a CSV row (a number before the comma) nor prose
   * (`After the loss, 3 epochs`: a word before the name). Sets kMin (the lowest index read).
   */
  private commaKey(s: string, ks: number, ke: number, end: number, n: number): boolean {
    let q = ks - 1;
    while (q >= 0 && s.charCodeAt(q) === 32) q--;
    this.kMin = q < ks - 1 ? q : ks - 1;
    if (q >= 0) {
      const d = s.charCodeAt(q);
      if (d !== 44 && d !== 59 && d !== 124) return false;
    }
    if (!clauseEnd(s, end, n)) return false;
    const info = this.table.lookup(s, ks, ke);
    return info.kind === KIND_METRIC && (info.roleByName || info.metricish) && !isBareSubset(info.name) && !info.stopLast;
  }

  /**
   * Prose `<metric> is <value>` (`Epoch 3, val loss is 0.0299`, `avg loss so far is 0.06`): the
   * start of the metric's name before the `is` at `isAt` (its end in ke, the lowest index read in
   * kMin), or -1. The word must look like a metric (`loss`, `acc`, `ppl`, `mse`, `lr`, ...; not
   * `batch size is 32`, `epoch 3 is done`), with at most one qualifier before it (`val`, `avg`).
   */
  private beforeIs(s: string, isAt: number): number {
    let p = isAt - 1;
    this.kMin = p;
    if (p < 1 || s.charCodeAt(p) !== 32) return -1;
    while (p > 0 && s.charCodeAt(p) === 32) p--;
    let w1 = p + 1;
    let w0 = wordStart(s, w1);
    // `so far`
    if (w1 - w0 === 3 && s.startsWith('far', w0) && w0 >= 4 && s.startsWith('so ', w0 - 3)) {
      w1 = w0 - 4;
      if (w1 < 1 || s.charCodeAt(w1 - 1) === 32) return -1;
      w0 = wordStart(s, w1);
    }
    this.kMin = w0 - 1;
    if (w0 >= w1 || w0 <= this.tokEnd) return -1;
    const info = this.table.lookup(s, w0, w1);
    if (info.kind !== KIND_METRIC || !info.metricish || info.subset || info.stopLast) return -1;
    this.ke = w1;
    let ks = w0;
    if (w0 >= 2 && s.charCodeAt(w0 - 1) === 32) {
      const q0 = wordStart(s, w0 - 1);
      this.kMin = q0 - 1;
      if (q0 < w0 - 1 && q0 > this.tokEnd && isQualifier(s, q0, w0 - 1)) ks = q0;
    }
    return ks;
  }

  // -------------------------------------------------------------------------------------------
  // Dict lines

  /**
   * Scan a flat dict starting at b (`{`): Python repr (single quotes, nan, inf, True, None) or
   * JSON (numbers possibly written as strings). Returns false if it is not a flat dict (nested
   * values, a set, broken syntax): the caller then treats the line as free text.
   */
  scanDict(s: string, b: number): boolean {
    this.reset();
    this.dictScan = true;
    const n = s.length;
    let i = b + 1;
    for (;;) {
      let c = 0;
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
      if (i >= n) return false;
      if (c === 125) return true; // }
      if (c !== 39 && c !== 34) return false;
      const q = c;
      const ks = i + 1;
      i = ks;
      while (i < n && (c = s.charCodeAt(i)) !== q) i += c === 92 ? 2 : 1;
      if (i >= n) return false;
      const ke = i;
      i++;
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
      if (c !== 58 || i >= n) return false;
      i++;
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
      if (i >= n) return false;
      if (c === 123 || c === 91 || c === 40) return false; // nested: a config dump, not metrics
      let ok = false;
      if (c === 39 || c === 34) {
        const vs = i + 1;
        i = vs;
        let e = 0;
        while (i < n && (e = s.charCodeAt(i)) !== c) i += e === 92 ? 2 : 1;
        if (i >= n) return false;
        ok = this.wholeNumber(s, vs, i);
        i++;
      } else {
        const vs = i;
        while (i < n && (c = s.charCodeAt(i)) !== 44 && c !== 125) {
          if (c === 40 || c === 123 || c === 91) return false;
          i++;
        }
        let ve = i;
        while (ve > vs && ((c = s.charCodeAt(ve - 1)) === 32 || c === 9)) ve--;
        ok = this.wholeNumber(s, vs, ve);
      }
      if (ok) {
        if (++this.looked > MAX_LOOKS) return false;
        if (ke > ks) {
          const info = this.table.lookup(s, ks, ke);
          this.slot(this.wa, this.wb, this.wb, R_DICT, info, false);
          this.pairIdx = -1;
          this.apply(R_DICT, info, false, -1, -1);
          this.played(R_DICT, info);
        } else {
          this.slot(this.wa, this.wb, this.wb, R_IGNORE, undefined, false);
          this.played(R_IGNORE, undefined);
        }
      }
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
      if (i >= n) return false;
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 125) return true;
      return false;
    }
  }

  /** The whole range [a, b) is one number (decimal, nan, inf, -inf, infinity). */
  private wholeNumber(s: string, a: number, b: number): boolean {
    let c = 0;
    while (a < b && ((c = s.charCodeAt(a)) === 32 || c === 9)) a++;
    while (b > a && ((c = s.charCodeAt(b - 1)) === 32 || c === 9)) b--;
    if (a >= b) return false;
    this.wa = a;
    this.wb = b;
    return this.token(s, a, b) === b;
  }

  /** A number or nan/inf spelling at a (no boundary checks). Returns its end or -1. */
  private token(s: string, a: number, n: number): number {
    if (a >= n) return -1;
    const c = s.charCodeAt(a);
    if (isDigit(c) || c === 46) return this.num(s, a, n);
    if (c === 45 || c === 43) {
      const e = this.num(s, a, n);
      return e >= 0 ? e : a + 1 < n ? this.word(s, a + 1, n, c === 45) : -1;
    }
    if (c === 110 || c === 78 || c === 105 || c === 73) return this.word(s, a, n, false);
    return -1;
  }

  // -------------------------------------------------------------------------------------------
  // Templates

  /**
   * Try the known templates on the line s[a, b). On a match the scan result fields are set
   * exactly as a full scan of that line would set them, and the result is true (`lastDict`
   * tells which scan it stands for). The template that followed the previous line's template
   * last time is tried first: logs repeat a cycle of line shapes.
   */
  replay(s: string, a: number, b: number): boolean {
    if (!LineScanner.useTemplates) return false;
    const c0 = a < b ? s.charCodeAt(a) : -1;
    const prev = this.lastTp;
    const guess = prev !== undefined ? prev.next : undefined;
    if (
      guess !== undefined &&
      guess.live &&
      (guess.c0 === c0 || guess.c0 < 0) &&
      this.matchTemplate(guess, s, a, b)
    ) {
      this.hit(guess);
      return true;
    }
    const ts = this.templates;
    for (let t = 0; t < ts.length; t++) {
      const tp = ts[t];
      if (tp === guess || (tp.c0 !== c0 && tp.c0 >= 0)) continue;
      if (this.matchTemplate(tp, s, a, b)) {
        this.hit(tp);
        return true;
      }
    }
    this.lastTp = undefined;
    return false;
  }

  /**
   * replay() on the bytes of an ASCII-decoded chunk, one byte per character. The line starts
   * at u[a] and ends at the first `\r` or `\n` at or before u[b] (u[b] is one of them; b may be
   * the end of the line, or of a later line). The same match as replay() on the text, found
   * faster (literals compared four bytes at a time). Returns the index of the line's end on a
   * match (the scan result fields are set), NO_MATCH when no template matches, or UNSURE when
   * that is not known (a template kept off bytes, a number spelled `nan`, a mantissa too long
   * for the fast path): then replay() decides.
   */
  replayBytes(u: Uint8Array, a: number, b: number): number {
    if (!LineScanner.useTemplates) return NO_MATCH;
    if (u !== this.dvOf) {
      this.dv = new DataView(u.buffer, u.byteOffset, u.byteLength);
      this.dvOf = u;
    }
    const c0 = u[a];
    // A line starting beyond ASCII: the templates' first characters are not bytes.
    if (c0 >= 128) return UNSURE;
    const prev = this.lastTp;
    const guess = prev !== undefined ? prev.next : undefined;
    let unsure = false;
    if (guess !== undefined && guess.live && (guess.c0 === c0 || guess.c0 < 0)) {
      const r = hasBytes(guess) ? this.matchBytes(guess, u, a, b) : UNSURE;
      if (r >= 0) {
        this.hit(guess);
        return r;
      }
      if (r === UNSURE) unsure = true;
    }
    const ts = this.templates;
    for (let t = 0; t < ts.length; t++) {
      const tp = ts[t];
      if (tp === guess || (tp.c0 !== c0 && tp.c0 >= 0)) continue;
      const r = hasBytes(tp) ? this.matchBytes(tp, u, a, b) : UNSURE;
      if (r >= 0) {
        this.hit(tp);
        return r;
      }
      if (r === UNSURE) unsure = true;
    }
    if (unsure) return UNSURE;
    this.lastTp = undefined;
    return NO_MATCH;
  }

  private dv: DataView | undefined;
  private dvOf: Uint8Array | undefined;

  /** matchTemplate() on bytes (see replayBytes): the line's end, NO_MATCH or UNSURE. */
  private matchBytes(tp: Template, u: Uint8Array, a: number, b: number): number {
    const dv = this.dv!;
    const lb = tp.lb;
    const lw = tp.lw;
    const lo = tp.lo;
    let q = lo[1];
    let pos = a + q;
    if (pos > b || !litEq(dv, u, a, lw, lb, 0, q)) return NO_MATCH;
    const k = tp.codes.length;
    const play = tp.play;
    const vals = this.vals;
    this.reset();
    for (let j = 0; j < k; j++) {
      // A number, as num() reads it (u[b] is a line end, never part of one).
      let r = pos;
      let c = u[r];
      let neg = false;
      if (c === 45 || c === 43) {
        neg = c === 45;
        c = u[++r];
      }
      const ds = r;
      let m = 0;
      let d = c - 48;
      while (d >= 0 && d <= 9) {
        m = m * 10 + d;
        d = u[++r] - 48;
      }
      const intDigits = r - ds;
      let frac = 0;
      if (d === -2) {
        let t = r + 1;
        let f = u[t] - 48;
        if (f >= 0 && f <= 9) {
          do {
            m = m * 10 + f;
            f = u[++t] - 48;
          } while (f >= 0 && f <= 9);
          frac = t - r - 1;
          r = t;
          d = f;
        }
      }
      if (intDigits + frac === 0) {
        // No digits: `nan` / `inf` (replay() reads those), or no number at all.
        const w = c | 32;
        return w === 110 || w === 105 ? UNSURE : NO_MATCH;
      }
      let scale = -frac;
      let isInt = frac === 0;
      if (d === 53 || d === 21) {
        // e / E
        let t = r + 1;
        let x = u[t];
        let eneg = false;
        if (x === 45 || x === 43) {
          eneg = x === 45;
          x = u[++t];
        }
        if (x >= 48 && x <= 57) {
          isInt = false;
          let ev = 0;
          do {
            if (ev < 100000) ev = ev * 10 + (x - 48);
            x = u[++t];
          } while (x >= 48 && x <= 57);
          scale += eneg ? -ev : ev;
          r = t;
        }
      }
      // Beyond the exact fast path, num() parses the text.
      if (intDigits + frac > 15 || scale < -22 || scale > 22) return UNSURE;
      const v = scale >= 0 ? m * POW10[scale] : m / POW10[-scale];
      const pj = play[j];
      if (pj >= 0) {
        vals[pj] = neg ? -v : v;
      } else if (pj <= P_AVG) {
        this.avgs[P_AVG - pj] = neg ? -v : v;
        this.avgAny = true;
      } else if (pj === P_APPLY) {
        this.nv = neg ? -v : v;
        this.nInt = isInt;
        this.nIntDigits = intDigits;
        this.nFrac = NaN;
        const end = r + tp.tails[j];
        const c1 = end < b ? u[end] : -1;
        const c2 = end + 1 < b ? u[end + 1] : -1;
        this.apply(tp.codes[j], tp.infos[j], tp.brs[j] === 1, c1, c2);
      }
      const qe = lo[j + 2];
      pos = r + qe - q;
      if (pos > b || (qe > q && !litEq(dv, u, r, lw, lb, q, qe))) return NO_MATCH;
      q = qe;
    }
    // The line must end here (no `\r` or `\n` is part of a literal or a number).
    const c = u[pos];
    if (c !== 10 && c !== 13) return NO_MATCH;
    this.keys = tp.pairKeys;
    this.nPairs = tp.pairKeys.length;
    this.metricish = tp.metricish;
    this.evalBar = tp.evalBar;
    return pos;
  }

  lastDict = false;
  /** Template of the last line replayed or learnt (undefined after a line that was neither). */
  private lastTp: Template | undefined;
  private clock = 0;

  private hit(tp: Template): void {
    tp.hits++;
    tp.used = ++this.clock;
    if (this.lastTp !== undefined) this.lastTp.next = tp;
    this.lastTp = tp;
    this.lastDict = tp.dict;
  }

  private matchTemplate(tp: Template, s: string, a: number, b: number): boolean {
    const lits = tp.lits;
    let lit = lits[0];
    let pos = a + lit.length;
    if (pos > b || (lit.length > 0 && !s.startsWith(lit, a))) return false;
    const k = tp.codes.length;
    const play = tp.play;
    const right = tp.right;
    const vals = this.vals;
    this.reset();
    for (let j = 0; j < k; j++) {
      let e: number;
      let d = pos < b ? s.charCodeAt(pos) - 48 : -1;
      if (d >= 0 && d <= 9) {
        // An unsigned decimal, inline: the same steps and result as num() (which is not
        // inlined, and this is most of the tokens of a log).
        let m = d;
        let r = pos + 1;
        d = r < b ? s.charCodeAt(r) - 48 : -1;
        while (d >= 0 && d <= 9) {
          m = m * 10 + d;
          d = ++r < b ? s.charCodeAt(r) - 48 : -1;
        }
        const intDigits = r - pos;
        let frac = 0;
        if (d === -2) {
          let t = r + 1;
          let f = t < b ? s.charCodeAt(t) - 48 : -1;
          if (f >= 0 && f <= 9) {
            do {
              m = m * 10 + f;
              f = ++t < b ? s.charCodeAt(t) - 48 : -1;
            } while (f >= 0 && f <= 9);
            frac = t - r - 1;
            r = t;
            d = f;
          }
        }
        let scale = -frac;
        let isInt = frac === 0;
        if (d === 53 || d === 21) {
          // e / E
          let t = r + 1;
          let x = t < b ? s.charCodeAt(t) : 0;
          let eneg = false;
          if (x === 45 || x === 43) {
            eneg = x === 45;
            x = ++t < b ? s.charCodeAt(t) : 0;
          }
          if (x >= 48 && x <= 57) {
            isInt = false;
            let ev = 0;
            do {
              if (ev < 100000) ev = ev * 10 + (x - 48);
              x = ++t < b ? s.charCodeAt(t) : 0;
            } while (x >= 48 && x <= 57);
            scale += eneg ? -ev : ev;
            r = t;
          }
        }
        let v: number;
        if (intDigits + frac <= 15 && scale >= -22 && scale <= 22) {
          v = scale >= 0 ? m * POW10[scale] : m / POW10[-scale];
        } else {
          v = Number(s.slice(pos, r));
        }
        this.nv = v;
        this.nInt = isInt;
        this.nIntDigits = intDigits;
        e = r;
      } else {
        e = this.token(s, pos, b);
        if (e < 0) return false;
      }
      const pj = play[j];
      const rj = right[j];
      if (rj === 0) {
        if (pj >= 0) {
          vals[pj] = this.nv;
        } else if (pj <= P_AVG) {
          this.avgs[P_AVG - pj] = this.nv;
          this.avgAny = true;
        } else if (pj === P_APPLY) {
          this.nFrac = NaN;
          const end = e + tp.tails[j];
          this.apply(tp.codes[j], tp.infos[j], tp.brs[j] === 1, at(s, end, b), at(s, end + 1, b));
        }
      } else if (rj === 1) {
        e = this.right(s, e, b);
        // A `/total` where the template had a unit (`it/s`), or the reverse: not the same line.
        if (e < 0 || (this.nFrac === this.nFrac) !== (tp.fracs[j] === 1)) return false;
        if (pj >= 0) vals[pj] = this.nv;
        else if (pj <= P_AVG) {
          this.avgs[P_AVG - pj] = this.nv;
          this.avgAny = true;
        } else if (pj === P_APPLY) {
          this.apply(tp.codes[j], tp.infos[j], tp.brs[j] === 1, at(s, e, b), at(s, e + 1, b));
        }
      } else {
        // A refused token (a date, a time): it must be refused here too, and is skipped the
        // same way (up to the next stop character).
        const c = s.charCodeAt(pos);
        if (!(c < 128 && CC[c] & NUMSTART) || this.right(s, e, b) >= 0) return false;
        e = pos + 1;
        while (e < b) {
          const d = s.charCodeAt(e);
          if (d < 128 && CC[d] & STOP) break;
          e++;
        }
      }
      lit = lits[j + 1];
      pos = e + lit.length;
      if (pos > b || (lit.length > 0 && !s.startsWith(lit, e))) return false;
    }
    if (pos !== b) return false;
    this.keys = tp.pairKeys;
    this.nPairs = tp.pairKeys.length;
    this.metricish = tp.metricish;
    this.evalBar = tp.evalBar;
    return true;
  }

  /** Remember the line just scanned as a template, if it can be replayed safely. */
  learn(s: string): void {
    if (this.unsafe || this.nSlots === 0) return;
    if (this.skipTemplates > 0) {
      this.skipTemplates--;
      return;
    }
    const k = this.nSlots;
    const lits = new Array<string>(k + 1);
    const right = new Uint8Array(k);
    const fracs = this.slotFrac.slice(0, k);
    const tails = new Int32Array(k);
    lits[0] = s.slice(0, this.slotA[0]);
    for (let j = 0; j < k; j++) {
      const e = this.slotE[j];
      const next = j + 1 < k ? this.slotA[j + 1] : s.length;
      const tail = s.slice(e, this.slotB[j]);
      // What follows the number decides nothing that depends on the number itself, unless it
      // is a fraction (`/total`, integers only), a `,` before digits (`1,234`) or an ordinal's
      // suffix (`1st`, `2nd`: it must fit the number).
      const c0 = s.charCodeAt(e);
      if (this.slotCode[j] === R_REJECT) {
        right[j] = 2;
        lits[j + 1] = s.slice(this.slotB[j], next);
      } else if (
        tail.indexOf('/') >= 0 ||
        (c0 === 44 && isDigit(s.charCodeAt(e + 1))) ||
        (tail.length === 2 && ORDINAL_TAILS.has(tail))
      ) {
        right[j] = 1;
        lits[j + 1] = s.slice(this.slotB[j], next);
      } else {
        tails[j] = tail.length;
        lits[j + 1] = s.slice(e, next);
      }
    }
    const tp: Template = {
      lits,
      bytes: 0,
      lo: NO_I32,
      lb: NO_U8,
      lw: NO_I32,
      right,
      fracs,
      tails,
      codes: this.slotCode.slice(0, k),
      infos: this.slotInfo.slice(0, k),
      brs: this.slotBr.slice(0, k),
      play: this.slotPlay.slice(0, k),
      pairKeys: this.scratchKeys.slice(0, this.nPairs),
      metricish: this.metricish,
      evalBar: this.evalBar,
      dict: this.dictScan,
      hits: 0,
      c0: lits[0].length > 0 ? lits[0].charCodeAt(0) : -1,
      used: ++this.clock,
      live: true,
      next: undefined,
    };
    if (this.lastTp !== undefined) this.lastTp.next = tp;
    this.lastTp = tp;
    const ts = this.templates;
    if (ts.length < MAX_TEMPLATES) {
      ts.push(tp);
      return;
    }
    let lru = 0;
    for (let t = 1; t < ts.length; t++) if (ts[t].used < ts[lru].used) lru = t;
    const old = ts[lru];
    old.live = false;
    if (old.hits === 0) {
      if (++this.wasted >= 64) {
        // Lines are all different (timestamps, counters in the text): stop paying for
        // templates for a while.
        this.wasted = 0;
        this.skipTemplates = 256;
      }
    } else {
      this.wasted = 0;
    }
    ts[lru] = tp;
  }

  /** Forget all templates (their keys belong to a key table that was reset). */
  forget(): void {
    this.templates.length = 0;
  }
}
