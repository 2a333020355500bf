/** Number and time formatting for ticks, tooltips and the findings pane. */
import type { XAxisMode } from './model';

/** Full precision (shortest round-trip form), NaN / Infinity spelt out. */
export function exact(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

/** Compact form for ticks and summaries: 500 k, 23.9 M, 1.2e15, 0.4879. */
export function compact(v: number): string {
  if (!Number.isFinite(v)) return exact(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e4) return String(v);
  if (a >= 1e4 && a < 1e12) return si(v);
  if (a >= 1e4 || a < 1e-3) return trimExp(v.toExponential(2));
  return String(Number(v.toPrecision(4)));
}

const SI: ReadonlyArray<[number, string]> = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 500000 → "500 k", 23912345 → "23.9 M" (three significant digits). */
function si(v: number): string {
  const a = Math.abs(v);
  for (const [scale, unit] of SI) {
    if (a >= scale * 0.9995) {
      const n = Number((v / scale).toPrecision(3));
      // 999.6 k rounds to 1000 k: say 1 M instead.
      if (Math.abs(n) >= 1000 && unit !== 'G') continue;
      return `${n} ${unit}`;
    }
  }
  return String(Number(v.toPrecision(3)));
}

/** A count: 330, 12 k, 23.9 M. */
export function count(n: number): string {
  return Number.isFinite(n) && Math.abs(n) >= 1e4 ? si(n) : exact(n);
}

/**
 * A measured value for tooltips: six significant digits (0.487968, 2.3, 5e+19 → 5e19), NaN
 * and Infinity spelt out.
 */
export function sig(v: number): string {
  if (!Number.isFinite(v)) return exact(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e7 || a < 1e-4) return trimExp(v.toExponential(5));
  return String(Number(v.toPrecision(6)));
}

function trimExp(s: string): string {
  return s.replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** Seconds as h:mm:ss (or m:ss). */
function duration(sec: number): string {
  if (!Number.isFinite(sec)) return exact(sec);
  const sign = sec < 0 ? '-' : '';
  let s = Math.abs(sec);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const ss = s < 10 ? `0${s.toFixed(s % 1 ? 1 : 0)}` : s.toFixed(s % 1 ? 1 : 0);
  return h ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`;
}

/** Seconds since the epoch as local "YYYY-MM-DD HH:MM:SS" (date dropped when `short`). */
function wallClock(sec: number, short = false): string {
  if (!Number.isFinite(sec)) return exact(sec);
  const d = new Date(sec * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  if (short) return time;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}`;
}

/** A tick label for the x axis. */
export function xTick(mode: XAxisMode, v: number, span: number): string {
  switch (mode) {
    case 'step':
    case 'epoch':
      return compact(v);
    case 'relative':
      return duration(v);
    case 'wall':
      return wallClock(v, span < 86400);
  }
}

/** An x value in full, for tooltips. */
export function xExact(mode: XAxisMode, v: number): string {
  switch (mode) {
    case 'step':
      return exact(v);
    case 'epoch':
      return String(Number(v.toPrecision(6)));
    case 'relative':
      return duration(v);
    case 'wall':
      return wallClock(v);
  }
}

export function percent(f: number): string {
  return `${(f * 100).toFixed(f < 0.1 ? 1 : 0)}%`;
}
