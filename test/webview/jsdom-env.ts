/**
 * What jsdom lacks for the viewer: a 2D canvas context (a recording no-op, enough for
 * chart.js to lay out and "draw"), toDataURL, ResizeObserver and requestAnimationFrame; and a
 * stub of VS Code's acquireVsCodeApi that records messages and state.
 */
import type { FromWebviewMessage } from '../../src/shared/protocol';
import type { VsCodeApi } from '../../webview/state';

export function installCanvas(): void {
  const proto = HTMLCanvasElement.prototype as unknown as Record<string, unknown>;
  proto.getContext = function (this: HTMLCanvasElement) {
    const target: Record<string | symbol, unknown> = {
      canvas: this,
      measureText: (t: string) => ({ width: String(t).length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
      getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }),
      createLinearGradient: () => ({ addColorStop() {} }),
      createPattern: () => ({}),
      getLineDash: () => [],
      isPointInPath: () => false,
      getTransform: () => ({ a: 1, d: 1 }),
    };
    return new Proxy(target, {
      get: (t, p) => (p in t ? t[p] : (t[p] = () => undefined)),
      set: (t, p, v) => {
        t[p] = v;
        return true;
      },
    });
  };
  proto.toDataURL = () => 'data:image/png;base64,iVBORw0KGgo=';
  const g = globalThis as Record<string, unknown>;
  g.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  g.requestAnimationFrame ??= (cb: (t: number) => void) => setTimeout(() => cb(Date.now()), 0);
  g.cancelAnimationFrame ??= (id: number) => clearTimeout(id);
}

export interface StubApi extends VsCodeApi {
  posted: FromWebviewMessage[];
  state: unknown;
}

export function stubApi(initialState?: unknown): StubApi {
  const api: StubApi = {
    posted: [],
    state: initialState,
    postMessage(m) {
      api.posted.push(m);
    },
    getState() {
      return api.state;
    },
    setState(s) {
      api.state = s;
    },
  };
  return api;
}
