/**
 * A self-contained HTML report: one section per run with SVG charts (decimated with min/max
 * buckets, so spikes survive; NaN/Inf drawn as markers), the series table, the run's events and
 * the findings with their fixes. No script, no external resource; every string from a log is
 * escaped.
 */
import { minMaxDecimate, xExtent } from './decimate';
import type { Finding, Lang } from './diagnose/types';
import { t } from './i18n';
import { LOSS_ROLES, type Role, type Run, type Series } from './model';
import { emaDebiased } from './smooth';

export interface ReportOptions {
  title?: string;
  /** EMA weight for the smoothed line (the raw line is drawn faintly under it). */
  smoothing?: number;
  generatedAt?: Date;
  lang?: 'en' | 'zh-cn';
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** The report's labels (the `report.*` section of the core catalogue). */
function labels(lang: Lang) {
  return {
    title: t(lang, 'report.title'),
    findings: t(lang, 'report.findings'),
    none: t(lang, 'report.none'),
    series: t(lang, 'report.series'),
    events: t(lang, 'report.events'),
    fixes: t(lang, 'report.fixes'),
    points: t(lang, 'report.points'),
    nonFinite: t(lang, 'report.nonFinite'),
    steps: t(lang, 'report.steps'),
    loss: t(lang, 'report.loss'),
    lr: t(lang, 'report.lr'),
    grad: t(lang, 'report.grad'),
    acc: t(lang, 'report.acc'),
    other: t(lang, 'report.other'),
    generated: t(lang, 'report.generated'),
    problems: t(lang, 'report.problems'),
    logScale: t(lang, 'report.logScale'),
  };
}
type Labels = ReturnType<typeof labels>;

export function renderReport(
  runs: Run[],
  findings: Finding[],
  problems: Array<{ source: string; message: string }> = [],
  opts: ReportOptions = {},
): string {
  const t = labels(opts.lang ?? 'en');
  const title = opts.title ?? t.title;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="${opts.lang === 'zh-cn' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`);
  parts.push(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
  parts.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  parts.push(`<title>${esc(title)}</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(`<p class="muted">${esc(t.generated)}: ${esc((opts.generatedAt ?? new Date()).toISOString())}</p>`);
  if (problems.length) {
    parts.push(`<section class="problems"><h2>${esc(t.problems)}</h2><ul>`);
    for (const p of problems) parts.push(`<li><code>${esc(p.source)}</code>: ${esc(p.message)}</li>`);
    parts.push('</ul></section>');
  }
  for (const run of runs) {
    const rf = findings.filter(f => f.source === undefined || f.source === run.source);
    parts.push(renderRun(run, rf, opts, t));
  }
  parts.push('</body></html>');
  return parts.join('\n');
}

function renderRun(run: Run, findings: Finding[], opts: ReportOptions, t: Labels): string {
  const out: string[] = [];
  out.push(`<section class="run"><h2>${esc(run.name)} <span class="muted">(${esc(run.format)})</span></h2>`);
  out.push(`<p class="muted"><code>${esc(run.source)}</code></p>`);

  const groups: Array<[string, (r: Role) => boolean, boolean]> = [
    [t.loss, r => LOSS_ROLES.has(r), true],
    [t.lr, r => r === 'lr', true],
    [t.grad, r => r === 'grad_norm', true],
    [t.acc, r => r === 'train_acc' || r === 'val_acc', false],
  ];
  const all = [...run.series.values()];
  let drew = 0;
  for (const [label, pick, logY] of groups) {
    const ss = all.filter(s => pick(s.role) && s.length > 0);
    if (!ss.length) continue;
    out.push(`<h3>${esc(label)}</h3>`);
    out.push(svgChart(ss, findings, { logY, smoothing: opts.smoothing ?? 0.6, height: label === t.loss ? 300 : 160 }));
    drew++;
  }
  if (drew === 0) {
    const ss = all.filter(s => s.length > 0).slice(0, 6);
    if (ss.length) {
      out.push(`<h3>${esc(t.other)}</h3>`);
      out.push(svgChart(ss, findings, { logY: false, smoothing: opts.smoothing ?? 0.6, height: 220 }));
    }
  }

  out.push(`<h3>${esc(t.findings)}</h3>`);
  if (!findings.length) out.push(`<p class="ok">${esc(t.none)}</p>`);
  else {
    out.push('<ol class="findings">');
    for (const f of findings) {
      out.push(`<li class="sev-${f.severity}"><strong>[${esc(f.severity)}] ${esc(f.title)}</strong> <span class="muted">${esc(f.kind)} · ${esc(f.series)} · step ${esc(fmt(f.step))}${f.line ? ` · line ${f.line}` : ''}</span>`);
      out.push(`<p>${esc(f.message)}</p>`);
      if (f.fixes.length) {
        out.push(`<details open><summary>${esc(t.fixes)}</summary><ol>`);
        for (const fx of f.fixes) {
          out.push(`<li><strong>${esc(fx.title)}</strong>: ${esc(fx.detail)}${fx.code ? `<pre>${esc(fx.code)}</pre>` : ''}</li>`);
        }
        out.push('</ol></details>');
      }
      out.push('</li>');
    }
    out.push('</ol>');
  }

  out.push(`<h3>${esc(t.series)}</h3><table><thead><tr><th>name</th><th>role</th><th>${esc(t.points)}</th><th>${esc(t.nonFinite)}</th><th>${esc(t.steps)}</th></tr></thead><tbody>`);
  for (const s of all) {
    out.push(`<tr><td>${esc(s.name)}</td><td>${esc(s.role)}</td><td>${s.length}</td><td>${s.nonFinite}</td><td>${esc(fmt(s.firstStep()))} … ${esc(fmt(s.lastStep()))}</td></tr>`);
  }
  out.push('</tbody></table>');
  if (run.events.length) {
    out.push(`<h3>${esc(t.events)}</h3><ul class="events">`);
    for (const e of run.events.slice(0, 100)) out.push(`<li>${esc(describeEvent(e))}</li>`);
    if (run.events.length > 100) out.push(`<li>… ${run.events.length - 100} more</li>`);
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

export function describeEvent(e: Run['events'][number]): string {
  const where = (x: { line?: number; offset?: number }) =>
    x.line !== undefined ? ` (line ${x.line})` : x.offset !== undefined ? ` (byte ${x.offset})` : '';
  switch (e.type) {
    case 'restart':
      return `restart: ${e.series} went from step ${fmt(e.fromStep)} back to ${fmt(e.toStep)}${where(e)}`;
    case 'malformed':
      return `skipped: ${e.message}${e.count && e.count > 1 ? ` (${e.count} times)` : ''}${where(e)}`;
    case 'truncated':
      return `truncated: ${e.message}${where(e)}`;
    case 'note':
      return e.message;
  }
}

interface ChartOpts {
  logY: boolean;
  smoothing: number;
  height: number;
}

function svgChart(series: Series[], findings: Finding[], o: ChartOpts): string {
  const W = 900;
  const H = o.height;
  const L = 64;
  const R = 12;
  const TOP = 10;
  const B = 28;
  const pw = W - L - R;
  const ph = H - TOP - B;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (const s of series) {
    const [a, b] = xExtent(s.steps.view());
    x0 = Math.min(x0, a);
    x1 = Math.max(x1, b);
  }
  if (!(x1 > x0)) x1 = x0 + 1;
  const logY = o.logY && series.every(s => allPositive(s.values.view()));
  const tf = (v: number) => (logY ? Math.log10(v) : v);
  // y range from the finite values, 1st-99th percentile padded, so one spike does not flatten the rest.
  const sample: number[] = [];
  for (const s of series) {
    const v = s.values.view();
    const stride = Math.max(1, Math.floor(v.length / 5000));
    for (let i = 0; i < v.length; i += stride) if (Number.isFinite(v[i])) sample.push(tf(v[i]));
  }
  sample.sort((a, b) => a - b);
  let y0 = sample.length ? sample[0] : 0;
  let y1 = sample.length ? sample[sample.length - 1] : 1;
  if (!(y1 > y0)) {
    y0 -= 1;
    y1 += 1;
  }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => TOP + (1 - (tf(y) - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<rect x="${L}" y="${TOP}" width="${pw}" height="${ph}" class="plot"/>`);
  // Axes ticks
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    const py = TOP + (1 - i / 4) * ph;
    const label = logY ? fmt(Math.pow(10, yv)) : fmt(yv);
    out.push(`<line x1="${L}" x2="${L + pw}" y1="${py.toFixed(1)}" y2="${py.toFixed(1)}" class="grid"/><text x="${L - 4}" y="${(py + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(label)}</text>`);
    const xv = x0 + ((x1 - x0) * i) / 4;
    const px = L + (i / 4) * pw;
    out.push(`<text x="${px.toFixed(1)}" y="${H - 8}" text-anchor="middle" class="tick">${esc(fmt(xv))}</text>`);
  }
  // Findings: vertical lines / bands.
  const names = new Set(series.map(s => s.name));
  for (const f of findings) {
    if (!names.has(f.series) || !Number.isFinite(f.step)) continue;
    const px = sx(f.step);
    if (px < L || px > L + pw) continue;
    if (f.endStep !== undefined && Number.isFinite(f.endStep) && f.endStep > f.step) {
      const px2 = Math.min(L + pw, sx(f.endStep));
      out.push(`<rect x="${px.toFixed(1)}" y="${TOP}" width="${Math.max(1, px2 - px).toFixed(1)}" height="${ph}" class="band sev-${f.severity}"><title>${esc(f.title)}</title></rect>`);
    } else {
      out.push(`<line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${TOP}" y2="${TOP + ph}" class="mark sev-${f.severity}"><title>${esc(f.title)}</title></line>`);
    }
  }
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const xs = s.steps.view();
    const vs = s.values.view();
    const raw = minMaxDecimate(xs, vs, x0, x1, pw);
    const smoothed = o.smoothing > 0 && s.length > 20;
    // The raw curve is drawn faintly under the smoothed one, or plainly when nothing is smoothed.
    out.push(`<path d="${pathOf(raw.x, raw.y, sx, sy, logY)}" stroke="${color}" class="${smoothed ? 'raw' : 'smooth'}"/>`);
    if (smoothed) {
      const sm = emaDebiased(vs, o.smoothing);
      const d = minMaxDecimate(xs, sm, x0, x1, pw);
      out.push(`<path d="${pathOf(d.x, d.y, sx, sy, logY)}" stroke="${color}" class="smooth"/>`);
    }
    for (const nf of raw.nonFinite.slice(0, 200)) {
      const px = sx(nf.x);
      out.push(`<text x="${px.toFixed(1)}" y="${TOP + 12}" text-anchor="middle" class="nan" fill="${color}"><title>${esc(s.name)}: ${esc(String(nf.value))} at step ${esc(fmt(nf.x))}</title>▼</text>`);
    }
  });
  // Legend
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const y = TOP + 14 + k * 14;
    if (k < 10) {
      out.push(`<rect x="${L + pw - 190}" y="${y - 9}" width="10" height="10" fill="${color}"/><text x="${L + pw - 176}" y="${y}" class="legend">${esc(trunc(s.name, 28))}${s.nonFinite ? ` (${s.nonFinite} NaN/Inf)` : ''}</text>`);
    }
  });
  if (logY) out.push(`<text x="${L + 4}" y="${TOP + 12}" class="tick">log</text>`);
  out.push('</svg>');
  return out.join('');
}

