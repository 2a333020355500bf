/** Synthetic training curves for the diagnostic tests: seeded, reproducible. */
import { createRun, Series, type Role, type Run } from '../../../src/core/model';

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a seeded uniform source (Box-Muller). */
export function gauss(u: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let a = 0;
    while (a === 0) a = u();
    const b = u();
    const r = Math.sqrt(-2 * Math.log(a));
    spare = r * Math.sin(2 * Math.PI * b);
    return r * Math.cos(2 * Math.PI * b);
  };
}

export interface SeriesSpec {
  name: string;
  role?: Role;
  /** value at point i (step = steps ? steps(i) : i * stride + start) */
  f: (i: number) => number;
  n: number;
  stride?: number;
  start?: number;
  /** log-normal multiplicative noise sd (log units) */
  noise?: number;
  lines?: boolean;
}

export function makeSeries(spec: SeriesSpec, seed = 1): Series {
  const s = new Series(spec.name, spec.role);
  const g = gauss(rng(seed));
  const stride = spec.stride ?? 1;
  const start = spec.start ?? 0;
  for (let i = 0; i < spec.n; i++) {
    let v = spec.f(i);
    if (spec.noise && Number.isFinite(v)) v *= Math.exp(spec.noise * g());
    const step = start + i * stride;
    if (spec.lines) s.push(step, v, undefined, 100 + i);
    else s.push(step, v);
  }
  return s;
}

export function makeRun(specs: SeriesSpec[], seed = 1, source = 'synthetic.log'): Run {
  const run = createRun(source, 'text');
  specs.forEach((sp, k) => run.series.set(sp.name, makeSeries(sp, seed * 1000 + k)));
  return run;
}

/** A copy of a run that grows: call `grow(k)` to append the next k points of every series. */
export function growingCopy(full: Run): { run: Run; grow: (k: number) => boolean } {
  const run = createRun(full.source, full.format, full.name);
  run.meta = { ...full.meta };
  const pos = new Map<string, number>();
  for (const [name, s] of full.series) {
    run.series.set(name, new Series(name, s.role));
    pos.set(name, 0);
  }
  let evPos = 0;
  // grow by a fraction of progress so that series of different lengths advance together
  let total = 0;
  for (const s of full.series.values()) total = Math.max(total, s.length);
  let done = 0;
  const grow = (k: number): boolean => {
    done = Math.min(total, done + k);
    let more = false;
    for (const [name, s] of full.series) {
      const target = total === 0 ? 0 : Math.round((s.length * done) / total);
      const dst = run.series.get(name)!;
      for (let i = pos.get(name)!; i < target; i++) {
        dst.push(s.steps.get(i), s.values.get(i), undefined, s.lines ? s.lines.get(i) : undefined);
      }
      pos.set(name, target);
      if (target < s.length) more = true;
    }
    while (evPos < full.events.length) run.events.push(full.events[evPos++]);
    return more;
  };
  return { run, grow };
}
