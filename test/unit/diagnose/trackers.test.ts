/**
 * The trackers of a SeriesState have two entry points for the same algorithm: the per-point
 * update (the reference) and the loop over a run of ordinary points (the batch fast path). Fed
 * the same points, per point or in random chunks through the loop, they end in the same state
 * (every field, private ones included, but the loop's own bookkeeping), and the noise events
 * that the loops hand to each other mark exactly the points where the noise levels changed.
 */
import { describe, expect, it } from 'vitest';
import { Series } from '../../../src/core/model';
import { BlockTracker } from '../../../src/core/diagnose/blocks';
import { LevelTracker } from '../../../src/core/diagnose/divergence';
import { EarlyStopTracker } from '../../../src/core/diagnose/earlyStop';
import { EV_IDX, EV_SIGMA, EV_SPIKE, LOG_BLOCK, NoiseTracker, SAMPLE, SAMPLE_IDX } from '../../../src/core/diagnose/noise';
import { resolveSettings } from '../../../src/core/diagnose/settings';
import { SpikeTracker } from '../../../src/core/diagnose/spike';
import { gauss, rng } from './synth';

/** The fields of a tracker, without those named (a loop's own bookkeeping). */
function state(t: object, skip: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (!skip.includes(k)) out[k] = v instanceof Float64Array ? Array.from(v) : v;
  return out;
}

/** Chunk lengths (1 to LOG_BLOCK, mostly small) covering n points. */
function chunks(n: number, seed: number): Array<[number, number]> {
  const u = rng(seed);
  const out: Array<[number, number]> = [];
  for (let a = 0; a < n; ) {
    const len = u() < 0.3 ? 1 + Math.floor(u() * 4) : u() < 0.9 ? 1 + Math.floor(u() * 300) : LOG_BLOCK;
    const b = Math.min(n, a + len);
    out.push([a, b]);
    a = b;
  }
  return out;
}

/** A noisy falling curve (log units) with spikes, steps and a level shift. */
function curve(n: number, seed: number, noise = 0.05): Float64Array {
  const u = rng(seed);
  const g = gauss(rng(seed + 7));
  const y = new Float64Array(n);
  let shift = 0;
  for (let i = 0; i < n; i++) {
    if (u() < 0.001) shift += 0.5 + u();
    let v = Math.log(0.2 + 2 * Math.exp(-i / (n / 4))) + shift + noise * (u() < 0.05 ? 4 : 1) * g();
    if (u() < 0.004) v += 1 + 3 * u();
    if (u() < 0.02) v = Math.round(v * 100) / 100;
    y[i] = v;
  }
  return y;
}

describe('NoiseTracker: sample() and samples() agree', () => {
  for (const [window, isLog] of [
    [32, true],
    [32, false],
    [20, true],
    [7, true],
  ] as const) {
    it(`window ${window}, ${isLog ? 'log' : 'linear'}`, () => {
      const st = resolveSettings({ noiseWindow: window });
      const u = rng(window);
      const n = 20000;
      const d = new Float64Array(n);
      for (let j = 0; j < n; j++) d[j] = Math.abs(u() < 0.01 ? 3 * u() : 0.05 * (0.2 + j / n) * u()) * (u() < 0.02 ? 0 : 1);
      const a = new NoiseTracker(st.noiseWindow, st.noiseFloor);
      const b = new NoiseTracker(st.noiseWindow, st.noiseFloor);
      a.isLog = b.isLog = isLog;
      // the levels after each sample, per sample
      const spikeAfter = new Float64Array(n);
      const sigmaAfter = new Float64Array(n);
      let k = 0;
      for (const [from, to] of chunks(n, window + 1)) {
        for (; k < to; k++) {
          a.sample(d[k]);
          spikeAfter[k] = a.spikeSigma;
          sigmaAfter[k] = a.sigma;
        }
        const spike0 = b.spikeSigma;
        const sigma0 = b.sigma;
        b.beginRun();
        // samples of points 10 apart (any increasing points will do)
        for (let j = from; j < to; j++) {
          SAMPLE[j - from] = d[j];
          SAMPLE_IDX[j - from] = 10 * j;
        }
        b.samples(to - from);
        // between events the levels are those of the last event (or of the start)
        let ev = 0;
        let sp = spike0;
        let sg = sigma0;
        for (let j = from; j < to; j++) {
          if (ev < b.events && EV_IDX[ev] === 10 * j) {
            sp = EV_SPIKE[ev];
            sg = EV_SIGMA[ev++];
          }
          expect(Object.is(sp, spikeAfter[j]) && Object.is(sg, sigmaAfter[j]), `sample ${j}`).toBe(true);
        }
        expect(ev).toBe(b.events);
        expect(b.takeWindowMean()).toEqual(a.takeWindowMean());
        // (with the default window the loop does not fill nwBuf: its window medians are the
        // recent window's, see sampleHalves)
        const skip = window === 32 ? ['nev', 'nwBuf'] : ['nev'];
        expect(state(b, skip)).toEqual(state(a, skip));
      }
    });
  }
});

