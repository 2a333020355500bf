/**
 * Linking a run to its code: when a run's findings point at a hyperparameter, put an issue on
 * the script line that sets it, with the edit (lower the learning rate, clip gradients, add or
 * raise weight decay and dropout).
 */
import type { Finding, FindingKind, Lang, Severity } from '../diagnose/types';
import { SEVERITY_RANK } from '../diagnose/types';
import { finish, makeIssue } from './checks';
import { formatLike, insertAt, insertLineAfter, lineText, replaceTokens, tokenRange } from './edits';
import { DEFAULT_LR, type OptimizerCtor, type ResolvedValue, ScriptFacts } from './facts';
import { type Call, compact, isName, isOp } from './query';
import { argValue } from './runArgs';
import type { ScriptEdit, ScriptIssue } from './types';

const LR_KINDS: ReadonlySet<FindingKind> = new Set(['non-finite', 'divergence', 'oscillation']);
const CLIP_KINDS: ReadonlySet<FindingKind> = new Set(['non-finite', 'gradient-explosion', 'divergence', 'loss-spike']);
const REGULARISE_KINDS: ReadonlySet<FindingKind> = new Set(['overfitting']);

export interface HyperparameterOptions {
  lang?: Lang;
  /** The arguments the run was given (its run.json's `args`): a `--lr 0.5` there overrides the argparse default. */
  runArgs?: readonly string[];
}

/** Issues (with edits) on a training script for the hyperparameters a run's findings implicate. */
export function hyperparameterEdits(findings: Finding[], scriptText: string, opts: HyperparameterOptions = {}): ScriptIssue[] {
  const lang = opts.lang ?? 'en';
  const facts = new ScriptFacts(scriptText);
  const out: ScriptIssue[] = [];
  const pick = (kinds: ReadonlySet<FindingKind>) => findings.filter(f => kinds.has(f.kind));

  const lrFindings = pick(LR_KINDS);
  if (lrFindings.length > 0) out.push(...lowerLearningRate(facts, lang, lrFindings, opts.runArgs));
  const clipFindings = pick(CLIP_KINDS);
  if (clipFindings.length > 0) out.push(...clipGradients(facts, lang, clipFindings));
  const regFindings = pick(REGULARISE_KINDS);
  if (regFindings.length > 0) out.push(...regularise(facts, lang, regFindings));
  return finish(facts, out);
}

function worst(findings: Finding[]): Severity {
  let s: Severity = 'info';
  for (const f of findings) if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[s]) s = f.severity;
  return s;
}

function kindsOf(findings: Finding[]): FindingKind[] {
  return [...new Set(findings.map(f => f.kind))];
}

function stepText(step: number): string {
  return Number.isFinite(step) ? String(step) : '?';
}

/** "NaN/Inf in loss at step 15 (log line 4)" for each distinct kind, in both languages. */
function reasons(findings: Finding[]): { en: string; zh: string } {
  const byKind = new Map<FindingKind, Finding>();
  for (const f of findings) if (!byKind.has(f.kind)) byKind.set(f.kind, f);
  const en: string[] = [];
  const zh: string[] = [];
  for (const f of byKind.values()) {
    const s = stepText(f.step);
    const where = f.line ? ` (log line ${f.line})` : '';
    const whereZh = f.line ? `（日志第 ${f.line} 行）` : '';
    switch (f.kind) {
      case 'non-finite':
        en.push(`NaN/Inf in ${f.series} at step ${s}${where}`);
        zh.push(`第 ${s} 步 ${f.series} 出现 NaN/Inf${whereZh}`);
        break;
      case 'divergence':
        en.push(`divergence of ${f.series} from step ${s}${where}`);
        zh.push(`${f.series} 从第 ${s} 步开始发散${whereZh}`);
        break;
      case 'oscillation':
        en.push(`oscillation of ${f.series} from step ${s}${where}`);
        zh.push(`${f.series} 从第 ${s} 步开始剧烈震荡${whereZh}`);
        break;
      case 'gradient-explosion':
        en.push(`exploding gradients (${f.series}) at step ${s}${where}`);
        zh.push(`第 ${s} 步梯度爆炸（${f.series}）${whereZh}`);
        break;
      case 'loss-spike':
        en.push(`loss spikes in ${f.series} (first at step ${s})${where}`);
        zh.push(`${f.series} 出现 loss 尖峰（首次在第 ${s} 步）${whereZh}`);
        break;
      case 'overfitting':
        en.push(`overfitting (best ${f.series} at step ${s}, rising after)${where}`);
        zh.push(`过拟合（${f.series} 在第 ${s} 步最低，之后上升）${whereZh}`);
        break;
      default:
        en.push(`${f.title} at step ${s}${where}`);
        zh.push(`第 ${s} 步：${f.title}${whereZh}`);
    }
  }
  return { en: en.join('; '), zh: zh.join('；') };
}

