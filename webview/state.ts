/**
 * UI state that survives the webview being hidden and re-created (getState/setState), kept
 * under one namespaced key and merged, so other parts can keep their own keys beside it.
 */
import type { SmoothingMode } from '../src/core/smooth';
import type { FromWebviewMessage } from '../src/shared/protocol';
import type { XAxisMode } from './model';

export interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface ViewState {
  smoothing: SmoothingMode;
  /** EMA weight. */
  weight: number;
  /** Centred window size (points). */
  window: number;
  /** Log y scale, where the user chose it (logYChosen); otherwise the automatic default is used. */
  logY: boolean;
  /** The user set the log scale checkbox: their choice wins over the automatic default. */
  logYChosen: boolean;
  ignoreOutliers: boolean;
  /** Draw each loss's forecast (dashed, with its 80% band) after its last point (off by default). */
  showForecast: boolean;
  xAxis: XAxisMode;
  /** Hidden series, by `source|name`. */
  hidden: string[];
  /** Series shown that are hidden by default (other metrics beside a loss), by `source|name`. */
  shown: string[];
  /** Visible x range in the current axis mode; null = everything. */
  zoom: [number, number] | null;
}

const DEFAULT_STATE: ViewState = {
  smoothing: 'ema',
  weight: 0.6,
  window: 9,
  logY: false,
  logYChosen: false,
  ignoreOutliers: false,
  showForecast: false,
  xAxis: 'step',
  hidden: [],
  shown: [],
  zoom: null,
};

const KEY = 'lossLens.view';
const SMOOTHING: readonly SmoothingMode[] = ['off', 'ema', 'ema-x', 'window'];
const XMODES: readonly XAxisMode[] = ['step', 'epoch', 'relative', 'wall'];

/** Read the persisted state, repairing anything missing or malformed. */
export function loadState(api: VsCodeApi): ViewState {
  const all = api.getState();
  const raw = all && typeof all === 'object' ? (all as Record<string, unknown>)[KEY] : undefined;
  return sanitize(raw);
}

export function saveState(api: VsCodeApi, state: ViewState): void {
  const all = api.getState();
  const base = all && typeof all === 'object' ? (all as Record<string, unknown>) : {};
  api.setState({ ...base, [KEY]: state });
}

function sanitize(raw: unknown): ViewState {
  const s: ViewState = { ...DEFAULT_STATE, hidden: [], shown: [] };
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (typeof r.smoothing === 'string' && (SMOOTHING as readonly string[]).includes(r.smoothing)) {
    s.smoothing = r.smoothing as SmoothingMode;
  }
  if (typeof r.weight === 'number' && r.weight >= 0 && r.weight <= 0.999) s.weight = r.weight;
  if (typeof r.window === 'number' && r.window >= 1 && r.window <= 10001) s.window = Math.round(r.window);
  if (typeof r.logY === 'boolean') s.logY = r.logY;
  if (typeof r.showForecast === 'boolean') s.showForecast = r.showForecast;
  if (typeof r.logYChosen === 'boolean') s.logYChosen = r.logYChosen;
  // A state saved before the automatic default had logY only when the box was ticked.
  else if (r.logY === true) s.logYChosen = true;
  if (typeof r.ignoreOutliers === 'boolean') s.ignoreOutliers = r.ignoreOutliers;
  if (typeof r.xAxis === 'string' && (XMODES as readonly string[]).includes(r.xAxis)) s.xAxis = r.xAxis as XAxisMode;
  if (Array.isArray(r.hidden)) s.hidden = r.hidden.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(r.shown)) s.shown = r.shown.filter((x): x is string => typeof x === 'string');
  if (
    Array.isArray(r.zoom) &&
    r.zoom.length === 2 &&
    r.zoom.every(v => typeof v === 'number' && Number.isFinite(v)) &&
    r.zoom[1] > r.zoom[0]
  ) {
    s.zoom = [r.zoom[0], r.zoom[1]];
  }
  return s;
}
