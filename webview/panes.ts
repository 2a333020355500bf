/**
 * The findings pane, the series toggles and the run summary header. Every string that comes
 * from a log or the engine (series names, titles, messages, fixes) goes in with textContent /
 * createTextNode, never as HTML.
 */
import type { Finding, Severity } from '../src/core/diagnose/types';
import { SEVERITY_RANK } from '../src/core/diagnose/types';
import type { ForecastCurve } from '../src/core/forecast';
import type { RunSummary } from '../src/shared/protocol';
import { compact, count, exact, percent, sig } from './format';
import type { MessageKey, Translate } from './i18n';
import type { SeriesModel } from './model';

type Children = Array<Node | string | null | undefined | false>;

/** document.createElement with a class and text/element children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className?: string,
  ...children: Children
): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  return e;
}

const SEVERITY_KEY: Record<Severity, MessageKey> = {
  error: 'severityError',
  warning: 'severityWarning',
  info: 'severityInfo',
};

/** Findings in display order: most severe first, then by step. Indices into `findings`. */
function findingOrder(findings: Finding[]): number[] {
  return findings
    .map((_, i) => i)
    .sort((a, b) => {
      const fa = findings[a];
      const fb = findings[b];
      const d = SEVERITY_RANK[fb.severity] - SEVERITY_RANK[fa.severity];
      if (d) return d;
      const sa = Number.isFinite(fa.step) ? fa.step : Infinity;
      const sb = Number.isFinite(fb.step) ? fb.step : Infinity;
      return sa - sb || a - b;
    });
}

export interface FindingsPaneOptions {
  t: Translate;
  selected: number | undefined;
  onSelect(index: number): void;
  /** Prefix each finding with its run when several runs are shown. */
  runLabel?(f: Finding): string | undefined;
}

export function renderFindings(list: HTMLElement, findings: Finding[], o: FindingsPaneOptions): void {
  const doc = list.ownerDocument;
  list.replaceChildren();
  if (!findings.length) {
    list.appendChild(el(doc, 'li', 'finding-none', o.t('noFindings')));
    return;
  }
  for (const i of findingOrder(findings)) {
    const f = findings[i];
    const li = el(doc, 'li', `finding sev-${f.severity}${o.selected === i ? ' selected' : ''}`);
    li.dataset.index = String(i);
    li.dataset.kind = f.kind;

    const icon = el(doc, 'span', `sev-icon sev-${f.severity}`);
    icon.setAttribute('role', 'img');
    icon.setAttribute('aria-label', o.t(SEVERITY_KEY[f.severity]));
    icon.title = o.t(SEVERITY_KEY[f.severity]);

    const meta: string[] = [];
    const run = o.runLabel?.(f);
    if (run) meta.push(run);
    if (f.series) meta.push(f.series);
    if (Number.isFinite(f.step)) {
      const range =
        f.endStep !== undefined && Number.isFinite(f.endStep) && f.endStep !== f.step
          ? `${exact(f.step)}–${exact(f.endStep)}`
          : exact(f.step);
      meta.push(`${o.t('step')} ${range}`);
    }
    if (f.line) meta.push(`${o.t('line')} ${f.line}`);

    const head = el(
      doc,
      'button',
      'finding-head',
      icon,
      el(doc, 'span', 'finding-title', f.title),
      el(doc, 'span', 'finding-meta', meta.join(' · ')),
    );
    head.type = 'button';
    head.title = o.t('openSource');
    li.appendChild(head);
    // The whole card selects the finding (the button keeps it reachable by keyboard), except
    // the fixes toggle and a click that ends a text selection (copying a snippet).
    li.addEventListener('click', e => {
      const target = e.target as Element | null;
      if (target?.closest?.('summary')) return;
      const sel = doc.defaultView?.getSelection?.();
      if (sel && !sel.isCollapsed && target?.closest?.('.finding-details, .finding-message')) return;
      o.onSelect(i);
    });
    li.appendChild(el(doc, 'p', 'finding-message', f.message));

    if (f.fixes.length) {
      const ol = el(doc, 'ol', 'finding-fixes');
      for (const fx of f.fixes) {
        const item = el(
          doc,
          'li',
          'fix',
          el(doc, 'span', 'fix-title', fx.title),
          fx.detail ? el(doc, 'span', 'fix-detail', fx.detail) : null,
        );
        if (fx.code) item.appendChild(el(doc, 'pre', 'fix-code', el(doc, 'code', undefined, fx.code)));
        ol.appendChild(item);
      }
      const details = el(doc, 'details', 'finding-details', el(doc, 'summary', undefined, o.t('fixes')), ol);
      if (o.selected === i || f.severity === 'error') details.open = true;
      li.appendChild(details);
    }
    list.appendChild(li);
  }
}

export interface SeriesPaneOptions {
  t: Translate;
  isVisible(s: SeriesModel): boolean;
  colorOf(s: SeriesModel): string;
  dashed(s: SeriesModel): boolean;
  onToggle(s: SeriesModel, visible: boolean): void;
  /** Group headings by run (compare view). */
  byRun: boolean;
}

