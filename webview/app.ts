/**
 * The curve viewer: receives the host's messages, keeps the UI state (persisted with
 * getState/setState), and draws the charts, the series toggles, the findings pane and the
 * run summary. Redraws are coalesced: zoom/pan on the next frame, data (live appends) at most
 * ten times a second.
 */
import type { Finding } from '../src/core/diagnose/types';
import type { SmoothingMode } from '../src/core/smooth';
import {
  assertNever,
  type ExportFormat,
  isMessage,
  type ProgressMessage,
  type SnapshotMessage,
  type ToWebviewMessage,
  type ViewerLocale,
} from '../src/shared/protocol';
import { type ChartHost, ChartView } from './charts';
import { count, exact } from './format';
import { type MessageKey, normalizeLocale, type Translate, translator } from './i18n';
import { type ChartGroup, type SeriesModel, type SmoothingSetting, ViewModel, type XAxisMode } from './model';
import { el, renderFindings, renderForecasts, renderSeriesPane, renderSummary } from './panes';
import { buildChartContent, type ChartContent, forecastOf, fullExtent, groupOfFinding } from './render';
import { type AutoScale, autoScale } from './scale';
import { loadState, saveState, type ViewState, type VsCodeApi } from './state';
import { readTheme, type Theme, watchTheme } from './theme';

/** Live data redraws at most this often. */
export const REDRAW_INTERVAL_MS = 100;

const GROUP_ORDER: ChartGroup[] = ['loss', 'lr', 'grad', 'acc', 'other'];
const EPOCH_RE = /^(epoch|epochs|train[/_.]epoch|trainer\/epoch)$/i;

/** Line styles that tell the series of one run apart when runs are overlaid. */
const DASHES: number[][] = [[], [7, 3], [2, 2], [10, 3, 2, 3], [4, 4], [1, 3]];

const SPLIT_RE = /^(train|training|val|valid|validation|eval|test)[/_.-]+(.+)$/i;

/** train/box_loss and val/box_loss share a colour key ('box_loss'); train_loss and val_loss do not. */
function colourKey(s: SeriesModel): string {
  const m = SPLIT_RE.exec(s.name);
  if (!m || /^(total[_ ]?)?loss$/i.test(m[2])) return s.name;
  return `${s.group}:${m[2]}`;
}

export interface AppOptions {
  /** Time source (tests). */
  now?: () => number;
}

export class App implements ChartHost {
  readonly model = new ViewModel();
  state: ViewState;
  t: Translate = translator('en');
  locale: ViewerLocale = 'en';
  charts: ChartView[] = [];
  private currentTheme: Theme;
  private selected: number | undefined;
  private reveal: { x: number; label: string } | undefined;
  private extentCache: [number, number] | null = null;
  private autoScaleCache: { version: number; value: AutoScale } | null = null;
  private hasData = false;
  /** The data is a first picture; the findings are still being computed. */
  private analysing = false;
  /** The data is what has been read so far of a big log; the read goes on. */
  private reading = false;
  private lastProgress: ProgressMessage | undefined;
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private frameRequested = false;
  private lastRedraw = -Infinity;
  private readonly disposers: Array<() => void> = [];
  private readonly now: () => number;
  /** Milliseconds spent in the last redraw (decimation + chart.js). */
  lastRedrawMs = 0;
  /** Where the last redraw's time went, per chart (decimation vs chart.js). */
  lastTimings: Array<{ group: ChartGroup; buildMs: number; drawMs: number }> = [];
  redrawCount = 0;

  // DOM
  readonly root: HTMLElement;
  private readonly doc: Document;
  private readonly titleEl: HTMLElement;
  private readonly summaryEl: HTMLElement;
  /** The host reported an error (a run that failed, a log that could not be read). */
  private failed = false;
  /** The bytes read with a Cancel button while the host reads the logs; the overview note after. */
  private readonly progressEl: HTMLElement;
  private readonly toolbar: HTMLElement;
  private readonly chartsEl: HTMLElement;
  private readonly seriesList: HTMLElement;
  private readonly findingsList: HTMLElement;
  /** The expected values of the losses (forecasts), under the findings. */
  private readonly forecastList: HTMLElement;
  private readonly findingsHeading: HTMLElement;
  private readonly seriesHeading: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly controls: {
    smoothing: HTMLSelectElement;
    weight: HTMLInputElement;
    weightOut: HTMLOutputElement;
    weightLabel: HTMLElement;
    xAxis: HTMLSelectElement;
    logY: HTMLInputElement;
    /** "(auto: values span 20 decades)" beside the log scale box while the default is automatic. */
    logNote: HTMLElement;
    outliers: HTMLInputElement;
    /** Draw the forecasts (dashed, with their 80% band). */
    forecast: HTMLInputElement;
    reset: HTMLButtonElement;
    exportSel: HTMLSelectElement;
    labels: Array<[HTMLElement, MessageKey]>;
  };

