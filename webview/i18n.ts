/**
 * The webview's strings, in English and Simplified Chinese: the `viewer.*` keys of the one message
 * catalogue (src/core/i18n, checked by its placeholder test). The host passes the locale.
 */
import { CATALOGUES, type MessageKey as CoreKey } from '../src/core/i18n';
import type { ViewerLocale } from '../src/shared/protocol';

/** A viewer key: a catalogue key without its `viewer.` prefix. */
export type MessageKey = ViewerKey<CoreKey>;
type ViewerKey<K> = K extends `viewer.${infer R}` ? R : never;

function table(lang: ViewerLocale): Record<MessageKey, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(CATALOGUES[lang])) if (k.startsWith('viewer.')) out[k.slice(7)] = v;
  return out as Record<MessageKey, string>;
}

const en = table('en');

/** Every message in every language (exported for the catalogue test). */
export const CATALOGUE: Record<ViewerLocale, Record<MessageKey, string>> = { en, 'zh-cn': table('zh-cn') };

export type Translate = (key: MessageKey, args?: Record<string, string | number>) => string;

export function translator(locale: ViewerLocale | string | undefined): Translate {
  const table = CATALOGUE[normalizeLocale(locale)];
  return (key, args) => {
    let s = table[key] ?? en[key] ?? key;
    if (args) for (const [k, v] of Object.entries(args)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}

/** 'zh-cn', 'zh-CN', 'zh-hans', 'zh' -> 'zh-cn'; everything else -> 'en'. */
export function normalizeLocale(locale: string | undefined): ViewerLocale {
  const l = (locale ?? '').toLowerCase();
  if (l === 'zh' || l.startsWith('zh-cn') || l.startsWith('zh-hans') || l === 'zh-sg') return 'zh-cn';
  return 'en';
}