/** The noise scale of each point: changes at random points, NaN at first. */
function scales(n: number, seed: number): { sig: Float64Array; changes: number[] } {
  const u = rng(seed);
  const sig = new Float64Array(n);
  const changes: number[] = [];
  let s = NaN;
  for (let i = 0; i < n; i++) {
    if (i === 40 || (i > 40 && u() < 1 / 32)) {
      s = 0.02 + 0.08 * u();
      changes.push(i);
    }
    sig[i] = s;
  }
  return { sig, changes };
}

/** The events of [from, to) as the noise tracker records them (EV_*); returns their number. */
function events(changes: number[], sig: Float64Array, from: number, to: number): number {
  let nev = 0;
  for (const c of changes) {
    if (c < from || c >= to) continue;
    EV_IDX[nev] = c;
    EV_SPIKE[nev] = sig[c];
    EV_SIGMA[nev++] = sig[c];
  }
  return nev;
}

describe('SpikeTracker: update() and run() agree', () => {
  for (const [seed, isLog, isGrad] of [
    [1, true, false],
    [2, true, true],
    [3, false, false],
  ] as const) {
    it(`seed ${seed}, ${isLog ? 'log' : 'linear'}${isGrad ? ', gradient norm' : ''}`, () => {
      const st = resolveSettings({});
      const n = 30000;
      const y = curve(n, seed);
      const x = isLog ? y.map(Math.exp) : y;
      const { sig, changes } = scales(n, seed);
      const a = new SpikeTracker(st, isGrad, 0);
      const b = new SpikeTracker(st, isGrad, 0);
      a.isLog = b.isLog = isLog;
      let quantum = Infinity;
      let xPrev = NaN;
      for (const [from, to] of chunks(n, seed)) {
        const quantum0 = quantum;
        const xPrev0 = xPrev;
        for (let i = from; i < to; i++) {
          const dx = Math.abs(x[i] - xPrev);
          if (dx > 0 && dx < quantum) quantum = dx;
          xPrev = x[i];
          a.update(i, y[i], sig[i], x[i], quantum);
        }
        const nev = events(changes, sig, from, to);
        b.run(from, to, y, 0, x, 0, nev, from > 0 ? sig[from - 1] : NaN, quantum0, xPrev0);
        expect(state(b, ['lpEv', 'lpSig'])).toEqual(state(a, ['lpEv', 'lpSig']));
      }
      expect(a.count).toBeGreaterThan(5);
      expect(a.shifts).toBeGreaterThan(0);
    });
  }
});

describe('LevelTracker: update() and run() agree', () => {
  for (const [seed, isLog] of [
    [4, true],
    [5, false],
  ] as const) {
    it(`seed ${seed}, ${isLog ? 'log' : 'linear'}`, () => {
      const st = resolveSettings({});
      const n = 30000;
      const y = curve(n, seed);
      const { sig, changes } = scales(n, seed);
      const a = new LevelTracker(st);
      const b = new LevelTracker(st);
      a.isLog = b.isLog = isLog;
      for (const [from, to] of chunks(n, seed)) {
        for (let i = from; i < to; i++) a.update(i, y[i], sig[i]);
        b.run(from, to, y, 0, events(changes, sig, from, to), from > 0 ? sig[from - 1] : NaN);
        expect(state(b)).toEqual(state(a));
      }
      expect(a.lastNearIdx).toBeGreaterThan(0);
    });
  }
});