  constructor(
    root: HTMLElement,
    private readonly api: VsCodeApi,
    opts: AppOptions = {},
  ) {
    this.root = root;
    this.doc = root.ownerDocument;
    this.now = opts.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
    this.state = loadState(api);
    this.currentTheme = readTheme(this.doc);
    const d = this.doc;

    this.titleEl = el(d, 'h1', 'll-title', this.t('loading'));
    this.summaryEl = el(d, 'div', 'll-summary');
    this.progressEl = el(d, 'div', 'll-progress');
    this.progressEl.setAttribute('role', 'status');
    this.progressEl.hidden = true;
    const header = el(d, 'header', 'll-header', this.titleEl, this.summaryEl, this.progressEl);

    const labels: Array<[HTMLElement, MessageKey]> = [];
    const label = (key: MessageKey) => {
      const s = el(d, 'span', 'ctl-label', this.t(key));
      labels.push([s, key]);
      return s;
    };
    const smoothing = d.createElement('select');
    smoothing.className = 'ctl-smoothing';
    const weight = d.createElement('input');
    weight.type = 'range';
    weight.className = 'ctl-weight';
    const weightOut = d.createElement('output');
    weightOut.className = 'ctl-weight-value';
    const weightLabel = label('weight');
    const xAxis = d.createElement('select');
    xAxis.className = 'ctl-xaxis';
    const logY = d.createElement('input');
    logY.type = 'checkbox';
    logY.className = 'ctl-logy';
    const logNote = el(d, 'span', 'ctl-note ctl-logy-note');
    logNote.hidden = true;
    const outliers = d.createElement('input');
    outliers.type = 'checkbox';
    outliers.className = 'ctl-outliers';
    const forecast = d.createElement('input');
    forecast.type = 'checkbox';
    forecast.className = 'ctl-forecast';
    const reset = el(d, 'button', 'ctl-reset');
    reset.type = 'button';
    labels.push([reset, 'resetZoom']);
    reset.textContent = this.t('resetZoom');
    const exportSel = d.createElement('select');
    exportSel.className = 'ctl-export';
    exportSel.setAttribute('aria-label', this.t('export'));
    this.controls = { smoothing, weight, weightOut, weightLabel, xAxis, logY, logNote, outliers, forecast, reset, exportSel, labels };

    this.toolbar = el(
      d,
      'div',
      'll-toolbar',
      el(d, 'label', 'ctl', label('smoothing'), smoothing),
      el(d, 'label', 'ctl ctl-weight-box', weightLabel, weight, weightOut),
      el(d, 'label', 'ctl', label('xAxis'), xAxis),
      el(d, 'label', 'ctl ctl-check', logY, label('logScale'), logNote),
      el(d, 'label', 'ctl ctl-check', outliers, label('ignoreOutliers')),
      el(d, 'label', 'ctl ctl-check', forecast, label('forecast')),
      reset,
      exportSel,
    );
    this.toolbar.setAttribute('role', 'toolbar');

    this.chartsEl = el(d, 'div', 'll-charts');
    this.seriesHeading = el(d, 'h2', 'pane-title', this.t('series'));
    this.seriesList = el(d, 'ul', 'series-list');
    this.findingsHeading = el(d, 'h2', 'pane-title', this.t('findings'));
    this.findingsList = el(d, 'ol', 'findings-list');
    this.forecastList = el(d, 'ul', 'forecast-list');
    this.forecastList.setAttribute('aria-label', this.t('forecastHeading'));
    const side = el(
      d,
      'aside',
      'll-side',
      el(d, 'section', 'll-findings', this.findingsHeading, this.findingsList, this.forecastList),
      el(d, 'section', 'll-series', this.seriesHeading, this.seriesList),
    );
    this.statusEl = el(d, 'div', 'll-status');
    this.statusEl.setAttribute('role', 'status');
    const body = el(d, 'div', 'll-body', this.chartsEl, side);
    root.replaceChildren(header, this.toolbar, body, this.statusEl);
    root.classList.add('ll-root');

    this.fillControls();
    this.bindControls();
    this.disposers.push(watchTheme(this.doc, t => this.onTheme(t)));
    if (typeof ResizeObserver !== 'undefined') {
      let lastWidth = -1;
      const ro = new ResizeObserver(() => {
        const w = this.chartsEl.clientWidth;
        if (w !== lastWidth) {
          lastWidth = w;
          if (this.hasData) this.scheduleFrame();
        }
      });
      ro.observe(this.chartsEl);
      this.disposers.push(() => ro.disconnect());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Messages

  handle(message: unknown): void {
    if (!isMessage(message)) return;
    const m = message as ToWebviewMessage;
    try {
      switch (m.type) {
        case 'snapshot':
          this.onSnapshot(m);
          break;
        case 'append':
          if (this.model.append(m.runId, m.series, m.events, m.done)) {
            this.extentCache = null;
            this.scheduleDataRedraw();
          }
          break;
        case 'findings':
          this.model.findings = m.findings;
          if (m.summaries) this.model.summaries = m.summaries;
          if (this.selected !== undefined && this.selected >= m.findings.length) this.selected = undefined;
          this.scheduleDataRedraw();
          break;
        case 'reveal':
          this.onReveal(m.source, m.series, m.step, m.endStep);
          break;
        case 'requestPng': {
          const png = this.png();
          this.api.postMessage(
            png.ok
              ? { type: 'exportPng', requestId: m.requestId, dataUrl: png.dataUrl }
              : { type: 'exportPng', requestId: m.requestId, error: png.error },
          );
          break;
        }
        case 'error':
          this.showStatus(m.message, true);
          // (a run that failed before logging anything: no "0 points", no "No problems found")
          this.failed = true;
          this.renderSummaryLine();
          this.renderFindingsPane();
          break;
        case 'progress':
          this.onProgress(m);
          break;
        default:
          assertNever(m);
      }
    } catch (e) {
      const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
      this.api.postMessage({ type: 'error', message: `webview: ${text}` });
      this.showStatus(e instanceof Error ? e.message : String(e), true);
    }
  }

  /** The host is reading the logs: bytes read, %, and Cancel (or that it was cancelled). */
  private onProgress(m: ProgressMessage): void {
    this.lastProgress = m;
    if (this.hasData && !this.reading && !(this.analysing && m.state === 'cancelled')) return;
    this.analysing = false;
    this.setLocale(m.locale);
    if (!this.hasData) this.titleEl.textContent = m.title;
    const d = this.doc;
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const pct = m.total > 0 ? Math.floor((100 * m.done) / m.total) : 0;
    const args = { file: m.file || m.title, done: mb(m.done), total: mb(m.total), pct };
    const text =
      m.state === 'cancelled'
        ? this.t('progressCancelled', args)
        : m.total > 0 && m.done >= m.total
          ? this.t('progressAnalysing', args)
          : this.t('progressReading', args);
    const bar = d.createElement('progress');
    bar.className = 'll-progress-bar';
    bar.max = 100;
    bar.value = pct;
    const children: Array<Node | string> = [el(d, 'span', 'll-progress-text', text), bar];
    if (m.state !== 'cancelled') {
      const cancel = el(d, 'button', 'll-cancel', this.t('progressCancel'));
      cancel.addEventListener('click', () => {
        cancel.disabled = true;
        this.api.postMessage({ type: 'cancelLoad' });
      });
      children.push(cancel);
    }
    this.progressEl.replaceChildren(...children);
    this.progressEl.classList.toggle('cancelled', m.state === 'cancelled');
    this.progressEl.hidden = false;
  }

  /** Under the summary: how much of a long log the overview draws (and that it is analysed). */
  private showOverviewNote(m: SnapshotMessage): void {
    this.analysing = m.analysing === true;
    this.reading = m.reading === true;
    if (this.reading) {
      // A picture of the part read so far: the progress goes on under the summary.
      if (this.lastProgress) this.onProgress(this.lastProgress);
      return;
    }
    let shown = 0;
    let total = 0;
    for (const r of m.runs) {
      for (const s of r.series) {
        if (s.total === undefined) continue;
        shown += s.steps.length;
        total += s.total;
      }
    }
    this.progressEl.classList.remove('cancelled');
    if (!total && !this.analysing) {
      this.progressEl.replaceChildren();
      this.progressEl.hidden = true;
      return;
    }
    const note = this.t('overviewNote', { shown: count(shown), total: count(total) });
    const children: Array<Node | string> = [el(this.doc, 'span', 'll-overview', note)];
    if (this.analysing) {
      children.unshift(el(this.doc, 'span', 'll-progress-text', this.t('progressAnalysing', { file: m.title })));
      const cancel = el(this.doc, 'button', 'll-cancel', this.t('progressCancel'));
      cancel.addEventListener('click', () => {
        cancel.disabled = true;
        this.api.postMessage({ type: 'cancelLoad' });
      });
      children.splice(1, 0, cancel);
    }
    this.progressEl.replaceChildren(...children);
    this.progressEl.hidden = false;
  }

  private onSnapshot(m: SnapshotMessage): void {
    this.setLocale(m.locale);
    this.showOverviewNote(m);
    this.model.title = m.title;
    this.model.load(m.runs);
    this.model.findings = m.findings;
    this.model.summaries = m.summaries;
    this.model.problems = m.problems;
    this.extentCache = null;
    this.hasData = true;
    this.selected = undefined;
    this.titleEl.textContent = m.title;
    // A restored view keeps its axis only when the data still has it.
    if (!this.model.availableXModes().includes(this.state.xAxis)) {
      this.state.xAxis = 'step';
      this.state.zoom = null;
    }
    this.fillControls();
    this.syncCharts();
    this.renderPanes();
    this.redrawNow();
    this.renderProblems();
  }

  private setLocale(locale: string): void {
    this.locale = normalizeLocale(locale);
    this.t = translator(this.locale);
    this.doc.documentElement.lang = this.locale === 'zh-cn' ? 'zh-CN' : 'en';
    for (const [e, key] of this.controls.labels) e.textContent = this.t(key);
    this.seriesHeading.textContent = this.t('series');
    this.findingsHeading.textContent = this.t('findings');
    this.controls.reset.title = this.t('zoomHint');
    this.controls.exportSel.setAttribute('aria-label', this.t('export'));
  }

  // ------------------------------------------------------------------------------------------
  // Controls

  private fillControls(): void {
    const c = this.controls;
    const opt = (sel: HTMLSelectElement, value: string, key: MessageKey) => {
      const o = this.doc.createElement('option');
      o.value = value;
      o.textContent = this.t(key);
      sel.appendChild(o);
    };
    c.smoothing.replaceChildren();
    opt(c.smoothing, 'off', 'smoothOff');
    opt(c.smoothing, 'ema', 'smoothEma');
    opt(c.smoothing, 'ema-x', 'smoothEmaX');
    opt(c.smoothing, 'window', 'smoothWindow');
    c.smoothing.value = this.state.smoothing;

    c.xAxis.replaceChildren();
    const keys: Record<XAxisMode, MessageKey> = {
      step: 'xStep',
      epoch: 'xEpoch',
      relative: 'xRelative',
      wall: 'xWall',
    };
    for (const mode of this.hasData ? this.model.availableXModes() : (['step'] as XAxisMode[])) {
      opt(c.xAxis, mode, keys[mode]);
    }
    c.xAxis.value = this.state.xAxis;
    c.xAxis.disabled = c.xAxis.options.length < 2;

    c.exportSel.replaceChildren();
    opt(c.exportSel, '', 'export');
    opt(c.exportSel, 'png', 'exportPng');
    opt(c.exportSel, 'csv', 'exportCsv');
    opt(c.exportSel, 'json', 'exportJson');
    opt(c.exportSel, 'html', 'exportHtml');
    c.exportSel.value = '';

    this.syncLogY();
    c.outliers.checked = this.state.ignoreOutliers;
    c.forecast.checked = this.state.showForecast;
    c.forecast.disabled = !this.model.runs.some(r => r.forecasts.length > 0);
    this.syncWeight();
  }

  private syncWeight(): void {
    const c = this.controls;
    const mode = this.state.smoothing;
    const box = c.weight.parentElement;
    if (box) box.hidden = mode === 'off';
    if (mode === 'window') {
      c.weightLabel.textContent = this.t('window');
      c.weight.min = '1';
      c.weight.max = '201';
      c.weight.step = '2';
      c.weight.value = String(this.state.window);
      c.weightOut.textContent = String(this.state.window);
    } else {
      c.weightLabel.textContent = this.t('weight');
      c.weight.min = '0';
      c.weight.max = '0.99';
      c.weight.step = '0.01';
      c.weight.value = String(this.state.weight);
      c.weightOut.textContent = this.state.weight.toFixed(2);
    }
  }

  private bindControls(): void {
    const c = this.controls;
    const on = (e: EventTarget, type: string, fn: () => void) => {
      e.addEventListener(type, fn);
      this.disposers.push(() => e.removeEventListener(type, fn));
    };
    on(c.smoothing, 'change', () => this.setSmoothing(c.smoothing.value as SmoothingMode));
    on(c.weight, 'input', () => {
      const v = Number(c.weight.value);
      if (this.state.smoothing === 'window') this.state.window = Math.max(1, Math.round(v));
      else this.state.weight = Math.min(0.99, Math.max(0, v));
      this.syncWeight();
      this.persist();
      this.scheduleFrame();
    });
    on(c.xAxis, 'change', () => this.setXAxis(c.xAxis.value as XAxisMode));
    on(c.logY, 'change', () => this.setLogY(c.logY.checked));
    on(c.outliers, 'change', () => this.setIgnoreOutliers(c.outliers.checked));
    on(c.forecast, 'change', () => this.setShowForecast(c.forecast.checked));
    on(c.reset, 'click', () => this.onResetZoom());
    on(c.exportSel, 'change', () => {
      const v = c.exportSel.value as ExportFormat | '';
      c.exportSel.value = '';
      if (v) this.exportAs(v);
    });
  }

  setSmoothing(mode: SmoothingMode): void {
    this.state.smoothing = mode;
    this.controls.smoothing.value = mode;
    this.syncWeight();
    this.persist();
    this.redrawNow();
  }

  setLogY(on: boolean): void {
    this.state.logY = on;
    this.state.logYChosen = true;
    this.syncLogY();
    this.persist();
    this.redrawNow();
  }

  /** The automatic y scale for the series shown (cached per data version). */
  autoScale(): AutoScale {
    const series = this.visibleSeries();
    let version = series.length;
    for (const s of series) version = version * 31 + s.version + s.length + s.run.index;
    if (!this.autoScaleCache || this.autoScaleCache.version !== version) {
      this.autoScaleCache = { version, value: autoScale(series) };
    }
    return this.autoScaleCache.value;
  }

  /** Log y scale: the user's choice where they made one, otherwise the automatic default. */
  logYOn(): boolean {
    return this.state.logYChosen ? this.state.logY : this.hasData && this.autoScale().log;
  }

  /** The checkbox and its "(auto: …)" note follow the effective scale. */
  private syncLogY(): void {
    const c = this.controls;
    const on = this.logYOn();
    c.logY.checked = on;
    const auto = !this.state.logYChosen && on;
    c.logNote.hidden = !auto;
    c.logNote.textContent = auto ? this.t('logAuto', { n: Math.round(this.autoScale().decades) }) : '';
  }

  setShowForecast(on: boolean): void {
    this.state.showForecast = on;
    this.controls.forecast.checked = on;
    this.extentCache = null;
    this.persist();
    this.redrawNow();
  }

  setIgnoreOutliers(on: boolean): void {
    this.state.ignoreOutliers = on;
    this.controls.outliers.checked = on;
    this.persist();
    this.redrawNow();
  }

  setXAxis(mode: XAxisMode): void {
    if (!this.model.availableXModes().includes(mode)) return;
    // Keep the same part of the run in view: map the zoom through steps.
    this.state.xAxis = mode;
    this.state.zoom = null;
    this.reveal = undefined;
    this.extentCache = null;
    this.controls.xAxis.value = mode;
    this.persist();
    this.redrawNow();
  }

  /** Show or hide a series everywhere (charts, legend, pane). */
  setSeriesVisible(s: SeriesModel, visible: boolean): void {
    const key = s.persistKey;
    if (this.hiddenByDefault(s)) {
      const shown = new Set(this.state.shown);
      if (visible) shown.add(key);
      else shown.delete(key);
      this.state.shown = [...shown];
    } else {
      const hidden = new Set(this.state.hidden);
      if (visible) hidden.delete(key);
      else hidden.add(key);
      this.state.hidden = [...hidden];
    }
    this.extentCache = null;
    this.persist();
    this.syncCharts();
    this.renderSeries();
    this.redrawNow();
  }

  /** Zoom to [x0, x1] in the current axis units (null: everything). */
  setRange(range: [number, number] | null, persist = true): void {
    this.state.zoom = range && range[1] > range[0] ? [range[0], range[1]] : null;
    if (persist) this.persist();
    this.redrawNow();
  }

  // ------------------------------------------------------------------------------------------
  // ChartHost

  theme(): Theme {
    return this.currentTheme;
  }
  xMode(): XAxisMode {
    return this.state.xAxis;
  }
  smoothing(): SmoothingSetting {
    return { mode: this.state.smoothing, weight: this.state.weight, window: this.state.window };
  }
  /**
   * One run: a colour per series, where the train and validation halves of a loss part
   * (train/box_loss, val/box_loss) share one and the validation one is dashed. Several runs:
   * a colour per run, validation dashed, loss parts dotted.
   */
  colorOf(s: SeriesModel): string {
    const p = this.currentTheme.palette;
    if (this.model.runs.length > 1) return p[s.run.index % p.length];
    const keys = this.paletteOrder(s.run);
    return p[Math.max(0, keys.indexOf(colourKey(s))) % p.length];
  }
  dashOf(s: SeriesModel): number[] {
    const val = s.role === 'val_loss' || s.role === 'val_acc';
    if (this.model.runs.length <= 1) return val && colourKey(s) !== s.name ? [6, 3] : [];
    // Several runs: a dash per series of a run within its chart.
    const same = this.plottable().filter(x => x.run === s.run && x.group === s.group);
    return DASHES[Math.max(0, same.indexOf(s)) % DASHES.length];
  }
  labelOf(s: SeriesModel): string {
    return this.model.runs.length > 1 ? `${s.run.name}: ${s.name}` : s.name;
  }
  extent(): [number, number] | null {
    if (!this.extentCache) {
      const ext = fullExtent(this.visibleSeries(), this.state.xAxis);
      // The forecasts reach past the last point: the full view shows where they end.
      if (ext && this.state.showForecast) {
        for (const s of this.visibleSeries()) {
          const f = forecastOf(s, this.state.xAxis);
          if (f && f.x.length) ext[1] = Math.max(ext[1], f.x[f.x.length - 1]);
        }
      }
      this.extentCache = ext;
    }
    return this.extentCache;
  }
  selectedFinding(): number | undefined {
    return this.selected;
  }
  firstGroup(): ChartGroup | undefined {
    return this.charts[0]?.group;
  }
  onUserRange(x0: number, x1: number, done: boolean): void {
    const ext = this.extent();
    const full = ext && x0 <= ext[0] && x1 >= ext[1];
    this.state.zoom = full || !(x1 > x0) ? null : [x0, x1];
    if (done) this.persist();
    this.scheduleFrame();
  }
  onResetZoom(): void {
    this.reveal = undefined;
    this.setRange(null);
  }
  onToggleSeries(s: SeriesModel): void {
    this.setSeriesVisible(s, !this.isVisible(s));
  }
  onFindingClick(index: number): void {
    this.selectFinding(index);
  }

  private paletteCache = new WeakMap<object, { size: number; keys: string[] }>();
  /** Colour order within a run: the plotted series' colour keys, loss chart first. */
  private paletteOrder(run: SeriesModel['run']): string[] {
    const hit = this.paletteCache.get(run);
    if (hit && hit.size === run.series.size) return hit.keys;
    const plotted = this.plottable().filter(s => s.run === run);
    plotted.sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
    const keys = [...new Set(plotted.map(colourKey))];
    this.paletteCache.set(run, { size: run.series.size, keys });
    return keys;
  }

  // ------------------------------------------------------------------------------------------
  // Series, charts

  /** Every plotted series (not hidden, not the epoch counter), in run order. */
  visibleSeries(): SeriesModel[] {
    return this.plottable().filter(s => this.isVisible(s));
  }

  /** Series that can be drawn (hidden or not): everything but the epoch counter. */
  plottable(): SeriesModel[] {
    return this.model.allSeries().filter(s => s.length > 0 && !EPOCH_RE.test(s.name));
  }

  /** Other metrics (mAP, dice, ...) beside a loss start hidden: the toggles show them. */
  private hiddenByDefault(s: SeriesModel): boolean {
    return s.group === 'other' && this.model.runs.some(r => [...r.series.values()].some(x => x.group === 'loss'));
  }

  isVisible(s: SeriesModel): boolean {
    return this.hiddenByDefault(s) ? this.state.shown.includes(s.persistKey) : !this.state.hidden.includes(s.persistKey);
  }

  /** A chart per group present; the other-metrics chart only while one of them is shown. */
  private groupsWanted(): ChartGroup[] {
    const present = new Set<ChartGroup>();
    for (const s of this.plottable()) if (s.group !== 'other' || this.isVisible(s)) present.add(s.group);
    return GROUP_ORDER.filter(g => present.has(g));
  }

  /** Create / remove chart views to match the groups present. */
  private syncCharts(): void {
    const wanted = this.groupsWanted();
    const have = this.charts.map(c => c.group);
    if (wanted.length === have.length && wanted.every((g, i) => g === have[i])) return;
    for (const c of this.charts) c.destroy();
    this.charts = [];
    for (const g of wanted) this.charts.push(new ChartView(this.chartsEl, g, this));
    if (this.charts.length) this.charts[0].box.classList.add('main');
    if (!wanted.length) this.chartsEl.replaceChildren(el(this.doc, 'p', 'll-empty', this.t('noData')));
    else this.chartsEl.querySelector('.ll-empty')?.remove();
  }

  /** Findings with their index, for one chart (those whose series has no chart go on the first). */
  private findingsFor(group: ChartGroup): Array<{ finding: Finding; index: number }> {
    const groups = new Set(this.charts.map(c => c.group));
    const first = this.charts[0]?.group;
    const out: Array<{ finding: Finding; index: number }> = [];
    this.model.findings.forEach((f, index) => {
      // A hidden series takes its findings' marks off the chart (the pane keeps them).
      const s = this.model.runBySource(f.source)?.series.get(f.series);
      if (s && !this.isVisible(s) && index !== this.selected) return;
      let g = groupOfFinding(this.model, f);
      if (!groups.has(g)) g = first ?? 'loss';
      if (g === group) out.push({ finding: f, index });
    });
    return out;
  }

  /** Decimate the visible range and redraw every chart now. */
  redrawNow(): void {
    if (this.redrawTimer !== undefined) {
      clearTimeout(this.redrawTimer);
      this.redrawTimer = undefined;
    }
    if (!this.hasData) return;
    const t0 = this.now();
    this.syncCharts();
    const visible = this.visibleSeries();
    const ext = this.extent();
    let x0: number;
    let x1: number;
    const zoom = this.state.zoom;
    if (zoom) [x0, x1] = zoom;
    else if (ext) [x0, x1] = ext[1] > ext[0] ? ext : [ext[0] - 1, ext[1] + 1];
    else [x0, x1] = [0, 1];
    const smoothing = this.smoothing();
    const timings: Array<{ group: ChartGroup; buildMs: number; drawMs: number }> = [];
    let tb = this.now();
    for (const chart of this.charts) {
      const series = visible.filter(s => s.group === chart.group);
      const content: ChartContent = buildChartContent(
        this.model,
        chart.group,
        series,
        {
          xMode: this.state.xAxis,
          smoothing,
          logY: this.logYOn(),
          ignoreOutliers: this.state.ignoreOutliers,
          forecast: this.state.showForecast,
          x0,
          x1,
          pixels: chart.pixels(),
        },
        this.findingsFor(chart.group),
      );
      if (this.reveal) content.reveal = this.reveal;
      const t1 = this.now();
      chart.render(content, x0, x1);
      timings.push({ group: chart.group, buildMs: t1 - tb, drawMs: this.now() - t1 });
      tb = this.now();
    }
    this.lastTimings = timings;
    if (!this.state.logYChosen) this.syncLogY();
    this.lastRedraw = this.now();
    this.lastRedrawMs = this.lastRedraw - t0;
    this.redrawCount++;
  }

  /** Redraw on the next frame (zoom, pan, sliders). */
  scheduleFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    const run = () => {
      this.frameRequested = false;
      this.redrawNow();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else setTimeout(run, 16);
  }

  /** Redraw for new data: at most every REDRAW_INTERVAL_MS; panes follow. */
  scheduleDataRedraw(): void {
    if (this.redrawTimer !== undefined) return;
    const wait = Math.max(0, this.lastRedraw + REDRAW_INTERVAL_MS - this.now());
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.fillControlsIfModesChanged();
      this.syncCharts();
      this.renderPanes();
      this.redrawNow();
    }, wait);
  }

