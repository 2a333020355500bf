/**
 * Chart colours from VS Code's theme variables (--vscode-charts-*), re-read whenever the body
 * class changes (vscode-light / vscode-dark / vscode-high-contrast[-light]).
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  kind: ThemeKind;
  highContrast: boolean;
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  red: string;
  orange: string;
  yellow: string;
  green: string;
  blue: string;
  purple: string;
  /** Series colours, in order of use. */
  palette: string[];
  fontFamily: string;
  fontSize: number;
}

const FALLBACK_DARK = {
  foreground: '#cccccc',
  grid: 'rgba(128,128,128,0.35)',
  background: '#1e1e1e',
  red: '#f14c4c',
  orange: '#d18616',
  yellow: '#cca700',
  green: '#89d185',
  blue: '#3794ff',
  purple: '#b180d7',
};
const FALLBACK_LIGHT = {
  foreground: '#616161',
  grid: 'rgba(128,128,128,0.35)',
  background: '#ffffff',
  red: '#e51400',
  orange: '#d18616',
  yellow: '#bf8803',
  green: '#388a34',
  blue: '#1a85ff',
  purple: '#652d90',
};

function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  if (c.contains('vscode-dark')) return 'dark';
  // Outside VS Code (tests, the harness): follow the browser.
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return dark ? 'dark' : 'light';
}

export function readTheme(doc: Document = document): Theme {
  const body = doc.body;
  const kind = themeKind(body);
  const light = kind === 'light' || kind === 'high-contrast-light';
  const fb = light ? FALLBACK_LIGHT : FALLBACK_DARK;
  const style = getComputedStyle(body);
  const v = (name: string, fallback: string) => {
    const s = style.getPropertyValue(name).trim();
    return s || fallback;
  };
  const foreground = v('--vscode-charts-foreground', v('--vscode-foreground', fb.foreground));
  const theme: Theme = {
    kind,
    highContrast: kind === 'high-contrast' || kind === 'high-contrast-light',
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: v('--vscode-charts-lines', fb.grid),
    background: v('--vscode-editor-background', fb.background),
    red: v('--vscode-charts-red', fb.red),
    orange: v('--vscode-charts-orange', fb.orange),
    yellow: v('--vscode-charts-yellow', fb.yellow),
    green: v('--vscode-charts-green', fb.green),
    blue: v('--vscode-charts-blue', fb.blue),
    purple: v('--vscode-charts-purple', fb.purple),
    palette: [],
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13')) || 13,
  };
  theme.palette = [
    theme.blue,
    theme.orange,
    theme.green,
    theme.purple,
    theme.red,
    theme.yellow,
    // Derived shades when there are more series than theme colours.
    mix(theme.blue, theme.foreground, 0.45),
    mix(theme.orange, theme.foreground, 0.45),
    mix(theme.green, theme.foreground, 0.45),
    mix(theme.purple, theme.foreground, 0.45),
  ];
  return theme;
}

/** Call `onChange` when the theme changes (body class / style); returns a disposer. */
export function watchTheme(doc: Document, onChange: (t: Theme) => void): () => void {
  let last = '';
  const obs = new MutationObserver(() => {
    const t = readTheme(doc);
    const sig = JSON.stringify(t);
    if (sig === last) return;
    last = sig;
    onChange(t);
  });
  last = JSON.stringify(readTheme(doc));
  obs.observe(doc.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind'] });
  obs.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => obs.disconnect();
}

/** A colour with an alpha, from any CSS colour string canvas understands. */
export function withAlpha(color: string, alpha: number): string {
  const rgb = parseColor(color);
  if (!rgb) return color;
  return `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})`;
}

function mix(a: string, b: string, t: number): string {
  const x = parseColor(a);
  const y = parseColor(b);
  if (!x || !y) return a;
  const c = (i: number) => Math.round(x[i] * (1 - t) + y[i] * t);
  return `rgb(${c(0)},${c(1)},${c(2)})`;
}

/** #rgb, #rrggbb, #rrggbbaa, rgb()/rgba() -> [r, g, b, a]. */
function parseColor(s: string): [number, number, number, number] | undefined {
  const c = s.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (m) {
    const h = m[1];
    if (h.length === 3 || h.length === 4) {
      const p = (i: number) => parseInt(h[i] + h[i], 16);
      return [p(0), p(1), p(2), h.length === 4 ? p(3) / 255 : 1];
    }
    if (h.length === 6 || h.length === 8) {
      const p = (i: number) => parseInt(h.slice(i, i + 2), 16);
      return [p(0), p(2), p(4), h.length === 8 ? p(6) / 255 : 1];
    }
    return undefined;
  }
  m = /^rgba?\(([^)]+)\)$/i.exec(c);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    if (parts.length >= 3 && parts.slice(0, 3).every(Number.isFinite)) {
      return [parts[0], parts[1], parts[2], parts.length > 3 && Number.isFinite(parts[3]) ? parts[3] : 1];
    }
  }
  return undefined;
}
