/**
 * Texts of the training-script issues, from the one message catalogue (src/core/i18n:
 * `script.<code>.message` / `.explanation` / `.fix`, and the variants a code's parameters pick).
 */
import { t, type MessageKey } from '../i18n';
import type { Lang } from '../diagnose/types';
import type { ScriptIssueCode } from './types';

export type Params = Record<string, string>;

/** The catalogue keys of an issue's message and fix for these parameters. */
function keysOf(code: ScriptIssueCode, p: Params): { message: string; fix: string | undefined } {
  const k = `script.${code}`;
  if (code === 'lower-learning-rate') {
    return { message: p.used ? (p.also ? `${k}.messageUsedAlso` : `${k}.messageUsed`) : `${k}.message`, fix: p.used ? `${k}.fixUsed` : `${k}.fix` };
  }
  if (code === 'raise-weight-decay') return { message: p.current ? `${k}.message` : `${k}.messageAdd`, fix: `${k}.fix` };
  const fix = !p.input && has(`${k}.fixNoInput`) ? `${k}.fixNoInput` : has(`${k}.fix`) ? `${k}.fix` : undefined;
  return { message: `${k}.message`, fix };
}

function has(key: string): boolean {
  return t('en', key as MessageKey) !== key;
}

/**
 * The parameters with " (through `probs`, line 22)" as `via` when the value reaches the loss
 * through a variable. Without one, a Chinese message whose `via` sits between a Latin name and
 * a Chinese word gets the space that separates them (`在 nn.CrossEntropyLoss 之前`).
 */
function withVia(lang: Lang, code: ScriptIssueCode, p: Params): Params {
  const none = lang === 'zh-cn' && SPACED_VIA_ZH.has(code) ? ' ' : '';
  return { ...p, via: p.variable ? t(lang, 'script.via', { variable: p.variable, lossLine: p.lossLine ?? '' }) : none };
}

const SPACED_VIA_ZH: ReadonlySet<ScriptIssueCode> = new Set(['softmax-before-cross-entropy']);

export interface IssueText {
  message: string;
  messageEn: string;
  messageZh: string;
  explanation: string;
  fixTitle?: string;
}

/** Texts of an issue: messages in both languages, explanation and fix title in `lang`. */
export function issueText(
  code: ScriptIssueCode,
  lang: Lang,
  params: Params,
  paramsZh: Params = params,
): IssueText {
  const pEn = withVia('en', code, params);
  const pZh = withVia('zh-cn', code, paramsZh);
  const p = lang === 'zh-cn' ? pZh : pEn;
  const keys = keysOf(code, lang === 'zh-cn' ? paramsZh : params);
  const messageEn = t('en', keysOf(code, params).message as MessageKey, pEn);
  const messageZh = t('zh-cn', keysOf(code, paramsZh).message as MessageKey, pZh);
  return {
    message: lang === 'zh-cn' ? messageZh : messageEn,
    messageEn,
    messageZh,
    explanation: t(lang, `script.${code}.explanation` as MessageKey, p),
    fixTitle: keys.fix ? t(lang, keys.fix as MessageKey, p) : undefined,
  };
}