function pathOf(
  xs: Float64Array,
  ys: Float64Array,
  sx: (x: number) => number,
  sy: (y: number) => number,
  logY: boolean,
): string {
  const d: string[] = [];
  let pen = false;
  let prevX = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y) || (logY && y <= 0)) {
      pen = false;
      continue;
    }
    const restart = xs[i] < prevX;
    d.push(`${pen && !restart ? 'L' : 'M'}${sx(xs[i]).toFixed(1)},${sy(y).toFixed(1)}`);
    pen = true;
    prevX = xs[i];
  }
  return d.join('');
}

function allPositive(v: Float64Array): boolean {
  let any = false;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    if (x <= 0) return false;
    any = true;
  }
  return any;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e7) return String(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

function trunc(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, c =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --muted: #666; --bg: #fff; --grid: #ddd; --plot: #fafafa; }
@media (prefers-color-scheme: dark) { :root { --fg: #ddd; --muted: #999; --bg: #1e1e1e; --grid: #333; --plot: #252526; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 1000px; margin: 2em auto; padding: 0 1em; }
.muted { color: var(--muted); font-weight: normal; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: var(--plot); padding: 6px 8px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid var(--grid); padding: 2px 6px; text-align: left; }
.chart { display: block; margin: 4px 0 12px; }
.chart .plot { fill: var(--plot); } .chart .grid { stroke: var(--grid); stroke-width: 1; }
.chart .tick, .chart .legend { font-size: 11px; fill: var(--fg); }
.chart .raw { fill: none; stroke-width: 1; opacity: 0.3; } .chart .smooth { fill: none; stroke-width: 1.8; }
.chart .mark { stroke-width: 1.5; stroke-dasharray: 4 3; } .chart .band { opacity: 0.12; }
.sev-error { stroke: #e51400; fill: #e51400; } .sev-warning { stroke: #bf8803; fill: #bf8803; } .sev-info { stroke: #1a85ff; fill: #1a85ff; }
li.sev-error, li.sev-warning, li.sev-info { fill: none; stroke: none; margin-bottom: 8px; }
li.sev-error > strong { color: #e51400; } li.sev-warning > strong { color: #bf8803; } li.sev-info > strong { color: #1a85ff; }
.ok { color: #388a34; }
.run { border-top: 2px solid var(--grid); margin-top: 2em; }
`;