/** The `lr` argument of an optimizer constructor (keyword, or SGD-style second positional). */
function lrArg(o: OptimizerCtor) {
  return o.call.args.find(x => x.keyword === 'lr') ?? o.call.args.filter(x => !x.keyword)[1];
}

/** New learning rate: a tenth of the current one, and at most 1e-3. */
export function lowerLr(current: number): number {
  return Math.min(Number((current / 10).toPrecision(3)), 1e-3);
}

function lowerLearningRate(facts: ScriptFacts, lang: Lang, findings: Finding[], runArgs?: readonly string[]): ScriptIssue[] {
  const out: ScriptIssue[] = [];
  const why = reasons(findings);
  const done = new Set<string>();
  for (const o of facts.optimizers) {
    const arg = lrArg(o);
    const t = o.call.ll.tokens;
    let r: ResolvedValue | undefined;
    let edit: ScriptEdit | undefined;
    let range;
    let current: string;
    let value: string | undefined;
    if (arg) {
      r = facts.resolve(o.call.stmt, arg.valueStart, arg.end);
      const used = r?.via === 'argparse' && r.flags && runArgs ? argValue(runArgs, r.flags) : undefined;
      if (r && used && Number.isFinite(Number(used.value))) {
        // The run was given the learning rate on its command line: advise on that value.
        const key = `${r.stmt.ll.line}:${r.start}`;
        if (done.has(key)) continue;
        done.add(key);
        out.push(runLearningRate(lang, findings, why, r, used));
        continue;
      }
      if (r) {
        const key = `${r.stmt.ll.line}:${r.start}`;
        if (done.has(key)) continue;
        done.add(key);
        value = formatLike(lowerLr(r.value), r.text);
        edit = replaceTokens(r.stmt.ll.tokens, r.start, r.end, value);
        range = tokenRange(r.stmt.ll.tokens, r.start, r.end);
        current = r.text;
      } else {
        // Set from something we cannot read (a config file): point at the argument, no edit.
        range = tokenRange(t, arg.start, arg.end);
        current = compact(t, arg.valueStart, arg.end);
      }
    } else {
      const def = DEFAULT_LR[o.cls];
      if (def === undefined) continue;
      value = formatLike(lowerLr(def), 'e');
      edit = insertArgument(facts, o.call, `lr=${value}`);
      range = tokenRange(t, o.call.startIdx, o.call.nameIdx + 1);
      current = `${formatLike(def, 'e')}, the ${o.cls} default`;
    }
    const p = { reasons: why.en, lr: current, value: value ?? '1e-3' };
    const pz = { reasons: why.zh, lr: current.replace(/, the (\w+) default$/, '，$1 的默认值'), value: value ?? '1e-3' };
    const issue = makeIssue(lang, 'lower-learning-rate', worst(findings), range, p, edit ? [edit] : undefined, pz);
    issue.findingKinds = kindsOf(findings);
    out.push(issue);
  }
  return out;
}

/**
 * A run given `--lr 0.5` on its command line, whose script's argparse default is 0.01: say what
 * the run used and what to run with; offer to lower the default only when the default itself is
 * above the advised value (else editing it changes nothing that matters).
 */