  private fillControlsIfModesChanged(): void {
    const modes = this.model.availableXModes();
    const opts = Array.from(this.controls.xAxis.options, o => o.value);
    if (modes.length !== opts.length) this.fillControls();
  }

  // ------------------------------------------------------------------------------------------
  // Panes

  private renderPanes(): void {
    this.renderSummaryLine();
    this.renderSeries();
    this.renderFindingsPane();
  }

  private renderSeries(): void {
    const order = (s: SeriesModel) => s.run.index * 10 + GROUP_ORDER.indexOf(s.group);
    const list = this.plottable().sort((a, b) => order(a) - order(b));
    renderSeriesPane(this.seriesList, list, {
      t: this.t,
      isVisible: s => this.isVisible(s),
      colorOf: s => this.colorOf(s),
      dashed: s => this.dashOf(s).length > 0,
      onToggle: (s, visible) => this.setSeriesVisible(s, visible),
      byRun: this.model.runs.length > 1,
    });
  }

  private renderSummaryLine(): void {
    const summaries = this.failed ? this.model.summaries.filter(x => x.points > 0) : this.model.summaries;
    renderSummary(this.summaryEl, summaries, this.t);
  }

  private renderFindingsPane(): void {
    if (this.failed && this.model.findings.length === 0 && this.model.summaries.every(x => x.points === 0)) {
      this.findingsList.replaceChildren(el(this.doc, 'li', 'finding-none', this.t('failedNoData')));
      return;
    }
    renderForecasts(this.forecastList, this.model.runs, this.t);
    if (this.reading) {
      this.findingsList.replaceChildren(el(this.doc, 'li', 'finding-none', this.t('findingsPending')));
      return;
    }
    if (this.analysing) {
      this.findingsList.replaceChildren(el(this.doc, 'li', 'finding-none', this.t('progressAnalysing', { file: this.model.title })));
      return;
    }
    renderFindings(this.findingsList, this.model.findings, {
      t: this.t,
      selected: this.selected,
      onSelect: i => this.selectFinding(i),
      runLabel:
        this.model.runs.length > 1 ? f => this.model.runBySource(f.source)?.name : undefined,
    });
  }

