/**
 * Every threshold matters: moving any numeric setting of the engine by a fifth (x1.25 or x0.8,
 * integers by at least 1) changes the findings of at least one run we hold — the synthetic
 * scenarios (scenarios.ts, including near misses built for single thresholds), the real PyTorch
 * scenario logs and the judged real-world corpus. A threshold that no run notices is one no
 * test would catch a change of. What is compared: every finding (kind, series, severity, steps)
 * and each run's summary (convergence status, capacity, validation trend, simulated early stop). UNCOVERED lists those still without a run near them; it may
 * only shrink. The findings of every one of those runs at the defaults are pinned in a
 * snapshot, so that changing a covered threshold's default breaks this test (an intended change
 * is reviewed and accepted with `npx vitest run -u`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, summarize } from '../../../src/core/diagnose';
import { DEFAULT_SETTINGS } from '../../../src/core/diagnose/settings';
import { loadPaths } from '../../../src/core/load';
import type { Run } from '../../../src/core/model';
import { REPO_ROOT } from '../../helpers';
import * as S from './scenarios';

/** Thresholds no run we hold sits near yet (see the header). */
const UNCOVERED = new Set<string>([]);

/** What the engine says of runs: its findings, and each run's summary (convergence status,
 * capacity, the validation trend, the early stop it simulates). */
function signature(runs: Run[], opts: Record<string, number> = {}): string {
  const fs = diagnose(runs, opts);
  const lines = fs.map(f => `${f.kind}|${f.series}|${f.severity}|${f.step}|${f.endStep ?? ''}`).sort();
  for (const r of runs) {
    const s = summarize(r, fs, opts);
    lines.push(`summary|${s.convergence?.status ?? ''}|${s.capacity?.status ?? ''}|${s.valTrend?.rising ?? ''}|${s.earlyStop?.stopStep ?? ''}`);
  }
  return lines.join('\n');
}

/** The two moved values of a threshold. */
function moved(v: number): number[] {
  if (!Number.isInteger(v)) return [v * 1.25, v * 0.8];
  return [Math.max(v + 1, Math.round(v * 1.25)), Math.max(0, Math.min(v - 1, Math.round(v * 0.8)))];
}

async function allRuns(): Promise<{ names: string[]; runs: Run[][] }> {
  const runs: Run[][] = [];
  const names: string[] = [];
  // synthetic scenarios first (cheap): with their default arguments, those without defaults
  // with the arguments kinds.test.ts uses
  const args: Record<string, unknown[]> = {
    growingNoise: [1],
    epochBounce: [1],
    heavyTailed: [1, 5, 0.1, [1500, 3500]],
    convergedValCreep: [0.0005, 1],
  };
  for (const [name, fn] of Object.entries(S)) {
    if (typeof fn !== 'function') continue;
    const a = args[name] ?? [];
    expect(a.length, `arguments for scenario ${name}`).toBeGreaterThanOrEqual(fn.length);
    runs.push([(fn as (...a: unknown[]) => Run)(...a)]);
    names.push(`scenario ${name}`);
  }
  const files: string[] = [];
  const logs = path.join(REPO_ROOT, 'test', 'scenarios', 'logs');
  for (const f of fs.readdirSync(logs).sort()) files.push(path.join(logs, f));
  for (const sub of ['text', 'structured']) {
    const root = path.join(REPO_ROOT, 'test', 'fixtures', 'judged', sub);
    for (const f of fs.readdirSync(root).sort()) if (f !== 'MANIFEST.tsv') files.push(path.join(root, f));
  }
  for (const f of files) {
    const r = await loadPaths([f]);
    if (r.runs.length) {
      runs.push(r.runs);
      names.push(path.relative(REPO_ROOT, f).split(path.sep).join('/'));
    }
  }
  return { names, runs };
}

describe('every threshold matters', () => {
  it('UNCOVERED names settings that exist', () => {
    for (const k of UNCOVERED) expect(DEFAULT_SETTINGS, k).toHaveProperty(k);
  });

  it('moving any other threshold by a fifth changes the findings of some run', async () => {
    const { names, runs } = await allRuns();
    expect(runs.length).toBeGreaterThan(150);
    const base = runs.map(r => signature(r));
    expect(Object.fromEntries(names.map((n, i) => [n, base[i].split('\n')]))).toMatchSnapshot();
    const size = (rs: Run[]) => rs.reduce((n, r) => n + [...r.series.values()].reduce((m, s) => m + s.length, 0), 0);
    const bySize = runs.map((_, i) => i).sort((a, b) => size(runs[a]) - size(runs[b]) || a - b);
    const unnoticed: string[] = [];
    for (const [key, v] of Object.entries(DEFAULT_SETTINGS)) {
      if (typeof v !== 'number' || UNCOVERED.has(key)) continue;
      // run by run, smallest first, both moved values (a run that notices one stops the search)
      let noticed = false;
      for (const i of bySize) {
        if (noticed) break;
        for (const value of moved(v)) {
          noticed = signature(runs[i], { [key]: value }) !== base[i];
          if (noticed) break;
        }
      }
      if (!noticed) unnoticed.push(key);
      // (let the test runner's messages through: this loop runs for a minute or more)
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    expect(unnoticed).toEqual([]);
  }, 300_000);
});
