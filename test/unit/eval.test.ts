/**
 * The evaluation harness (src/eval): each re-implemented baseline on small runs that do and do
 * not meet its published rule, the per-epoch history the Keras-style callbacks see, the scoring
 * rules, and the baselines on a few real scenario logs.
 */
import { describe, expect, it } from 'vitest';
import { createRun, seriesOf, type Run } from '../../src/core/model';
import {
  autotrainer,
  BASELINES,
  kerasEarlyStopping,
  kerasTerminateOnNaN,
  lightningEarlyStopping,
  maxDelta,
  olJudge,
  smdLossNotDecreasing,
  smdOverfit,
  smdOvertraining,
  umlaut,
} from '../../src/eval/baselines';
import { evaluate, precision, recall, scoreScenario, totals } from '../../src/eval/evaluate';
import { LOSS_LENS } from '../../src/eval/ours';
import { renderMarkdown } from '../../src/eval/report';
import { epochHistory, runSpan } from '../../src/eval/runView';
import { loadScenarios, scenariosDir, type ScenarioLabel } from '../../src/eval/scenarios';
import { REPO_ROOT } from '../helpers';

/** A run from {name: values} (steps 0..n-1) or {name: [[step, value], ...]}. */
function mkRun(series: Record<string, number[] | Array<[number, number]>>): Run {
  const run = createRun('mem', 'csv');
  for (const [name, pts] of Object.entries(series)) {
    const s = seriesOf(run, name);
    pts.forEach((p, i) => (Array.isArray(p) ? s.push(p[0], p[1]) : s.push(i, p)));
  }
  return run;
}

const kinds = (ds: { kind: string }[]) => ds.map(d => d.kind);