  private renderProblems(): void {
    const problems = this.model.problems;
    if (!problems.length) {
      this.showStatus('', false);
      return;
    }
    const d = this.doc;
    const list = el(d, 'ul', 'problems');
    for (const p of problems) list.appendChild(el(d, 'li', undefined, el(d, 'code', undefined, p.source), `: ${p.message}`));
    this.statusEl.replaceChildren(el(d, 'strong', undefined, this.t('problems')), list);
    this.statusEl.classList.add('warn');
  }

  private showStatus(text: string, error: boolean): void {
    this.statusEl.replaceChildren(text ? this.doc.createTextNode(text) : '');
    this.statusEl.classList.toggle('error', error && !!text);
  }

  /** Select a finding: zoom the chart to it, mark it, and ask the host to show its log line. */
  selectFinding(index: number): void {
    const f = this.model.findings[index];
    if (!f) return;
    this.selected = index;
    this.reveal = undefined;
    const run = this.model.runBySource(f.source);
    if (Number.isFinite(f.step)) {
      const end = f.endStep !== undefined && Number.isFinite(f.endStep) ? f.endStep : f.step;
      this.zoomToSteps(run?.source, f.series, f.step, end);
    } else {
      this.redrawNow();
    }
    this.renderFindingsPane();
    this.findingsList.querySelector('li.selected')?.scrollIntoView?.({ block: 'nearest' });
    const source = f.source ?? run?.source;
    if (source) {
      this.api.postMessage({
        type: 'revealSource',
        source,
        line: f.line,
        series: f.series,
        step: Number.isFinite(f.step) ? f.step : undefined,
      });
    }
  }

