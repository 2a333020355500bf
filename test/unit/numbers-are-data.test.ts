/**
 * "A message is evidence": over every log we hold (the real corpus, the judged real-world corpus,
 * the examples and the scenario logs), every best value and step a finding or the run summary
 * quotes is the logged value at that step, and the places that quote the same thing agree:
 * - overfitting and early-stop: evidence.best is the value logged at evidence.bestStep, and on
 *   one series both findings name the same step and value;
 * - the summary's best validation loss is the value logged at its step;
 * - loss-spike: evidence.peak is the value logged at evidence.peakStep;
 * - non-finite: the value logged at evidence.firstStep is non-finite;
 * - divergence: evidence.bestLevel and evidence.level lie between logged values of the series;
 * - plateau: the level it was stuck near lies between the values logged in its stretch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, summarize, type Finding } from '../../src/core/diagnose';
import { loadPaths } from '../../src/core/load';
import type { Run, Series } from '../../src/core/model';
import { REAL, REPO_ROOT } from '../helpers';

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (!/MANIFEST\.tsv$|README\.md$|FLOOR\.json$|\.py$|labels\.json$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Evidence numbers are written with 6 significant digits. */
const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b));

/** Values logged at a step (a step can hold several; evidence steps have 6 significant digits). */
function valuesAt(s: Series, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) if (close(s.steps.get(i), step)) out.push(s.values.get(i));
  return out;
}

function finiteRange(s: Series): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < s.length; i++) {
    const v = s.values.get(i);
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return [lo, hi];
}


function check(run: Run, findings: Finding[]): string[] {
  const bad: string[] = [];
  const where = (f: Finding) => `${path.relative(REPO_ROOT, run.source)} ${f.kind} ${f.series}`;
  for (const f of findings) {
    const s = run.series.get(f.series);
    if (!s) continue;
    const ev = f.evidence;
    if ((f.kind === 'overfitting' && ev.rule !== 'capacity') || f.kind === 'early-stop') {
      const at = valuesAt(s, ev.bestStep as number);
      if (!at.some(v => close(v, ev.best as number))) bad.push(`${where(f)}: best ${String(ev.best)} is not logged at step ${String(ev.bestStep)} (${at.join(', ')})`);
    }
    if (f.kind === 'loss-spike') {
      const at = valuesAt(s, ev.peakStep as number);
      if (!at.some(v => close(v, ev.peak as number))) bad.push(`${where(f)}: peak ${String(ev.peak)} is not logged at step ${String(ev.peakStep)}`);
    }
    if (f.kind === 'non-finite' && ev.masked === false) {
      const at = valuesAt(s, ev.firstStep as number);
      if (!at.some(v => !Number.isFinite(v))) bad.push(`${where(f)}: nothing non-finite at step ${String(ev.firstStep)}`);
    }
    if (f.kind === 'plateau' && f.endStep !== undefined && ev.rule === undefined) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < s.length; i++) {
        const st = s.steps.get(i);
        const v = s.values.get(i);
        if (st >= f.step && st <= f.endStep && Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      const v = ev.level as number;
      if (!((v >= lo || close(v, lo)) && (v <= hi || close(v, hi)))) bad.push(`${where(f)}: plateau level ${v} outside the values logged in it [${lo}, ${hi}]`);
    }
    if (f.kind === 'divergence') {
      const [lo, hi] = finiteRange(s);
      for (const k of ['bestLevel', 'level'] as const) {
        const v = ev[k] as number;
        // (evidence is rounded to significant digits: the lowest logged value may come out a hair below)
        if (!((v >= lo || close(v, lo)) && (v <= hi || close(v, hi)))) bad.push(`${where(f)}: ${k} ${v} outside the logged values [${lo}, ${hi}]`);
      }
    }
  }
  // overfitting and early stopping on one series name one best
  for (const o of findings.filter(f => f.kind === 'overfitting' && f.evidence.rule !== 'capacity')) {
    for (const e of findings.filter(f => f.kind === 'early-stop' && f.series === o.series)) {
      if (o.evidence.bestStep !== e.evidence.bestStep || o.evidence.best !== e.evidence.best) {
        bad.push(`${where(o)}: overfitting best ${String(o.evidence.best)}@${String(o.evidence.bestStep)} vs early-stop ${String(e.evidence.best)}@${String(e.evidence.bestStep)}`);
      }
    }
  }
  const sum = summarize(run, findings);
  if (sum.bestVal) {
    const s = run.series.get(sum.bestVal.series)!;
    const at = valuesAt(s, sum.bestVal.step);
    if (!at.includes(sum.bestVal.value)) bad.push(`${run.source}: summary best ${sum.bestVal.value} not logged at ${sum.bestVal.step}`);
  }
  return bad;
}

describe('every number a message quotes is the data', () => {
  const roots = [REAL, path.join(REPO_ROOT, 'test/fixtures/judged'), path.join(REPO_ROOT, 'examples'), path.join(REPO_ROOT, 'test/scenarios/logs')];
  it('over every log we hold', async () => {
    const files = roots.flatMap(r => filesUnder(r));
    expect(files.length).toBeGreaterThan(400);
    const bad: string[] = [];
    let findings = 0;
    let checked = 0;
    for (const file of files) {
      const { runs } = await loadPaths([file], { threads: false });
      for (const run of runs) {
        const fs = diagnose([run]);
        findings += fs.length;
        checked += fs.filter(f => ['overfitting', 'early-stop', 'loss-spike', 'non-finite', 'divergence'].includes(f.kind)).length;
        bad.push(...check(run, fs));
      }
    }
    expect(bad).toEqual([]);
    // (the check has something to check)
    expect(findings).toBeGreaterThan(150);
    expect(checked).toBeGreaterThan(60);
  }, 120_000);
});
