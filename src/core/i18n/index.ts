/**
 * Message catalogues (English, Simplified Chinese) and the formatting helpers used by the
 * diagnostic engine. Pure: no vscode, no Node APIs.
 */
import type { Lang } from '../diagnose/types';
import { en, type MessageKey } from './en';
import { zhCn } from './zh-cn';

export type { MessageKey } from './en';

export const CATALOGUES: Record<Lang, Record<MessageKey, string>> = {
  en,
  'zh-cn': zhCn,
};

export type Params = Record<string, string | number>;

const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;

/** The message `key` in `lang` with its {placeholders} filled (numbers via `fmtNum`). */
export function t(lang: Lang, key: MessageKey, params: Params = {}): string {
  const cat = CATALOGUES[lang] ?? en;
  const tmpl = cat[key] ?? en[key] ?? key;
  return tmpl.replace(PLACEHOLDER, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === 'number' ? fmtNum(v) : v;
  });
}

/** Placeholder names of a template, sorted (for the catalogue consistency test). */
export function placeholders(template: string): string[] {
  const out = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) out.add(m[1]);
  return [...out].sort();
}

/** A value for a message: 4 significant digits, exponent form for very large or small values. */
export function fmtNum(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = x.toExponential(2).split('e');
    return `${trimZeros(m)}e${e.startsWith('+') ? e.slice(1) : e}`;
  }
  if (a >= 1000) return String(Math.round(x));
  return trimZeros(x.toPrecision(4));
}

/** A step: integers as they are, fractional epochs with up to 4 decimals. */
export function fmtStep(x: number): string {
  if (!Number.isFinite(x)) return fmtNum(x);
  if (Number.isInteger(x)) return String(x);
  return trimZeros(x.toFixed(4));
}

/** A share (0.123 -> "12.3%"). */
export function fmtPct(frac: number): string {
  if (!Number.isFinite(frac)) return fmtNum(frac);
  const p = frac * 100;
  const a = Math.abs(p);
  let s = a >= 10 ? p.toFixed(0) : a >= 1 ? p.toFixed(1) : p.toFixed(2);
  // Never "fell by 100%" for what did not reach zero: 99.96% is "99.9%".
  if (a >= 99.5 && a < 100) s = (Math.sign(p) * Math.floor(a * 10) / 10).toFixed(1);
  return `${trimZeros(s)}%`;
}

/** A signed relative change (-0.123 -> "-12.3%", 0.05 -> "+5%"). */
export function fmtChange(frac: number): string {
  const s = fmtPct(frac);
  return frac > 0 ? `+${s}` : s;
}

/** A ratio ("2.5", "37"). */
export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return fmtNum(r);
  if (r >= 100) return fmtNum(Math.round(r));
  if (r >= 10) return r.toFixed(0);
  return trimZeros(r.toFixed(1));
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}