  private onReveal(source: string | undefined, series: string | undefined, step: number, endStep?: number): void {
    if (!this.hasData || !Number.isFinite(step)) return;
    const run = this.model.runBySource(source);
    const x = this.model.stepToX(run, series, step, this.state.xAxis);
    this.reveal = Number.isFinite(x) ? { x, label: `${this.t('step')} ${exact(step)}` } : undefined;
    const match = this.model.findings.findIndex(
      f => f.step === step && (series === undefined || f.series === series) && (source === undefined || (f.source ?? run?.source) === source),
    );
    if (match >= 0) {
      this.selected = match;
      this.renderFindingsPane();
    }
    this.zoomToSteps(run?.source, series, step, endStep ?? step);
  }

  /** Zoom so that steps [a, b] of a run sit in the middle of the view with some context. */
  private zoomToSteps(source: string | undefined, series: string | undefined, a: number, b: number): void {
    const run = this.model.runBySource(source);
    const mode = this.state.xAxis;
    const xa = this.model.stepToX(run, series, a, mode);
    const xb = this.model.stepToX(run, series, b, mode);
    const ext = this.extent();
    if (!Number.isFinite(xa) || !ext) {
      this.redrawNow();
      return;
    }
    const lo = Math.min(xa, Number.isFinite(xb) ? xb : xa);
    const hi = Math.max(xa, Number.isFinite(xb) ? xb : xa);
    const span = ext[1] - ext[0];
    const margin = Math.max((hi - lo) * 0.5, span * 0.04, 1e-9);
    const x0 = Math.max(ext[0], lo - margin);
    const x1 = Math.min(ext[1], hi + margin);
    this.setRange(x1 > x0 ? [x0, x1] : null);
  }