function runLearningRate(lang: Lang, findings: Finding[], why: { en: string; zh: string }, r: ResolvedValue, used: { flag: string; value: string }): ScriptIssue {
  // A tenth of what the run used (not capped at 1e-3 as a guess would be: the run's own value is known).
  const value = formatLike(Number((Number(used.value) / 10).toPrecision(3)), used.value);
  const editDefault = r.value > Number(value);
  const edit = editDefault ? replaceTokens(r.stmt.ll.tokens, r.start, r.end, formatLike(Number(value), r.text)) : undefined;
  const p = { used: `${used.flag} ${used.value}`, flag: used.flag, lr: r.text, value, also: editDefault ? 'yes' : '' };
  const issue = makeIssue(
    lang,
    'lower-learning-rate',
    worst(findings),
    tokenRange(r.stmt.ll.tokens, r.start, r.end),
    { ...p, reasons: why.en },
    edit ? [edit] : undefined,
    { ...p, reasons: why.zh },
  );
  issue.findingKinds = kindsOf(findings);
  return issue;
}

/** Insert `text` as a new keyword argument at the end of a call. */
function insertArgument(facts: ScriptFacts, call: Call, text: string): ScriptEdit {
  const t = call.ll.tokens;
  const close = t[call.close];
  const prev = t[call.close - 1];
  if (call.args.length === 0) return insertAt(close.line, close.col, text);
  if (isOp(prev, ',')) {
    if (close.line > prev.endLine) {
      // One argument per line with a trailing comma: add a line in the same style.
      const lastArg = t[call.args[call.args.length - 1].start];
      const indent = lineText(facts, lastArg.line).slice(0, lastArg.col);
      return insertAt(close.line, 0, `${/^\s*$/.test(indent) ? indent : ''}${text},${facts.eol}`);
    }
    return insertAt(close.line, close.col, ` ${text}`);
  }
  return insertAt(prev.endLine, prev.endCol, `, ${text}`);
}

const CLIP_NAMES = new Set(['clip_grad_norm_', 'clip_grad_norm', 'clip_grad_value_', 'clip_gradients', 'clip_grad']);

