/**
 * One chart.js chart per group (loss, learning rate, grad norm, accuracy), drawing what
 * render.ts computed. chart.js never samples: decimation is ours (parsing off, no Decimation
 * plugin), so zoom redraws are full resolution. Only the pieces used are registered.
 */
import {
  Chart,
  type ChartDataset,
  type ChartOptions,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  type Plugin,
  PointElement,
  Tooltip,
  type TooltipItem,
} from 'chart.js';
import annotationPlugin, { type AnnotationOptions } from 'chartjs-plugin-annotation';
import zoomPlugin from 'chartjs-plugin-zoom';
import { exact, sig, xExact, xTick } from './format';
import type { Translate } from './i18n';
import type { ChartGroup, SeriesModel, SmoothingSetting, XAxisMode } from './model';
import type { ChartContent, DatasetSpec, MarkerGroup } from './render';
import { type Theme, withAlpha } from './theme';

let registered = false;
function registerChartJs(): void {
  if (registered) return;
  Chart.register(
    LineController,
    LineElement,
    PointElement,
    LinearScale,
    LogarithmicScale,
    Tooltip,
    Legend,
    Filler,
    zoomPlugin,
    annotationPlugin,
  );
  registered = true;
}

export interface ChartHost {
  readonly t: Translate;
  theme(): Theme;
  xMode(): XAxisMode;
  smoothing(): SmoothingSetting;
  colorOf(s: SeriesModel): string;
  dashOf(s: SeriesModel): number[];
  labelOf(s: SeriesModel): string;
  /** The whole x extent (zoom limits). */
  extent(): [number, number] | null;
  selectedFinding(): number | undefined;
  /** The group of the top chart (labels that would repeat go there only). */
  firstGroup(): ChartGroup | undefined;
  /** The user zoomed or panned this chart. */
  onUserRange(x0: number, x1: number, done: boolean): void;
  onResetZoom(): void;
  onToggleSeries(s: SeriesModel): void;
  onFindingClick(index: number): void;
  /** Called after every draw (for timing). */
  onDrawn?(group: ChartGroup): void;
}

type LineDataset = ChartDataset<'line', Array<{ x: number; y: number }>>;

const GROUP_TITLE: Record<ChartGroup, Parameters<Translate>[0]> = {
  loss: 'chartLoss',
  lr: 'chartLr',
  grad: 'chartGrad',
  acc: 'chartAcc',
  other: 'chartOther',
};

export class ChartView {
  readonly box: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly chart: Chart<'line', Array<{ x: number; y: number }>>;
  private readonly titleEl: HTMLElement;
  /** What each chart.js dataset shows (same order). */
  specs: DatasetSpec[] = [];
  content: ChartContent | undefined;
  private markers: Array<{ m: MarkerGroup; px: number; py: number }> = [];
  private readonly cleanup: Array<() => void> = [];

