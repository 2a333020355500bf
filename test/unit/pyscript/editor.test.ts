import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../../src/core/analyze';
import type { Finding } from '../../../src/core/diagnose/types';
import { loadPaths } from '../../../src/core/load';
import { createRun, type Run, seriesOf } from '../../../src/core/model';
import { isLogCandidate, isRecognisedLog } from '../../../src/host/diagnostics/pure/documents';
import { findingLine, lineOfStep, placeFindings } from '../../../src/host/diagnostics/pure/findingLines';
import {
  codeLensTitle,
  copyFixText,
  diagnosticMessage,
  formatNumber,
  hoverMarkdown,
} from '../../../src/host/diagnostics/pure/text';
import { EXAMPLES } from './helpers';

async function load(name: string): Promise<Run[]> {
  const { runs } = await loadPaths([path.join(EXAMPLES, name)]);
  return runs;
}

function finding(over: Partial<Finding>): Finding {
  return {
    kind: 'non-finite',
    severity: 'error',
    series: 'loss',
    step: 15,
    title: 'Loss became NaN',
    message: 'loss is NaN from step 15 on (6 of 6 points after it).',
    evidence: { firstBadStep: 15, nonFinite: 4, lr: 0.5 },
    fixes: [
      { title: 'Lower the learning rate', detail: 'Divide it by 10.' },
      { title: 'Clip gradients', detail: 'Cap the norm.', code: 'torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)' },
    ],
    confidence: 0.95,
    ...over,
  };
}

describe('placing findings on log lines (examples/diverging_run.log)', () => {
  it('puts a finding without a line on the line of its step: the first NaN (step 15) is on line 4', async () => {
    const runs = await load('diverging_run.log');
    const loss = runs[0].series.get('loss');
    expect(loss && lineOfStep(loss, 15)).toEqual({ line: 4, exact: true });
    expect(findingLine(finding({}), runs)).toMatchObject({ line: 4, how: 'step' });
  });

  it('uses the nearest point of the series when the step has none (the earlier on ties), and the finding line when given', () => {
    const run = createRun('mem.log', 'text');
    const s = seriesOf(run, 'loss');
    [
      [5, 1],
      [10, 2],
      [15, 4],
      [20, 0], // a point without a line
      [25, 7],
    ].forEach(([step, line]) => s.push(step, 1, undefined, line || undefined));
    const runs = [run];
    expect(findingLine(finding({ step: 12 }), runs)).toMatchObject({ line: 2, how: 'nearest-step' });
    expect(findingLine(finding({ step: 13 }), runs)).toMatchObject({ line: 4, how: 'nearest-step' });
    expect(findingLine(finding({ step: 12.5 }), runs)).toMatchObject({ line: 2, how: 'nearest-step' });
    expect(findingLine(finding({ step: 20 }), runs)).toMatchObject({ line: 4, how: 'nearest-step' });
    expect(findingLine(finding({ step: 1000 }), runs)).toMatchObject({ line: 7, how: 'nearest-step' });
    expect(findingLine(finding({ line: 9 }), runs)).toMatchObject({ line: 9, how: 'finding' });
  });

  it('puts findings that nothing places on the fallback line', async () => {
    const runs = await load('diverging_run.log');
    const placed = placeFindings([finding({ series: 'no such series' }), finding({})], runs, 1);
    expect(placed.map(p => [p.line, p.how])).toEqual([
      [1, 'fallback'],
      [4, 'step'],
    ]);
  });

  it('finds CSV rows too: val_loss at step 33 is on line 10 of examples/overfit_metrics.csv', async () => {
    const runs = await load('overfit_metrics.csv');
    expect(findingLine(finding({ kind: 'overfitting', series: 'val_loss', step: 33 }), runs)).toMatchObject({ line: 10 });
  });

  it('places the engine findings of diverging_run.log on line 4 when the engine reports the NaN', async () => {
    const runs = await load('diverging_run.log');
    const nonFinite = analyzeRuns(runs).filter(f => f.kind === 'non-finite' && f.series === 'loss');
    // Until the engine (being written alongside) reports findings, there is nothing to place.
    for (const f of nonFinite) expect(findingLine(f, runs)?.line).toBe(4);
  });
});