describe('AUTOTRAINER', () => {
  it('ol_judge counts index-paired maxima and minima ζ apart against η × epochs', () => {
    expect(olJudge([0.5, 0.6, 0.5, 0.6, 0.5, 0.6, 0.5], 0.03, 0.2)).toBe(true);
    expect(olJudge([0.5, 0.51, 0.5, 0.51, 0.5, 0.51, 0.5], 0.03, 0.2)).toBe(false);
    expect(olJudge([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 0.03, 0.2)).toBe(false);
  });

  it('max_delta_acc is the largest one-step gain, 0 when there is none', () => {
    expect(maxDelta([0.1, 0.3, 0.35, 0.2])).toBeCloseTo(0.2);
    expect(maxDelta([0.5, 0.4, 0.3])).toBe(0);
  });

  it('reports NaN loss as non-finite and a loss >= 1e3 as an explosion, at the check that sees it', () => {
    const nan = autotrainer(mkRun({ loss: [1, 0.9, 0.8, 0.7, NaN, NaN, NaN] }));
    expect(nan).toEqual([{ kind: 'non-finite', step: 5, rule: 'nan_loss' }]);
    const big = autotrainer(mkRun({ loss: [1, 0.5, 0.3, 1000, 2000, 3000] }));
    expect(kinds(big)).toEqual(['gradient-explosion']);
    expect(big[0].step).toBe(5);
  });

  it('not_converge with sc_accuracy is no-learning; unstable accuracy is oscillation', () => {
    const n = 30;
    const stuck = autotrainer(
      mkRun({
        loss: Array.from({ length: n }, () => 2.3),
        val_loss: Array.from({ length: n }, () => 2.3),
        accuracy: Array.from({ length: n }, (_, i) => 0.1 + 0.001 * i),
        val_accuracy: Array.from({ length: n }, (_, i) => 0.1 + 0.001 * i),
      }),
    );
    expect(kinds(stuck)).toEqual(['no-learning']);
    // Checks start at 30% of the epochs minus the check gap: epoch 6 of 30.
    expect(stuck[0].step).toBe(5);

    const bouncing = autotrainer(
      mkRun({
        loss: Array.from({ length: n }, (_, i) => 1 - i / 60),
        accuracy: Array.from({ length: n }, (_, i) => 0.7 + (i % 2 ? 0.1 : 0)),
      }),
    );
    expect(kinds(bouncing)).toContain('oscillation');
    expect(kinds(bouncing)).not.toContain('no-learning');
  });

  it('raises nothing on a run that learns steadily', () => {
    const n = 30;
    const ok = autotrainer(
      mkRun({
        loss: Array.from({ length: n }, (_, i) => 2 * Math.exp(-i / 5)),
        val_loss: Array.from({ length: n }, (_, i) => 2 * Math.exp(-i / 5) + 0.1),
        accuracy: Array.from({ length: n }, (_, i) => 0.95 - 0.85 * Math.exp(-i / 5)),
        val_accuracy: Array.from({ length: n }, (_, i) => 0.93 - 0.83 * Math.exp(-i / 5)),
      }),
    );
    expect(ok).toEqual([]);
  });
});

describe('SageMaker Debugger rules', () => {
  it('LossNotDecreasing compares with the newest loss at least num_steps earlier, every num_steps', () => {
    const falling = mkRun({ loss: Array.from({ length: 50 }, (_, i) => 2 - i * 0.01).map((v, i) => [i * 3, v] as [number, number]) });
    expect(smdLossNotDecreasing(falling)).toEqual([]);
    const flat = mkRun({ loss: Array.from({ length: 50 }, (_, i) => [i * 3, 1] as [number, number]) });
    const d = smdLossNotDecreasing(flat);
    expect(kinds(d)).toEqual(['plateau']);
    expect(d[0].step).toBe(12); // the first step with a saved loss >= 10 steps before it (step 0)
  });

  it('LossNotDecreasing reads the validation loss first', () => {
    const r = mkRun({ loss: Array.from({ length: 40 }, (_, i) => 2 - i * 0.01), val_loss: [[0, 1], [10, 1.1], [20, 1.2], [30, 1.3]] });
    expect(smdLossNotDecreasing(r)).toMatchObject([{ kind: 'plateau', step: 10 }]);
  });

  it('Overfit fires on the first evaluation with (val - train) / train > 0.1', () => {
    const r = mkRun({ loss: [1, 0.8, 0.6, 0.5], val_loss: [1.05, 0.85, 0.7, 0.6] });
    expect(smdOverfit(r)).toMatchObject([{ kind: 'overfitting', step: 2 }]);
    expect(smdOverfit(mkRun({ loss: [1, 0.8], val_loss: [1.05, 0.85] }))).toEqual([]);
  });

  it('Overtraining: train not better by delta for 5 steps, validation for 10 evaluations', () => {
    const r = mkRun({
      loss: [2, 1.5, 1.0, 0.95, 0.93, 0.92, 0.91, 0.9, 0.89],
      val_loss: [2, 1.5, 1.2, 1.19, 1.18, 1.17, 1.16, 1.15, 1.14, 1.13, 1.12, 1.11, 1.1],
    });
    expect(smdOvertraining(r)).toEqual([
      { kind: 'plateau', step: 2, rule: 'train loss not improving' },
      { kind: 'early-stop', step: 2, rule: 'validation loss not improving' },
    ]);
  });
});

describe('Keras and Lightning callbacks', () => {
  it('TerminateOnNaN stops on the first NaN or infinite training loss', () => {
    expect(kerasTerminateOnNaN(mkRun({ loss: [1, 0.5, Infinity, NaN] }))).toMatchObject([{ kind: 'non-finite', step: 2 }]);
    expect(kerasTerminateOnNaN(mkRun({ loss: [1, 0], grad_norm: [1, NaN] }))).toEqual([]);
  });

  it('EarlyStopping (patience 0) stops at the first val_loss not below the best, restoring the best', () => {
    expect(kerasEarlyStopping(mkRun({ loss: [1, 1, 1, 1], val_loss: [1, 0.9, 0.9, 0.8] }))).toMatchObject([{ kind: 'early-stop', step: 1 }]);
    expect(kerasEarlyStopping(mkRun({ loss: [1, 1, 1], val_loss: [1, NaN, 0.5] }))).toMatchObject([{ kind: 'early-stop', step: 0 }]);
    expect(kerasEarlyStopping(mkRun({ loss: [1, 0.9, 0.8] }))).toEqual([]);
    expect(kerasEarlyStopping(mkRun({ loss: [1, 1, 1], val_loss: [1, 0.9, 0.8] }))).toEqual([]);
  });

  it('Lightning EarlyStopping: check_finite, then divergence_threshold, then patience 3', () => {
    expect(lightningEarlyStopping(mkRun({ val_loss: [1, 0.9, NaN] }))).toMatchObject([{ kind: 'non-finite', step: 2 }]);
    expect(lightningEarlyStopping(mkRun({ loss: [1, 0.9, 5, 11, 12] }))).toMatchObject([{ kind: 'divergence', step: 3 }]);
    expect(lightningEarlyStopping(mkRun({ val_loss: [1, 0.8, 0.9, 0.85, 0.81, 0.7] }))).toMatchObject([{ kind: 'early-stop', step: 1 }]);
    expect(lightningEarlyStopping(mkRun({ val_loss: [1, 0.8, 0.9, 0.85, 0.7] }))).toEqual([]);
  });
});

describe('UMLAUT', () => {
  it('flags NaN (not Inf) training loss and any epoch where val rises while train does not', () => {
    const r = mkRun({ loss: [1, 0.8, 0.7, 0.6, Infinity, NaN], val_loss: [1, 0.9, 0.95, 0.9, 1, 1] });
    expect(umlaut(r)).toEqual([
      { kind: 'overfitting', step: 2, rule: 'val up, train not up' },
      { kind: 'non-finite', step: 5, rule: 'NaN in loss' },
    ]);
  });
});

describe('run view', () => {
  it('averages the training records of each validation interval into one epoch', () => {
    const r = mkRun({
      loss: [[1, 4], [2, 2], [3, 3], [4, 1]],
      val_loss: [[2, 5], [4, 6]],
      accuracy: [[2, 0.5], [4, 0.7]],
    });
    expect(epochHistory(r)).toEqual([
      { step: 2, loss: 3, valLoss: 5, acc: 0.5 },
      { step: 4, loss: 2, valLoss: 6, acc: 0.7 },
    ]);
    expect(runSpan(r)).toEqual({ first: 1, last: 4, length: 3 });
  });

  it('makes every training record an epoch when there is no validation loss', () => {
    expect(epochHistory(mkRun({ loss: [3, 2, 1] })).map(e => e.loss)).toEqual([3, 2, 1]);
  });
});

describe('scoring', () => {
  const label = (l: Partial<ScenarioLabel>): ScenarioLabel => ({ script: '', log: '', format: 'csv', expected: [], forbidden: [], ...l });

  it('counts expected kinds (or alternatives) as found, forbidden ones as false positives, the rest as allowed', () => {
    const o = scoreScenario(
      label({
        expected: [{ kind: 'no-learning', alternatives: ['plateau'] }, { kind: 'non-finite', onset: 10 }],
        forbidden: ['divergence'],
        forbiddenInfo: ['early-stop'],
      }),
      [
        { kind: 'plateau', step: 4 },
        { kind: 'divergence', step: 3 },
        { kind: 'early-stop', step: 2 },
        { kind: 'overfitting', step: 9 },
        { kind: 'plateau', step: 1 },
      ],
    );
    expect(o.found).toEqual([{ expected: 'no-learning', matched: 'plateau' }]);
    expect(o.missed).toEqual(['non-finite']);
    expect(o.correct).toEqual(['plateau']);
    expect(o.falsePositives.sort()).toEqual(['divergence', 'early-stop']);
    expect(o.allowed).toEqual(['overfitting']);
    expect(o.raised.get('plateau')).toBe(1);
  });

  it('treats every problem kind as a false alarm on a hard negative, info kinds only when forbidden', () => {
    const all = ['divergence', 'loss-spike', 'oscillation', 'plateau', 'no-learning', 'overfitting', 'underfitting', 'gradient-explosion', 'vanishing-gradient', 'non-finite', 'loss-imbalance'] as const;
    const o = scoreScenario(label({ forbidden: [...all] }), [
      { kind: 'loss-spike', step: 1 },
      { kind: 'not-converged', step: 2 },
    ]);
    expect(o.falsePositives).toEqual(['loss-spike']);
    expect(o.allowed).toEqual(['not-converged']);
  });
});

describe('precision and recall', () => {
  it('are the shares of right alarms and of labelled problems found; undefined when nothing counts', () => {
    expect(precision({ correct: 3, falsePositives: 1 })).toBe(0.75);
    expect(precision({ correct: 0, falsePositives: 4 })).toBe(0);
    expect(precision({ correct: 0, falsePositives: 0 })).toBeUndefined();
    expect(recall({ found: 1, missed: 3 })).toBe(0.25);
    expect(recall({ found: 0, missed: 0 })).toBeUndefined();
  });
});

describe('on the scenario logs', async () => {
  const scenarios = await loadScenarios(scenariosDir(REPO_ROOT));
  const byName = new Map(scenarios.map(s => [s.name, s.run]));
  const get = (n: string) => byName.get(n)!;

  it('the NaN callbacks behave as published: Keras misses the HF-masked NaN, UMLAUT misses +Inf', () => {
    expect(kerasTerminateOnNaN(get('nan_huge_lr'))).toMatchObject([{ kind: 'non-finite', step: 129 }]);
    expect(kerasTerminateOnNaN(get('nan_bad_input'))).toMatchObject([{ kind: 'non-finite', step: 235 }]);
    expect(kerasTerminateOnNaN(get('masked_nan_hf'))).toEqual([]);
    // +Inf at 129, NaN from 164.
    expect(umlaut(get('nan_huge_lr')).find(d => d.kind === 'non-finite')?.step).toBe(164);
  });

  it('scores every detector on every scenario and renders the report', () => {
    const ev = evaluate(scenarios, [LOSS_LENS, ...BASELINES]);
    expect(ev.healthy.length).toBeGreaterThanOrEqual(6);
    for (const sc of ev.scores) {
      expect(sc.perScenario.size).toBe(scenarios.length);
      const t = totals(sc);
      expect(t.found + t.missed).toBe(scenarios.reduce((n, s) => n + s.label.expected.length, 0));
      const p = precision(t);
      const r = recall(t);
      expect(p).toBe(t.correct + t.falsePositives ? t.correct / (t.correct + t.falsePositives) : undefined);
      expect(r).toBe(t.found / (t.found + t.missed));
      for (const v of [p, r]) {
        if (v === undefined) continue;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    // Loss Lens finds (nearly) everything labelled without false alarms, and more than any baseline.
    const [ours, ...baselines] = ev.scores.map(sc => ({ name: sc.detector.name, ...totals(sc) }));
    expect(ours.name).toBe('Loss Lens');
    expect(recall(ours)).toBeGreaterThanOrEqual(0.9);
    expect(precision(ours)).toBeGreaterThanOrEqual(0.9);
    for (const b of baselines) expect(recall(b)!, b.name).toBeLessThan(recall(ours)!);
    // The baselines are fixed published rules: their counts only change with the scenarios.
    expect(Object.fromEntries(baselines.map(b => [b.name, [b.found, b.missed, b.correct, b.falsePositives]]))).toEqual({
      AUTOTRAINER: [6, 13, 6, 5],
      'SMD LossNotDecreasing': [0, 19, 0, 8],
      'SMD Overfit': [2, 17, 2, 9],
      'SMD Overtraining': [3, 16, 3, 16],
      'Keras TerminateOnNaN': [2, 17, 2, 0],
      'Keras EarlyStopping': [1, 18, 1, 2],
      'Lightning EarlyStopping': [2, 17, 2, 2],
      UMLAUT: [4, 15, 4, 4],
    });
    const md = renderMarkdown(ev);
    expect(md).toContain('| kind | expected | Loss Lens | AUTOTRAINER |');
    expect(md).toContain(`false alarms on the ${ev.healthy.length} healthy runs`);
  });
});