  constructor(
    parent: HTMLElement,
    readonly group: ChartGroup,
    private readonly host: ChartHost,
  ) {
    registerChartJs();
    const doc = parent.ownerDocument;
    this.box = doc.createElement('section');
    this.box.className = `chart-box chart-${group}${group === 'loss' ? ' main' : ' small'}`;
    this.titleEl = doc.createElement('h2');
    this.titleEl.className = 'chart-title';
    this.titleEl.textContent = host.t(GROUP_TITLE[group]);
    const wrap = doc.createElement('div');
    wrap.className = 'chart-canvas';
    this.canvas = doc.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', this.titleEl.textContent);
    wrap.appendChild(this.canvas);
    this.box.append(this.titleEl, wrap);
    parent.appendChild(this.box);

    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: this.options(),
      plugins: [this.forecastPlugin(), this.markerPlugin(), this.drawnPlugin()],
    });

    const dbl = () => host.onResetZoom();
    this.canvas.addEventListener('dblclick', dbl);
    const move = (e: MouseEvent) => this.hover(e);
    this.canvas.addEventListener('mousemove', move);
    this.cleanup.push(() => {
      this.canvas.removeEventListener('dblclick', dbl);
      this.canvas.removeEventListener('mousemove', move);
    });
  }

  /** Width of the plot area in device pixels: one decimation bucket each. */
  pixels(): number {
    const area = this.chart.chartArea;
    const css = area && area.right > area.left ? area.right - area.left : this.canvas.clientWidth || 800;
    const dpr = Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));
    return Math.max(50, Math.round(css * dpr));
  }

  render(content: ChartContent, x0: number, x1: number): void {
    this.content = content;
    const theme = this.host.theme();
    const smoothingOn = this.host.smoothing().mode !== 'off';
    this.specs = content.datasets;
    const datasets: LineDataset[] = content.datasets.map(d => this.dataset(d, theme, smoothingOn));
    this.chart.data.datasets = datasets;
    const o = this.chart.options;
    const xs = o.scales!.x!;
    xs.min = x0;
    xs.max = x1;
    // Steps are whole numbers: no tick at 12.5.
    (xs.ticks as { precision?: number }).precision = this.host.xMode() === 'step' ? 0 : undefined;
    const ys = o.scales!.y!;
    ys.type = content.logY ? 'logarithmic' : 'linear';
    if (content.y) {
      ys.min = content.y[0];
      ys.max = content.y[1];
    } else {
      delete ys.min;
      delete ys.max;
    }
    const ext = this.host.extent();
    const zoom = o.plugins!.zoom!;
    if (ext) zoom.limits = { x: { min: ext[0], max: ext[1], minRange: minRange(ext) } };
    o.plugins!.annotation!.annotations = this.annotations(content, theme);
    this.chart.update('none');
  }

  private dataset(d: DatasetSpec, theme: Theme, smoothingOn: boolean): LineDataset {
    const color = this.host.colorOf(d.series);
    const dash = this.host.dashOf(d.series);
    const pts = new Array<{ x: number; y: number }>(d.x.length);
    for (let k = 0; k < d.x.length; k++) pts[k] = { x: d.x[k], y: d.y[k] };
    let border = color;
    let width = theme.highContrast ? 2 : 1.5;
    let borderDash = dash;
    let order = 1;
    if (d.kind === 'raw' && smoothingOn) {
      const light = theme.kind === 'light' || theme.kind === 'high-contrast-light';
      border = withAlpha(color, theme.highContrast ? 0.45 : light ? 0.25 : 0.35);
      width = 1;
      order = 2;
    } else if (d.kind === 'smooth') {
      width = theme.highContrast ? 2.5 : 1.8;
      order = 0;
    } else if (d.kind === 'superseded') {
      border = withAlpha(color, theme.highContrast ? 0.8 : 0.6);
      width = 1.25;
      borderDash = [5, 4];
      order = 1;
    }
    const ds: LineDataset = {
      label: this.host.labelOf(d.series),
      data: pts,
      borderColor: border,
      backgroundColor: color,
      borderWidth: width,
      borderDash,
      pointRadius: 0,
      pointHoverRadius: 3,
      pointHitRadius: 4,
      pointBackgroundColor: color,
      spanGaps: false,
      tension: 0,
      fill: false,
      order,
    };
    if (d.sorted) ds.parsing = false;
    return ds;
  }

  private annotations(content: ChartContent, theme: Theme): Record<string, AnnotationOptions> {
    const out: Record<string, AnnotationOptions> = {};
    const sevColor = (s: string) => (s === 'error' ? theme.red : s === 'warning' ? theme.yellow : theme.blue);
    const selected = this.host.selectedFinding();
    const font = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 2) };
    content.restarts.forEach((r, i) => {
      out[`restart${i}`] = {
        type: 'line',
        scaleID: 'x',
        value: r.x,
        adjustScaleRange: false,
        borderColor: withAlpha(theme.purple, 0.9),
        borderWidth: theme.highContrast ? 2 : 1.25,
        borderDash: [2, 3],
        drawTime: 'afterDatasetsDraw',
        label: {
          display: i < 6 && this.group === this.host.firstGroup(),
          content:
            r.count > 1
              ? `↺ ${this.host.t('restartsTo', { n: r.count, to: exact(r.toStep) })}`
              : `↺ ${this.host.t('restartFromTo', { from: exact(r.fromStep), to: exact(r.toStep) })}`,
          position: 'start',
          backgroundColor: withAlpha(theme.background, 0.85),
          color: theme.purple,
          font,
          padding: 3,
          yAdjust: 22 + 18 * i,
          xAdjust: 4,
        },
      };
    });
    if (content.reveal) {
      out.reveal = {
        type: 'line',
        scaleID: 'x',
        value: content.reveal.x,
        adjustScaleRange: false,
        borderColor: theme.blue,
        borderWidth: 2,
        drawTime: 'afterDatasetsDraw',
        label: {
          display: true,
          content: content.reveal.label,
          position: 'start',
          color: theme.blue,
          backgroundColor: withAlpha(theme.background, 0.9),
          font,
          padding: 3,
        },
      };
    }
    for (const f of content.findings) {
      const color = sevColor(f.severity);
      const isSel = selected === f.index;
      const click = () => {
        this.host.onFindingClick(f.index);
        return true;
      };
      if (f.type === 'band') {
        out[`finding${f.index}`] = {
          type: 'box',
          xMin: f.x,
          xMax: f.x2,
          adjustScaleRange: false,
          backgroundColor: withAlpha(color, isSel ? 0.2 : 0.1),
          borderColor: withAlpha(color, isSel ? 0.9 : 0.35),
          borderWidth: isSel ? 2 : 1,
          drawTime: 'beforeDatasetsDraw',
          click,
          label: {
            // Only when the visible part of the band is wide enough to hold it.
            display: this.visibleWidth(f.x, f.x2) > Math.min(260, 7 * f.finding.title.length + 12),
            content: f.finding.title,
            position: { x: 'start', y: 'start' },
            color,
            font,
            padding: 3,
          },
        };
      } else if (f.type === 'point') {
        out[`finding${f.index}`] = {
          type: 'point',
          xValue: f.x,
          yValue: f.y,
          adjustScaleRange: false,
          radius: isSel ? 7 : 5,
          pointStyle: 'rectRot',
          backgroundColor: withAlpha(color, 0.85),
          borderColor: theme.background,
          borderWidth: 1,
          drawTime: 'afterDatasetsDraw',
          click,
        };
        out[`finding${f.index}line`] = {
          type: 'line',
          scaleID: 'x',
          value: f.x,
          adjustScaleRange: false,
          borderColor: withAlpha(color, 0.6),
          borderWidth: 1,
          borderDash: [6, 4],
          drawTime: 'beforeDatasetsDraw',
          label: {
            display: true,
            content: `${this.host.t('earlyStop')}`,
            position: 'start',
            color,
            backgroundColor: withAlpha(theme.background, 0.85),
            font,
            padding: 3,
          },
        };
      } else {
        out[`finding${f.index}`] = {
          type: 'line',
          scaleID: 'x',
          value: f.x,
          adjustScaleRange: false,
          borderColor: withAlpha(color, isSel ? 1 : 0.75),
          borderWidth: isSel ? 3 : theme.highContrast ? 2 : 1.5,
          borderDash: f.finding.kind === 'restart' ? [2, 3] : [],
          drawTime: 'afterDatasetsDraw',
          click,
          label: {
            display: isSel,
            content: f.finding.title,
            position: 'start',
            color,
            backgroundColor: withAlpha(theme.background, 0.9),
            font,
            padding: 3,
          },
        };
      }
    }
    return out;
  }

  /** Pixels of [a, b] inside the current x range (rough, from the last layout). */
  private visibleWidth(a: number, b: number): number {
    const area = this.chart.chartArea;
    const x = this.chart.options.scales?.x;
    const x0 = Number(x?.min);
    const x1 = Number(x?.max);
    if (!area || !(x1 > x0)) return 0;
    const lo = Math.max(a, x0);
    const hi = Math.min(b, x1);
    return hi > lo ? ((hi - lo) / (x1 - x0)) * (area.right - area.left) : 0;
  }

  private options(): ChartOptions<'line'> {
    const theme = this.host.theme();
    const host = this.host;
    const small = this.group !== 'loss';
    const font = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 1) };
    return {
      responsive: true,
      maintainAspectRatio: false,
      // No animation: every redraw is a new decimation (update('none')), and high contrast
      // themes ask for none anyway.
      animation: false,
      events: ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'],
      interaction: { mode: 'nearest', axis: 'xy', intersect: false },
      layout: { padding: { top: 4, right: 8 } },
      color: theme.foreground,
      font,
      scales: {
        x: {
          type: 'linear',
          grid: { color: theme.grid },
          border: { color: theme.grid },
          ticks: {
            color: theme.foreground,
            font,
            maxRotation: 0,
            autoSkipPadding: 16,
            // The zoom range is rarely a round number: no tick at its ends.
            includeBounds: false,
            callback(value) {
              const scale = this as unknown as { min: number; max: number };
              return xTick(host.xMode(), Number(value), scale.max - scale.min);
            },
          },
        },
        y: {
          type: 'linear',
          // The same width on every chart, so the linked x axes line up.
          afterFit(axis) {
            axis.width = Y_AXIS_WIDTH;
          },
          grid: { color: theme.grid },
          border: { color: theme.grid },
          ticks: {
            color: theme.foreground,
            font,
            maxTicksLimit: small ? 4 : 8,
            includeBounds: false,
            callback(value) {
              return compactTick(Number(value));
            },
          },
        },
      },
      plugins: {
        legend: {
          display: true,
          position: 'top',
          align: 'end',
          labels: {
            color: theme.foreground,
            font,
            boxWidth: 14,
            boxHeight: 2,
            filter: (item, data) => {
              const i = item.datasetIndex ?? -1;
              void data;
              return this.specs[i]?.primary === true;
            },
          },
          onClick: (_e, item) => {
            const spec = this.specs[item.datasetIndex ?? -1];
            if (spec) host.onToggleSeries(spec.series);
          },
        },
        tooltip: {
          enabled: true,
          backgroundColor: withAlpha(theme.background, 0.95),
          titleColor: theme.foreground,
          bodyColor: theme.foreground,
          borderColor: theme.grid,
          borderWidth: 1,
          titleFont: font,
          bodyFont: font,
          callbacks: {
            title: items => this.tooltipTitle(items),
            label: item => this.tooltipLabel(item),
            labelColor: item => {
              const spec = this.specs[item.datasetIndex];
              const c = spec ? host.colorOf(spec.series) : theme.foreground;
              return { borderColor: c, backgroundColor: c };
            },
          },
        },
        zoom: {
          zoom: {
            mode: 'x',
            wheel: { enabled: true, speed: 0.15 },
            pinch: { enabled: true },
            drag: {
              enabled: true,
              backgroundColor: withAlpha(theme.blue, 0.15),
              borderColor: withAlpha(theme.blue, 0.7),
              borderWidth: 1,
            },
            onZoom: ({ chart }) => this.userRange(chart, false),
            onZoomComplete: ({ chart }) => this.userRange(chart, true),
          },
          pan: {
            enabled: true,
            mode: 'x',
            modifierKey: 'shift',
            onPan: ({ chart }) => this.userRange(chart, false),
            onPanComplete: ({ chart }) => this.userRange(chart, true),
          },
        },
        annotation: { annotations: {} },
      },
    };
  }

  private userRange(chart: Chart, done: boolean): void {
    const x = chart.scales.x;
    if (!x) return;
    this.host.onUserRange(x.min, x.max, done);
  }

  private point(item: TooltipItem<'line'>): { spec: DatasetSpec; local: number } | undefined {
    const spec = this.specs[item.datasetIndex];
    if (!spec) return undefined;
    return { spec, local: spec.index[item.dataIndex] };
  }

  private tooltipTitle(items: TooltipItem<'line'>[]): string {
    const first = items.length ? this.point(items[0]) : undefined;
    if (!first) return '';
    const { spec, local } = first;
    const t = spec.series.tracks()[spec.track === 'main' ? 'main' : 'superseded'];
    if (!t) return '';
    const step = t.steps[local];
    const mode = this.host.xMode();
    const stepText = `${this.host.t('step')} ${exact(step)}`;
    if (mode === 'step') return stepText;
    const x = spec.x[items[0].dataIndex];
    const label = mode === 'epoch' ? `${this.host.t('epoch')} ` : '';
    return `${label}${xExact(mode, x)} · ${stepText}`;
  }

  private tooltipLabel(item: TooltipItem<'line'>): string[] {
    const p = this.point(item);
    if (!p) return [];
    const { spec, local } = p;
    const s = spec.series;
    const t = spec.track === 'main' ? s.tracks().main : s.tracks().superseded;
    if (!t) return [];
    const raw = t.values[local];
    const src = t.src ? t.src[local] : local;
    const lines: string[] = [];
    const name = this.host.labelOf(s);
    const sm = this.host.smoothing();
    if (spec.kind === 'superseded') {
      lines.push(`${name}: ${sig(raw)} (${this.host.t('restart')})`);
    } else if (sm.mode !== 'off') {
      const smoothed = s.smoothedValues('main', sm)[local];
      lines.push(`${name}: ${sig(raw)}`);
      lines.push(`  ${this.host.t('smoothed')}: ${sig(smoothed)}`);
    } else {
      lines.push(`${name}: ${sig(raw)}`);
    }
    const line = s.lineAt(src);
    if (line !== undefined) lines.push(`  ${this.host.t('line')} ${line}`);
    return lines;
  }

  /**
   * Forecasts: after a series' last point, its 80% band (faint fill) and its median (dashed),
   * in the series' colour, clipped to the plot area.
   */
  private forecastPlugin(): Plugin<'line'> {
    return {
      id: 'lossLensForecast',
      beforeDatasetsDraw: chart => {
        const content = this.content;
        const area = chart.chartArea;
        const xs = chart.scales.x;
        const ys = chart.scales.y;
        if (!content || !area || !xs || !ys || !content.forecasts.length) return;
        const ctx = chart.ctx;
        const ok = (v: number) => Number.isFinite(v) && (!content.logY || v > 0);
        ctx.save();
        ctx.beginPath();
        ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
        ctx.clip();
        for (const f of content.forecasts) {
          const color = this.host.colorOf(f.series);
          const px = f.x.map(v => xs.getPixelForValue(v));
          const idx = f.x.map((_, i) => i).filter(i => ok(f.lo[i]) && ok(f.hi[i]));
          if (idx.length > 1) {
            ctx.beginPath();
            idx.forEach((i, k) => (k ? ctx.lineTo(px[i], ys.getPixelForValue(f.hi[i])) : ctx.moveTo(px[i], ys.getPixelForValue(f.hi[i]))));
            for (let k = idx.length - 1; k >= 0; k--) ctx.lineTo(px[idx[k]], ys.getPixelForValue(f.lo[idx[k]]));
            ctx.closePath();
            ctx.globalAlpha = 0.15;
            ctx.fillStyle = color;
            ctx.fill();
            ctx.globalAlpha = 1;
          }
          ctx.beginPath();
          let started = false;
          for (let i = 0; i < f.x.length; i++) {
            if (!ok(f.med[i])) continue;
            const y = ys.getPixelForValue(f.med[i]);
            if (started) ctx.lineTo(px[i], y);
            else ctx.moveTo(px[i], y);
            started = true;
          }
          ctx.setLineDash([5, 4]);
          ctx.lineWidth = 1.5;
          ctx.strokeStyle = color;
          ctx.stroke();
          ctx.setLineDash([]);
        }
        ctx.restore();
      },
    };
  }

  /** NaN/Inf markers: a triangle per group at the top (NaN, +Inf) or bottom (-Inf) edge. */
  private markerPlugin(): Plugin<'line'> {
    return {
      id: 'lossLensMarkers',
      afterDatasetsDraw: chart => {
        this.markers = [];
        const content = this.content;
        const area = chart.chartArea;
        const xScale = chart.scales.x;
        if (!content || !area || !xScale || !content.markers.length) return;
        const ctx = chart.ctx;
        const theme = this.host.theme();
        const order = new Map<SeriesModel, number>();
        content.series.forEach((s, i) => order.set(s, i));
        ctx.save();
        ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
        ctx.textAlign = 'center';
        for (const m of content.markers) {
          const px = xScale.getPixelForValue(m.x);
          if (px < area.left - 1 || px > area.right + 1) continue;
          const lane = (order.get(m.series) ?? 0) % 4;
          const down = m.negInf === m.count;
          const py = down ? area.bottom - 6 - lane * 12 : area.top + 6 + lane * 12;
          const color = this.host.colorOf(m.series);
          ctx.fillStyle = color;
          ctx.strokeStyle = theme.red;
          ctx.lineWidth = theme.highContrast ? 2 : 1;
          ctx.beginPath();
          if (down) {
            ctx.moveTo(px, py - 5);
            ctx.lineTo(px - 5, py + 4);
            ctx.lineTo(px + 5, py + 4);
          } else {
            ctx.moveTo(px, py + 5);
            ctx.lineTo(px - 5, py - 4);
            ctx.lineTo(px + 5, py - 4);
          }
          ctx.closePath();
          ctx.fill();
          ctx.stroke();
          if (m.count > 1) {
            ctx.fillStyle = theme.foreground;
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            ctx.fillText(this.markerText(m), px + 7, py);
          }
          this.markers.push({ m, px, py });
        }
        ctx.restore();
      },
    };
  }

  private markerText(m: MarkerGroup): string {
    if (m.nan === m.count) return this.host.t('nanCount', { n: m.count });
    if (m.posInf + m.negInf === m.count) return this.host.t('infCount', { n: m.count });
    return this.host.t('nonFiniteCount', { n: m.count });
  }

  private drawnPlugin(): Plugin<'line'> {
    return {
      id: 'lossLensDrawn',
      afterRender: () => this.host.onDrawn?.(this.group),
    };
  }

  /** Hovering a NaN marker explains it in the canvas title (tooltips are for points). */
  private hover(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const hit = this.markers.find(k => Math.abs(k.px - x) <= 6 && Math.abs(k.py - y) <= 6);
    if (!hit) {
      if (this.canvas.title) this.canvas.title = '';
      return;
    }
    const m = hit.m;
    const steps =
      m.stepFirst === m.stepLast ? exact(m.stepFirst) : `${exact(m.stepFirst)}–${exact(m.stepLast)}`;
    const t = this.host.t;
    const parts: string[] = [];
    if (m.nan) parts.push(t('nanCount', { n: m.nan }));
    if (m.posInf) parts.push(t('posInfCount', { n: m.posInf }));
    if (m.negInf) parts.push(t('negInfCount', { n: m.negInf }));
    this.canvas.title = t('markerTitle', { series: this.host.labelOf(m.series), counts: parts.join(', '), steps });
  }

  applyTheme(): void {
    const theme = this.host.theme();
    const next = this.options();
    const o = this.chart.options;
    // Keep the current ranges and annotations; replace colours and fonts.
    const keep = {
      xmin: o.scales?.x?.min,
      xmax: o.scales?.x?.max,
      ymin: o.scales?.y?.min,
      ymax: o.scales?.y?.max,
      ytype: o.scales?.y?.type,
      limits: o.plugins?.zoom?.limits,
    };
    this.chart.options = next;
    const xs = next.scales!.x!;
    const ys = next.scales!.y!;
    xs.min = keep.xmin as number | undefined;
    xs.max = keep.xmax as number | undefined;
    if (keep.ymin !== undefined) ys.min = keep.ymin as number;
    if (keep.ymax !== undefined) ys.max = keep.ymax as number;
    if (keep.ytype) ys.type = keep.ytype as 'linear';
    if (keep.limits) next.plugins!.zoom!.limits = keep.limits;
    if (this.content) {
      next.plugins!.annotation!.annotations = this.annotations(this.content, theme);
      this.chart.data.datasets = this.content.datasets.map(d =>
        this.dataset(d, theme, this.host.smoothing().mode !== 'off'),
      );
    }
    this.chart.update('none');
  }

  setTitle(text: string): void {
    this.titleEl.textContent = text;
  }

  destroy(): void {
    for (const c of this.cleanup) c();
    this.chart.destroy();
    this.box.remove();
  }
}

const Y_AXIS_WIDTH = 70;

function minRange(ext: [number, number]): number {
  const span = ext[1] - ext[0];
  return span > 0 ? Math.max(span * 1e-7, Number.EPSILON) : 1;
}

function compactTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