function clipGradients(facts: ScriptFacts, lang: Lang, findings: Finding[]): ScriptIssue[] {
  const why = reasons(findings);
  const clips = facts.calls.filter(c => CLIP_NAMES.has(c.name));
  const hasClipSetting = facts.calls.some(c =>
    c.args.some(a => /^(gradient_clip_val|max_grad_norm|clip_grad|grad_clip)$/.test(a.keyword ?? '')),
  );
  const out: ScriptIssue[] = [];
  if (clips.length > 0) {
    // Clipping with an infinite max_norm only measures the norm.
    for (const c of clips) {
      if (c.name !== 'clip_grad_norm_' && c.name !== 'clip_grad_norm') continue;
      const arg = c.args.find(x => x.keyword === 'max_norm') ?? c.args.filter(x => !x.keyword)[1];
      if (!arg) continue;
      const r = facts.resolve(c.stmt, arg.valueStart, arg.end);
      if (!r || Number.isFinite(r.value)) continue;
      const t = r.stmt.ll.tokens;
      const issue = makeIssue(
        lang,
        'enable-gradient-clipping',
        worst(findings),
        tokenRange(t, r.start, r.end),
        { reasons: why.en, value: r.text },
        [replaceTokens(t, r.start, r.end, '1.0')],
        { reasons: why.zh, value: r.text },
      );
      issue.findingKinds = kindsOf(findings);
      out.push(issue);
    }
    return out;
  }
  if (hasClipSetting) return out;
  const model = modelName(facts);
  const prefix = facts.mod.all.some(s => isName(s.ll.tokens[0], 'import') && isName(s.ll.tokens[1], 'torch')) ? 'torch.nn.utils' : 'nn.utils';
  const code = `${prefix}.clip_grad_norm_(${model}.parameters(), 1.0)`;
  const done = new Set<number>();
  for (const b of facts.calls) {
    if (b.name !== 'backward' || !b.receiver) continue;
    // Only backward() calls that feed an optimizer step (the training loop).
    const stepped = facts.calls.some(c => facts.optimizerStepped(c) && c.ll.line > b.ll.line);
    if (!stepped || done.has(b.stmt.ll.line)) continue;
    done.add(b.stmt.ll.line);
    const s = b.stmt;
    const t = s.ll.tokens;
    if (t[0] !== t[b.startIdx] || b.close !== t.length - 1) continue; // backward() is not a statement of its own
    const lines = [`${s.ll.indentText}${code}`];
    const scaler = /^(\w+(?:\.\w+)*)\.scale\(/.exec(b.receiver);
    if (scaler) {
      const opt = facts.calls.map(c => facts.optimizerStepped(c)).find(Boolean) ?? 'optimizer';
      lines.unshift(`${s.ll.indentText}${scaler[1]}.unscale_(${opt})`);
    }
    const edit = insertLineAfter(facts, s.ll.endLine, lines.join(facts.eol));
    const backward = compact(t, b.startIdx, b.close + 1);
    const issue = makeIssue(
      lang,
      'add-gradient-clipping',
      worst(findings),
      tokenRange(t, b.startIdx, b.close + 1),
      { reasons: why.en, code, backward },
      [edit],
      { reasons: why.zh, code, backward },
    );
    issue.findingKinds = kindsOf(findings);
    out.push(issue);
  }
  return out;
}

/** The model variable: whose parameters the optimizer gets, else a model variable, else `model`. */
export function modelName(facts: ScriptFacts): string {
  for (const o of facts.optimizers) {
    const a = o.call.args[0];
    if (!a) continue;
    const m = /^(.+)\.parameters\(\)$/.exec(compact(o.call.ll.tokens, a.start, a.end));
    if (m) return m[1];
  }
  const first = [...facts.modelVars][0];
  return first ?? 'model';
}

function regularise(facts: ScriptFacts, lang: Lang, findings: Finding[]): ScriptIssue[] {
  const why = reasons(findings);
  const out: ScriptIssue[] = [];
  for (const o of facts.optimizers) {
    if (o.cls === 'LBFGS') continue;
    const t = o.call.ll.tokens;
    const wd = o.call.args.find(x => x.keyword === 'weight_decay');
    let edit: ScriptEdit | undefined;
    let range;
    let current = '';
    let value: string;
    if (wd) {
      const r = facts.resolve(o.call.stmt, wd.valueStart, wd.end);
      if (!r) continue;
      const next = r.value > 0 ? Math.min(r.value * 10, o.cls === 'AdamW' ? 0.3 : 0.01) : o.cls === 'AdamW' ? 0.05 : 1e-4;
      if (!(next > r.value)) continue;
      value = formatLike(next, r.text);
      current = r.text;
      edit = replaceTokens(r.stmt.ll.tokens, r.start, r.end, value);
      range = tokenRange(r.stmt.ll.tokens, r.start, r.end);
    } else {
      // AdamW already decays by 0.01 by default.
      value = o.cls === 'AdamW' ? '0.05' : '1e-4';
      current = o.cls === 'AdamW' ? '0.01, the AdamW default' : '';
      edit = insertArgument(facts, o.call, `weight_decay=${value}`);
      range = tokenRange(t, o.call.startIdx, o.call.nameIdx + 1);
    }
    const issue = makeIssue(
      lang,
      'raise-weight-decay',
      worst(findings),
      range,
      { reasons: why.en, current, value },
      [edit],
      { reasons: why.zh, current: current.replace(/, the (\w+) default$/, '，$1 的默认值'), value },
    );
    issue.findingKinds = kindsOf(findings);
    out.push(issue);
  }
  for (const c of facts.calls) {
    const isLayer = /^Dropout([123]d)?$/.test(c.name);
    if (!isLayer && c.name !== 'dropout') continue;
    const arg = c.args.find(x => x.keyword === 'p') ?? (isLayer ? c.args.find(x => !x.keyword) : undefined);
    if (!arg) continue;
    const r = facts.resolve(c.stmt, arg.valueStart, arg.end);
    if (!r || !(r.value >= 0) || r.value >= 0.5) continue;
    const value = formatLike(Math.min(0.5, Math.round((r.value + 0.2) * 10) / 10), r.text.includes('.') ? r.text : '0.0');
    const t = r.stmt.ll.tokens;
    const issue = makeIssue(
      lang,
      'raise-dropout',
      worst(findings),
      tokenRange(t, r.start, r.end),
      { reasons: why.en, current: r.text, value },
      [replaceTokens(t, r.start, r.end, value)],
      { reasons: why.zh, current: r.text, value },
    );
    issue.findingKinds = kindsOf(findings);
    out.push(issue);
  }
  return out;
}