  // ------------------------------------------------------------------------------------------
  // Export, theme, state

  exportAs(format: ExportFormat): void {
    if (format === 'png') {
      const png = this.png();
      this.api.postMessage(png.ok ? { type: 'exportPng', dataUrl: png.dataUrl } : { type: 'exportPng', error: png.error });
      return;
    }
    this.api.postMessage({ type: 'exportData', format });
  }

  /** All charts stacked on the theme background, as a PNG data URL. */
  png(): { ok: true; dataUrl: string } | { ok: false; error: string } {
    try {
      const canvases = this.charts.map(c => c.canvas).filter(c => c.width > 0 && c.height > 0);
      if (!canvases.length) return { ok: false, error: 'nothing drawn' };
      const gap = 8;
      const width = Math.max(...canvases.map(c => c.width));
      const height = canvases.reduce((h, c) => h + c.height, 0) + gap * (canvases.length - 1);
      const out = this.doc.createElement('canvas');
      out.width = width;
      out.height = height;
      const ctx = out.getContext('2d');
      if (!ctx) return { ok: false, error: 'no 2d context' };
      ctx.fillStyle = this.currentTheme.background;
      ctx.fillRect(0, 0, width, height);
      let y = 0;
      for (const c of canvases) {
        ctx.drawImage(c, 0, y);
        y += c.height + gap;
      }
      return { ok: true, dataUrl: out.toDataURL('image/png') };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  private onTheme(t: Theme): void {
    this.currentTheme = t;
    for (const c of this.charts) c.applyTheme();
    if (this.hasData) {
      this.renderSeries();
      this.redrawNow();
    }
  }

  private persist(): void {
    saveState(this.api, this.state);
  }

  dispose(): void {
    if (this.redrawTimer !== undefined) clearTimeout(this.redrawTimer);
    for (const d of this.disposers) d();
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }
}
