/**
 * The sweep table webview (src/host/runsView/table.ts): renders the host's snapshot as a table
 * sortable by any column, with a sparkline of each run's loss; clicking a run opens its curves.
 * Every log string is inserted as text.
 */
import type { FromRunsTableMessage, RunsTableRow, ToRunsTableMessage } from '../src/shared/runsTable';

declare function acquireVsCodeApi(): { postMessage(m: FromRunsTableMessage): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();

type Col = { key: string; title: string; num: boolean; get: (r: RunsTableRow) => number | string | null; cell: (r: RunsTableRow, td: HTMLTableCellElement) => void };

const STATUS_ORDER = { error: 2, warning: 1, ok: 0 } as const;
let snap: ToRunsTableMessage | undefined;
const state = (vscode.getState() as { sortKey?: string; desc?: boolean } | undefined) ?? {};
/** No key: the host's ranking (healthy runs by best loss, then the broken ones). */
let sortKey = state.sortKey;
let desc = state.desc ?? false;

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(x.toPrecision(4)));
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function sparkline(r: RunsTableRow): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 120;
  const H = 24;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H));
  const s = r.spark;
  if (!s || !s.steps.length) return svg;
  const finite = s.values.filter((v): v is number => v !== null);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const x0 = s.steps[0];
  const x1 = s.steps[s.steps.length - 1];
  const x = (st: number) => (x1 > x0 ? ((st - x0) / (x1 - x0)) * (W - 4) + 2 : W / 2);
  const y = (v: number) => (hi > lo ? H - 2 - ((v - lo) / (hi - lo)) * (H - 4) : H / 2);
  let d = '';
  let pen = false;
  s.steps.forEach((st, i) => {
    const v = s.values[i];
    if (v === null) {
      // A non-finite value: a red dot at the top, and the line broken.
      const c = document.createElementNS(NS, 'circle');
      c.setAttribute('cx', x(st).toFixed(1));
      c.setAttribute('cy', '3');
      c.setAttribute('r', '2');
      svg.appendChild(c);
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(st).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  const p = document.createElementNS(NS, 'path');
  p.setAttribute('d', d);
  svg.appendChild(p);
  return svg;
}

function columns(m: ToRunsTableMessage): Col[] {
  const S = m.strings;
  const cols: Col[] = [
    { key: 'status', title: S.status, num: false, get: r => STATUS_ORDER[r.status], cell: (r, td) => { td.textContent = r.statusText; td.className = `status-${r.status}`; } },
    { key: 'run', title: S.run, num: false, get: r => r.label, cell: (r, td) => { td.textContent = r.label; td.title = r.path; } },
    { key: 'worst', title: S.worst, num: false, get: r => r.worst, cell: (r, td) => { td.textContent = r.worst ?? ''; } },
    { key: 'best', title: S.best, num: true, get: r => r.best?.value ?? null, cell: (r, td) => { td.textContent = r.best ? `${fmt(r.best.value)} (${r.best.step})` : ''; td.title = r.best?.series ?? ''; } },
    { key: 'lastStep', title: S.lastStep, num: true, get: r => r.lastStep, cell: (r, td) => { td.textContent = r.lastStep === null ? '' : String(r.lastStep); } },
  ];
  for (const k of m.params) {
    cols.push({
      key: `param:${k}`,
      title: k,
      num: m.rows.every(r => r.params[k] === undefined || typeof r.params[k] === 'number'),
      get: r => r.params[k] ?? null,
      cell: (r, td) => { const v = r.params[k]; td.textContent = v === undefined ? '' : typeof v === 'number' ? fmt(v) : v; },
    });
  }
  cols.push({ key: 'curve', title: S.curve, num: false, get: r => r.best?.value ?? null, cell: (r, td) => { td.appendChild(sparkline(r)); } });
  return cols;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function render(): void {
  const app = document.getElementById('app')!;
  app.replaceChildren();
  if (!snap) return;
  const m = snap;
  const h = el('h3', undefined, m.strings.insights);
  app.appendChild(h);
  const ul = el('ul', 'insights');
  if (!m.insights.length) ul.appendChild(el('li', undefined, m.strings.noInsights));
  for (const i of m.insights) ul.appendChild(el('li', 'insight', i));
  app.appendChild(ul);
  if (!m.rows.length) {
    app.appendChild(el('p', undefined, m.strings.empty));
    return;
  }
  const cols = columns(m);
  const col = cols.find(c => c.key === sortKey);
  const rows = col
    ? [...m.rows].sort((a, b) => {
        const c = compare(col.get(a), col.get(b));
        return desc ? -c : c;
      })
    : m.rows;
  const table = el('table', 'runs');
  const thead = el('thead');
  const tr = el('tr');
  for (const c of cols) {
    const th = el('th', c.key === col?.key ? `sorted${desc ? ' desc' : ''}` : undefined, c.title);
    th.dataset.key = c.key;
    th.addEventListener('click', () => {
      if (sortKey === c.key) desc = !desc;
      else {
        sortKey = c.key;
        desc = c.key === 'status';
      }
      vscode.setState({ sortKey, desc });
      render();
    });
    tr.appendChild(th);
  }
  thead.appendChild(tr);
  table.appendChild(thead);
  const tbody = el('tbody');
  for (const r of rows) {
    const row = el('tr', 'run');
    row.dataset.status = r.status;
    for (const c of cols) {
      const td = el('td', c.num ? 'num' : undefined);
      c.cell(r, td);
      if (c.num) td.classList.add('num');
      row.appendChild(td);
    }
    row.addEventListener('click', () => vscode.postMessage({ type: 'runs/open', path: r.path }));
    tbody.appendChild(row);
  }
  table.appendChild(tbody);
  app.appendChild(table);
}

window.addEventListener('message', (e: MessageEvent<ToRunsTableMessage>) => {
  if (e.data?.type === 'runs/snapshot') {
    snap = e.data;
    render();
  }
});
vscode.postMessage({ type: 'runs/ready' });
