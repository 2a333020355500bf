/**
 * Line shapes the text reader tells apart from metric records by their keys and values as a
 * whole (see TextParser.record()): a counter after a phase word, dicts of data sizes or of
 * settings, a block of printed settings, a classifier's evaluation report, a run's name before
 * an epoch header.
 */
import type { KeyInfo } from './keys';

/** Keys that are only a data subset's name. */
const BARE_SUBSET = new Set(['train', 'training', 'val', 'valid', 'validation', 'eval', 'evaluation', 'test', 'testing', 'dev']);

function bareSubset(info: KeyInfo): boolean {
  return info.name.length <= 10 && BARE_SUBSET.has(info.name.toLowerCase());
}

/**
 * `Train 0, loss: 2.689, train acc: 0.45`: a phase word first on the line with a whole number,
 * and a loss named after it on the same line. The number counts the phase's epochs (or steps):
 * the record's step, never a loss named `Train`. (A bare `train` with a fraction, build-nanogpt's
 * `100 train 4.23`, or alone on its line stays the loss it is.)
 */
export function phaseCounter(keys: KeyInfo[], vals: Float64Array, np: number): boolean {
  if (np < 2 || !bareSubset(keys[0])) return false;
  const v = vals[0];
  if (!Number.isInteger(v) || v < 0) return false;
  for (let k = 1; k < np; k++) if (keys[k].lossRole && !bareSubset(keys[k])) return true;
  return false;
}

/** `{'train': 40058, 'test': 12032}`: the sizes of the data subsets (whole numbers), no metrics. */
export function dataSizeDict(keys: KeyInfo[], vals: Float64Array, np: number): boolean {
  for (let k = 0; k < np; k++) {
    if (!bareSubset(keys[k]) || !Number.isInteger(vals[k])) return false;
  }
  return np > 0;
}

/**
 * `Train: 20000  Val: 5000  (cat 12500, dog 12500)` (a line of any shape, no step): the sizes
 * of the data subsets. The first key is a bare subset name, every key is one or has no role
 * of its own (a class's count after it), and every value is a whole number. A loss named
 * `Train` is a fraction (build-nanogpt's `100 train 4.23`); a loss beside the subset's counter
 * (`Train 0, loss: 2.689`) has its own role.
 */
export function dataSizeLine(keys: KeyInfo[], vals: Float64Array, np: number): boolean {
  if (np === 0 || !bareSubset(keys[0])) return false;
  for (let k = 0; k < np; k++) {
    const v = vals[k];
    if (!Number.isInteger(v) || v < 0) return false;
    if (k > 0 && !keys[k].noRole && !bareSubset(keys[k])) return false;
  }
  return true;
}

/** Names of settings that a run prints, never log as a curve. */
const SETTING_RE =
  /^(?:batch_?size|(?:num_|n_|max_)?epochs?(?:_num)?|num_train_epochs|dropout(?:_rate)?|hidden(?:_size|_dim|_num|_units)?|embedding_(?:dim|size)|embed_dim|num_layers?|n_layers?|layers|seed|weight_decay|split_rate|ngram_num|warmup_steps|warmup_ratio|max_len|max_length|seq_len|momentum|num_workers|patience|n_heads|num_heads)$/i;

/** A dict value that is no number: `True`, `None`, a string (`'data.csv'`, not `'0.95'`). */
const WORD_VALUE_RE = /:\s*(?:True|False|None|null|true|false|'[^'0-9.+-][^']*'|"[^"0-9.+-][^"]*")\s*[,}]/;

/**
 * `{'embedding_dim': 50, 'batch_size': 16, 'bidirectional': True, 'input_file_path': 'a.csv'}`:
 * a dict of the run's settings printed once (two setting names or more, a value that is no
 * number, and no loss), not a record of metrics. t: the line.
 */
export function settingsDict(keys: KeyInfo[], np: number, t: string): boolean {
  let settings = 0;
  for (let k = 0; k < np; k++) {
    if (keys[k].lossRole) return false;
    if (SETTING_RE.test(keys[k].name)) settings++;
  }
  return settings >= 2 && WORD_VALUE_RE.test(t);
}

/**
 * A line of one `name: value` setting (after a logger's prefix): `... - INFO - __main__ -
 * learning_rate: 0.0001`, `  lr_scheduler_type: cosine`. 0: not that shape; 1: its value is a
 * number; 2: a word (`None`, `False`, `cosine`, a path), which only a setting has.
 */
export function settingLine(t: string): number {
  const m = /(?:^|\s-\s|\s)\s*([A-Za-z_][A-Za-z0-9_.]*)\s*[:=]\s*(\S+)\s*$/.exec(t);
  if (m === null) return 0;
  // (what comes before the name is a logger's prefix, not another key with a value)
  const head = t.slice(0, m.index);
  if (/[:=]\s*[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?\s*[,;|]/.test(head)) return 0;
  const v = m[2];
  if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$/.test(v)) return 1;
  if (/^(?:nan|inf|-inf)$/i.test(v)) return 0;
  return /^[A-Za-z_./~][\w./~-]*$/.test(v) ? 2 : 0;
}

/**
 * `Accuracy = 0.9358 Precision = 0.70 Recall = 0.94 F1 = 0.80` with no step and no loss: a
 * classifier's evaluation report (an F1 beside precision or recall), whose accuracy is the
 * validation accuracy, not the training one.
 */
export function evalReport(keys: KeyInfo[], np: number): boolean {
  let f1 = false;
  let pr = false;
  for (let k = 0; k < np; k++) {
    const info = keys[k];
    if (info.lossRole || info.subset) return false;
    const l = info.name.toLowerCase();
    if (l === 'f1' || l === 'f1_score' || l === 'f1-score' || l === 'f1 score') f1 = true;
    else if (l === 'precision' || l === 'recall') pr = true;
  }
  return f1 && pr;
}

/**
 * `SqueezeNetBypass - Epoch 0/49`, `ResNet50: epoch 3`: the header of an epoch of a named run
 * (one of several models a log trains one after the other). Returns the run's name, or null. The
 * name is an identifier (a capital inside it, a digit or an `_`), not a word of prose.
 */
export function namedEpochHeader(t: string): string | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s*(?:-|\||:|—)?\s*epoch\s*[:=]?\s*\[?\s*\d+\s*(?:\/\s*\d+\s*)?\]?\s*[:.]?\s*$/i.exec(t);
  if (m === null) return null;
  const w = m[1];
  if (BARE_SUBSET.has(w.toLowerCase()) || /^(?:info|debug|warn|warning|error|log|starting|start|end|begin|finished|running)$/i.test(w)) return null;
  return /.[A-Z0-9_]/.test(w) ? w : null;
}