describe('EarlyStopTracker: update() and run() agree', () => {
  it('with non-finite values, relative and absolute min delta', () => {
    for (const mode of ['abs', 'rel'] as const) {
      const st = resolveSettings({ earlyStopMinDeltaMode: mode });
      const u = rng(9);
      const n = 3000;
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = u() < 0.01 ? NaN : 1 + Math.abs(i - 1000) / 1000 + 0.05 * u() - (i > 2500 ? 1 : 0);
      const a = new EarlyStopTracker(st);
      const b = new EarlyStopTracker(st);
      for (const [from, to] of chunks(n, 10)) {
        for (let i = from; i < to; i++) a.update(i, v[i]);
        b.run(v, 0, from, to);
        expect(state(b)).toEqual(state(a));
      }
      expect(a.stopped && a.beatenAfterStop).toBe(true);
    }
  });
});

describe('BlockTracker: point() and piece() agree', () => {
  for (const [seed, coarse] of [
    [11, 256],
    [12, 16],
  ] as const) {
    it(`seed ${seed}, ${coarse} coarse points`, () => {
      const st = resolveSettings({ coarsePoints: coarse });
      const n = 60000;
      const y = curve(n, seed);
      const u = rng(seed + 100);
      const invalid = new Uint8Array(n).map(() => (u() < 0.002 ? 1 : 0));
      const series = new Series('loss');
      for (let i = 0; i < n; i++) series.push(i, 1);
      const mk = () => {
        const noise = new NoiseTracker(st.noiseWindow, st.noiseFloor);
        noise.isLog = true;
        const blocks = new BlockTracker(series, st, 0, noise.window);
        blocks.isLog = true;
        return { noise, blocks };
      };
      const a = mk();
      const b = mk();
      // the reference: SeriesState.point() for every point
      const pointOf = (t: { noise: NoiseTracker; blocks: BlockTracker }, i: number) => {
        if (invalid[i]) t.blocks.gap();
        else {
          const d = t.blocks.point(i, y[i]);
          if (d >= 0) t.noise.sample(d);
        }
        if (t.blocks.full(i)) t.blocks.complete(i, i, t.noise.takeWindowMean());
      };
      for (const [from, to] of chunks(n, seed)) {
        for (let i = from; i < to; i++) pointOf(a, i);
        // as SeriesState: pieces of valid points through the loops (blockPass), others per point
        let p = from;
        while (p < to) {
          if (invalid[p] || p === 0) {
            pointOf(b, p++);
            continue;
          }
          const last = b.blocks.lastIdx;
          let q = Math.min(last + 1, to);
          let pMin = Infinity;
          let pMinIdx = -1;
          let pMax = -Infinity;
          let i = p;
          for (; i < q && !invalid[i]; i++) {
            if (y[i] < pMin) {
              pMin = y[i];
              pMinIdx = i;
            }
            if (y[i] > pMax) pMax = y[i];
          }
          q = i;
          b.blocks.extrema(pMin, pMinIdx, pMax, q - p);
          b.noise.beginRun();
          const ns = b.blocks.piece(p, q, y, 0);
          if (ns > 0) b.noise.samples(ns);
          if (q === last + 1) b.blocks.complete(last, last, b.noise.takeWindowMean());
          p = q;
        }
        expect(state(b.blocks)).toEqual(state(a.blocks));
        expect(state(b.noise, ['nev', 'nwBuf'])).toEqual(state(a.noise, ['nev', 'nwBuf']));
      }
      expect(a.blocks.size).toBeGreaterThan(coarse === 16 ? 1000 : 100);
    });
  }
});