export function renderSeriesPane(list: HTMLElement, series: SeriesModel[], o: SeriesPaneOptions): void {
  const doc = list.ownerDocument;
  list.replaceChildren();
  let lastRun: string | undefined;
  for (const s of series) {
    if (o.byRun && s.run.id !== lastRun) {
      lastRun = s.run.id;
      list.appendChild(el(doc, 'li', 'series-run', s.run.name));
    }
    const box = doc.createElement('input');
    box.type = 'checkbox';
    box.checked = o.isVisible(s);
    box.addEventListener('change', () => o.onToggle(s, box.checked));
    const swatch = el(doc, 'span', o.dashed(s) ? 'swatch dashed' : 'swatch');
    // CSSOM, not a style attribute: allowed by the CSP.
    swatch.style.color = o.colorOf(s);
    const meta = [`${count(s.length)} ${o.t('points')}`];
    if (s.nonFinite) meta.push(o.t('nonFiniteCount', { n: s.nonFinite }));
    const restarts = s.tracks().restarts.length;
    if (restarts) meta.push(`${restarts} ${o.t('restarts')}`);
    const label = el(
      doc,
      'label',
      'series-item',
      box,
      swatch,
      el(doc, 'span', 'series-name', s.name),
      el(doc, 'span', 'series-meta', meta.join(' · ')),
    );
    label.title = s.name;
    const li = el(doc, 'li', s.nonFinite ? 'series has-nonfinite' : 'series', label);
    li.dataset.series = s.persistKey;
    list.appendChild(li);
  }
}

/**
 * Where each loss is heading (the host's forecasts): one line per series, "Val Loss: 0.28 at
 * epoch 100 (80% interval 0.26–0.30)"; nothing when no series has a forecast.
 */
export function renderForecasts(
  list: HTMLElement,
  runs: ReadonlyArray<{ name: string; stepsAreEpochs: boolean; forecasts: ForecastCurve[] }>,
  t: Translate,
): void {
  const doc = list.ownerDocument;
  list.replaceChildren();
  const title = el(doc, 'li', 'forecast-title', t('forecastHeading'));
  list.appendChild(title);
  for (const r of runs) {
    for (const f of r.forecasts) {
      const series = runs.length > 1 ? `${r.name}: ${f.series}` : f.series;
      const unit = t(r.stepsAreEpochs ? 'epoch' : 'step');
      const text = t('forecastLine', { series, median: sig(f.median), step: exact(f.toStep), unit, low: sig(f.low), high: sig(f.high) });
      list.appendChild(el(doc, 'li', 'forecast-item', text));
    }
  }
  list.hidden = list.childElementCount === 1;
}

/** One line per run: identity, then whatever the summary holds. */
export function renderSummary(box: HTMLElement, summaries: RunSummary[], t: Translate): void {
  const doc = box.ownerDocument;
  box.replaceChildren();
  for (const s of summaries) {
    const line = el(doc, 'div', 'summary-line');
    // The page title already names a lone run.
    if (summaries.length > 1) line.appendChild(el(doc, 'span', 'summary-name', s.name));
    const facts: string[] = [s.format, `${count(s.points)} ${t('points')}`];
    if (s.lastStep !== undefined && Number.isFinite(s.lastStep)) {
      facts.push(`${compact(s.firstStep ?? 0)}–${compact(s.lastStep)} ${t('steps')}`);
    }
    line.appendChild(el(doc, 'span', 'summary-facts', facts.join(' · ')));
    if (s.live) line.appendChild(el(doc, 'span', 'chip chip-live', t('live')));
    if (s.convergence) {
      const chip = el(
        doc,
        'span',
        `chip conv conv-${s.convergence}`,
        `${t('convergence')}: ${t(`conv_${s.convergence}` as MessageKey)}`,
      );
      if (s.convergenceDetail) chip.title = s.convergenceDetail;
      line.appendChild(chip);
    }
    if (s.bestValStep !== undefined && s.bestValValue !== undefined) {
      line.appendChild(
        el(
          doc,
          'span',
          'chip best-val',
          t('bestValAt', {
            series: s.bestValSeries ?? t('bestVal'),
            value: compact(s.bestValValue),
            step: exact(s.bestValStep),
          }),
        ),
      );
    }
    if (s.earlyStopStep !== undefined && s.earlyStopSavedSteps !== undefined) {
      line.appendChild(
        el(
          doc,
          'span',
          'chip early-stop',
          t('earlyStopSaving', {
            step: exact(s.earlyStopStep),
            saved: compact(s.earlyStopSavedSteps),
            pct: s.earlyStopSavedFraction !== undefined ? percent(s.earlyStopSavedFraction) : '?',
          }),
        ),
      );
    }
    if (s.nonFinite) line.appendChild(el(doc, 'span', 'chip chip-nonfinite', t('nonFiniteCount', { n: s.nonFinite })));
    if (s.restarts) line.appendChild(el(doc, 'span', 'chip chip-restart', `${s.restarts} ${t('restarts')}`));
    box.appendChild(line);
  }
}