describe('editor texts', () => {
  it('diagnosticMessage(finding) is the title then what was seen', () => {
    expect(diagnosticMessage(finding({}))).toBe('Loss became NaN: loss is NaN from step 15 on (6 of 6 points after it).');
    expect(diagnosticMessage(finding({ message: '' }))).toBe('Loss became NaN');
  });

  it('hoverMarkdown(findings) lists the evidence as key: value and the fixes in order, code as python blocks', () => {
    const md = hoverMarkdown([finding({})], { lang: 'en', revealUri: 'file:///runs/a.log' });
    expect(md).toContain('**Loss Lens — Loss became NaN**');
    expect(md).toContain('`non-finite` · error · step 15 · series `loss` · confidence 95%');
    expect(md).toContain('**Evidence**\n\n- firstBadStep: 15\n- nonFinite: 4\n- lr: 0.5');
    // Texts are markdown-escaped (they may quote names from the log); they render as written.
    expect(md).toContain('1. **Lower the learning rate** — Divide it by 10\\.\n2. **Clip gradients** — Cap the norm\\.');
    expect(md).toContain('   ```python\n   torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)\n   ```');
    const link = /\[Show in Loss Lens\]\(command:lossLens\.revealStep\?([^)]+)\)/.exec(md);
    expect(link && JSON.parse(decodeURIComponent(link[1]))).toEqual(['file:///runs/a.log', 15, 'loss']);
  });

  it('hoverMarkdown(findings) in Chinese, with step ranges and several findings separated by rules', () => {
    const md = hoverMarkdown([finding({ endStep: 30 }), finding({ kind: 'loss-spike', severity: 'warning' })], { lang: 'zh-cn' });
    expect(md).toContain('`non-finite` · 错误 · 第 15–30 步 · 序列 `loss` · 置信度 95%');
    expect(md).toContain('**证据**');
    expect(md).toContain('**建议尝试的修复**');
    expect(md.split('\n\n---\n\n')).toHaveLength(2);
    expect(md).not.toContain('command:');
  });

  it('codeLensTitle(findings) sums the run up', () => {
    const e = finding({});
    const w = finding({ severity: 'warning' });
    const i = finding({ severity: 'info' });
    expect(codeLensTitle([e, e, w], 'en')).toBe('2 errors, 1 warning — Open curves');
    expect(codeLensTitle([w, i, i], 'en')).toBe('1 warning, 2 notes — Open curves');
    expect(codeLensTitle([], 'en')).toBe('No problems found — Open curves');
    expect(codeLensTitle([e, e, w], 'zh-cn')).toBe('2 个错误，1 个警告 — 打开曲线');
    expect(codeLensTitle([], 'zh-cn')).toBe('未发现问题 — 打开曲线');
  });

  it("copyFixText(finding) copies the first fix's code, else its detail", () => {
    const f = finding({});
    expect(copyFixText(f)).toBe('Divide it by 10.');
    expect(copyFixText({ ...f, fixes: [f.fixes[1]] })).toBe('torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)');
    expect(copyFixText({ ...f, fixes: [] })).toBeUndefined();
  });

  it.each([
    [0.5, '0.5'],
    [15, '15'],
    [NaN, 'NaN'],
    [Infinity, 'Inf'],
    [0.0000123456, '1.235e-5'],
    [781571081696258293760, '7.816e20'],
    [0.123456, '0.1235'],
  ])('formatNumber(%s) = %s', (v, s) => {
    expect(formatNumber(v)).toBe(s);
  });
});

describe('which documents are logs', () => {
  it.each([
    ['/runs/train.log', 'log', false, true],
    ['/runs/metrics.csv', 'csv', false, true],
    ['/out/trainer_state.json', 'json', false, true],
    ['/runs/history.jsonl', 'jsonl', false, true],
    ['/proj/package.json', 'json', false, false],
    ['/proj/requirements.txt', 'plaintext', false, false],
    ['/proj/train.py', 'python', false, false],
    ['/proj/README.md', 'markdown', false, false],
    ['Untitled-1', 'plaintext', true, true],
    ['Untitled-2', 'python', true, false],
  ])('isLogCandidate(%s, %s) = %s', (file, lang, untitled, expected) => {
    expect(isLogCandidate(file, lang, untitled)).toBe(expected);
  });

  it('isRecognisedLog(runs) wants a loss series with points', async () => {
    expect(isRecognisedLog(await load('healthy_run.log'))).toBe(true);
    expect(isRecognisedLog([])).toBe(false);
  });
});
