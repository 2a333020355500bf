/**
 * Text of the editor integration (diagnostic messages, hovers, the code lens), in English or
 * Simplified Chinese: the labels are the `editor.*` section of the core catalogue (src/core/i18n).
 * Pure: no vscode.
 */
import type { Evidence, Finding, Lang, Severity } from '../../../core/diagnose/types';
import { type MessageKey, t } from '../../../core/i18n';
import { CommandId } from '../../commands';

/** The labels of the editor texts in `lang` (the `editor.*` section of the core catalogue). */
function labels(lang: Lang) {
  const l = (key: MessageKey, params?: Record<string, string>) => t(lang, key, params);
  return {
    severity: (s: Severity) => l(`editor.severity.${s}`),
    evidence: l('editor.evidence'),
    fixes: l('editor.fixes'),
    confidence: l('editor.confidence'),
    step: (step: string) => l('editor.step', { step }),
    steps: (from: string, to: string) => l('editor.steps', { from, to }),
    series: l('editor.series'),
    show: l('editor.show'),
    open: l('editor.open'),
    none: l('editor.none'),
  };
}

/** `diagnostic.message`: the title, then what was seen. */
export function diagnosticMessage(f: Finding): string {
  const title = f.title.trim();
  const msg = f.message.trim();
  if (!msg) return title;
  if (!title) return msg;
  return `${title}: ${msg}`;
}

/** Text for "Copy suggested fix": the first fix's code, else its detail (undefined: no fix). */
export function copyFixText(f: Finding): string | undefined {
  const fix = f.fixes[0];
  if (!fix) return undefined;
  const code = fix.code?.trim();
  return code ? code : fix.detail.trim() || fix.title;
}

/** Format a number for people: integers as they are, others with 4 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

function formatValue(v: Evidence[string], lang: Lang): string {
  if (v === null) return '—';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return t(lang, v ? 'editor.yes' : 'editor.no');
  if (Array.isArray(v)) {
    const shown = v.slice(0, 12).map(formatNumber).join(', ');
    return v.length > 12 ? `${shown}, … (${v.length})` : shown;
  }
  return String(v);
}

// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;

/**
 * Plain text (log-derived: series names, tags, messages that quote them) for markdown: control
 * characters and line breaks become spaces and every ASCII punctuation character is
 * backslash-escaped, so nothing in it can make a link, an image, a command link, HTML, an
 * autolink, a heading, a list or a theme icon. It renders as the same text.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(CONTROL, ' ').replace(/[!-/:-@[-`{-~]/g, m => `\\${m}`);
}

/** Log-derived text as an inline code span (nothing inside is markdown). */
export function markdownCode(s: string): string {
  return `\`${s.replace(CONTROL, ' ').replace(/`/g, "'")}\``;
}

/**
 * Log-derived text for a notification: VS Code makes `[label](command:…)` in a notification's
 * message a clickable link, so `](` is broken up (and control characters become spaces).
 */
export function plainNotice(s: string): string {
  return s.replace(CONTROL, ' ').replace(/\]\(/g, '] (');
}

function fence(code: string): string {
  let ticks = '```';
  while (code.includes(ticks)) ticks += '`';
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  const body = code.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, ' ');
  return `${ticks}python\n${body.replace(/\s+$/, '')}\n${ticks}`;
}

export interface HoverOptions {
  lang: Lang;
  /**
   * When set, each finding ends with a "Show in Loss Lens" command link that runs
   * `lossLens.revealStep(uri, step, series)` (the hover must trust that command).
   */
  revealUri?: string;
  revealCommand?: string;
}

/** Hover markdown for the findings on one line: what was seen, the evidence, the fixes in order. */
export function hoverMarkdown(findings: readonly Finding[], opts: HoverOptions): string {
  const L = labels(opts.lang);
  const parts: string[] = [];
  for (const f of findings) {
    const lines: string[] = [];
    lines.push(`**Loss Lens — ${escapeMarkdown(f.title)}**`);
    const where =
      f.endStep !== undefined && f.endStep !== f.step
        ? L.steps(formatNumber(f.step), formatNumber(f.endStep))
        : L.step(formatNumber(f.step));
    lines.push(
      `${markdownCode(f.kind)} · ${L.severity(f.severity)} · ${where} · ${L.series} ${markdownCode(f.series)} · ${L.confidence} ${Math.round(f.confidence * 100)}%`,
    );
    // Every text below may quote series names from the log: all of it is escaped.
    if (f.message.trim()) lines.push('', escapeMarkdown(f.message.trim()));
    const ev = Object.entries(f.evidence);
    if (ev.length > 0) {
      lines.push('', `**${L.evidence}**`, '');
      for (const [k, v] of ev) {
        const text = formatValue(v, opts.lang);
        lines.push(`- ${escapeMarkdown(k)}: ${typeof v === 'string' ? escapeMarkdown(text) : text}`);
      }
    }
    if (f.fixes.length > 0) {
      lines.push('', `**${L.fixes}**`, '');
      f.fixes.forEach((fix, i) => {
        lines.push(`${i + 1}. **${escapeMarkdown(fix.title)}** — ${escapeMarkdown(fix.detail)}`);
        if (fix.code && fix.code.trim()) {
          lines.push('', ...fence(fix.code).split('\n').map(l => `   ${l}`), '');
        }
      });
    }
    if (opts.revealUri) {
      // Arguments built here, fully encoded: a ')' in a series name cannot end the link early.
      const args = encodeURIComponent(JSON.stringify([opts.revealUri, f.step, f.series])).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      lines.push('', `[${L.show}](command:${opts.revealCommand ?? CommandId.revealStep}?${args})`);
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n---\n\n');
}

/** The code lens title summing a run up: "2 errors, 1 warning — Open curves". */
export function codeLensTitle(findings: readonly Finding[], lang: Lang): string {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  const L = labels(lang);
  const count = (k: number, one: MessageKey, many: MessageKey) => t(lang, k === 1 ? one : many, { count: String(k) });
  const parts: string[] = [];
  if (n.error) parts.push(count(n.error, 'editor.count.error.one', 'editor.count.error.many'));
  if (n.warning) parts.push(count(n.warning, 'editor.count.warning.one', 'editor.count.warning.many'));
  if (n.info) parts.push(count(n.info, 'editor.count.info.one', 'editor.count.info.many'));
  return `${parts.length ? parts.join(t(lang, 'editor.listSeparator')) : L.none} — ${L.open}`;
}

/** Title of the "Show in Loss Lens" code action. */
export function showActionTitle(lang: Lang): string {
  return t(lang, 'editor.show');
}

export function copyActionTitle(lang: Lang): string {
  return t(lang, 'editor.copyFix');
}
