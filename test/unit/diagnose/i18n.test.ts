/** Message catalogues: identical keys and placeholders in every language; fixes complete. */
import { describe, expect, it } from 'vitest';
import { diagnose, FINDING_KINDS, FIXES_BY_KIND, fixesFor } from '../../../src/core/diagnose';
import { ALL_FIX_IDS } from '../../../src/core/diagnose/fixes';
import { CATALOGUES, fmtNum, fmtPct, placeholders, t } from '../../../src/core/i18n';
import * as S from './scenarios';

describe('message catalogues', () => {
  const en = CATALOGUES.en;
  const zh = CATALOGUES['zh-cn'];

  it('have exactly the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('use the same placeholders for every key', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]));
    }
  });

  it('are really translated (Chinese text in the Chinese catalogue)', () => {
    const keys = Object.keys(en) as (keyof typeof en)[];
    const words = (x: string) => x.replace(/\{[A-Za-z0-9_]+\}/g, '').replace(/[^A-Za-z]/g, '');
    const untranslated = keys.filter(k => words(en[k]).length > 8 && !/[\u4e00-\u9fff]/.test(zh[k]));
    expect(untranslated).toEqual([]);
  });

  it('fill placeholders and format numbers', () => {
    expect(t('en', 'nonFinite.message', { subject: 'Training loss', what: 'NaN', step: '1200', count: 37 })).toBe(
      'Training loss became NaN at step 1200 (first of 37 non-finite values).',
    );
    expect(t('zh-cn', 'nonFinite.message', { subject: '训练损失', what: 'NaN', step: '1200', count: 37 })).toBe(
      '训练损失在第 1200 步变成 NaN（共 37 个非有限值，这是第一个）。',
    );
    expect(fmtNum(0.000123)).toBe('1.23e-4');
    expect(fmtNum(2.302585)).toBe('2.303');
    expect(fmtNum(12345.6)).toBe('12346');
    expect(fmtPct(0.1234)).toBe('12%');
    expect(fmtPct(0.0567)).toBe('5.7%');
  });
});

describe('fix catalogue', () => {
  it('has fixes for every kind, each with a title and detail in both languages', () => {
    for (const kind of FINDING_KINDS) {
      expect(FIXES_BY_KIND[kind].length, kind).toBeGreaterThan(0);
      for (const lang of ['en', 'zh-cn'] as const) {
        for (const f of fixesFor(FIXES_BY_KIND[kind], lang)) {
          expect(f.title.length).toBeGreaterThan(0);
          expect(f.detail.length).toBeGreaterThan(0);
          expect(f.title + f.detail).not.toMatch(/fix\./);
        }
      }
    }
    for (const id of ALL_FIX_IDS) {
      expect(CATALOGUES.en[`fix.${id}.title` as keyof typeof CATALOGUES.en], id).toBeDefined();
      expect(CATALOGUES['zh-cn'][`fix.${id}.detail` as keyof typeof CATALOGUES.en], id).toBeDefined();
    }
  });

  it('follows the seed diagnosis table: NaN -> lower LR then clipping; oscillation -> lower LR, larger batch', () => {
    expect(FIXES_BY_KIND['non-finite'].slice(0, 2)).toEqual(['lowerLr', 'clipGrad']);
    expect(FIXES_BY_KIND.oscillation.slice(0, 2)).toEqual(['lowerLr', 'largerBatch']);
    expect(FIXES_BY_KIND.overfitting.slice(0, 2)).toEqual(['earlyStopping', 'weightDecay']);
    expect(FIXES_BY_KIND['no-learning']).toContain('raiseLr');
    expect(FIXES_BY_KIND['no-learning']).toContain('checkInit');
    const clip = fixesFor(['clipGrad'], 'en')[0];
    expect(clip.code).toContain('clip_grad_norm_(model.parameters(), max_norm=1.0)');
    expect(fixesFor(['stableLoss'], 'en')[0].code).toContain('BCEWithLogitsLoss');
    expect(fixesFor(['checkInputs'], 'en')[0].code).toContain('torch.isfinite');
    expect(fixesFor(['reduceLrOnPlateau'], 'en')[0].code).toContain('ReduceLROnPlateau');
  });

  it('fills snippet parameters (early stopping patience, suggested LR)', () => {
    const es = fixesFor(['earlyStopping'], 'zh-cn', { patience: 7, minDelta: 0.01 })[0];
    expect(es.code).toContain('wait >= 7');
    expect(es.code).toContain('best - 0.01');
    expect(es.detail).toContain('7');
  });
});

describe('findings in Chinese', () => {
  it('every finding of the scenarios has a Chinese title, message and fixes with numbers', () => {
    for (const make of [S.nanAt1200, S.divergence, S.overfit, S.chanceLevel, S.imbalanced, S.rangeTest, S.singleSpike, S.pingPong]) {
      const fs = diagnose([make()], { lang: 'zh-cn' });
      expect(fs.length).toBeGreaterThan(0);
      for (const f of fs) {
        expect(f.title).toMatch(/[\u4e00-\u9fff]/);
        expect(f.message).toMatch(/[\u4e00-\u9fff]/);
        expect(f.message).toMatch(/\d/);
        expect(f.message).not.toMatch(/\{[a-zA-Z]+\}/);
        for (const x of f.fixes) expect(x.title).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('English messages have no unfilled placeholders either', () => {
    for (const make of Object.values(S)) {
      for (const f of diagnose([(make as () => ReturnType<typeof S.healthy>)()])) {
        expect(f.message, f.kind).not.toMatch(/\{[a-zA-Z]+\}/);
        expect(f.title, f.kind).not.toMatch(/\{[a-zA-Z]+\}/);
        expect(f.message).not.toMatch(/undefined|step NaN|\(NaN\)/);
      }
    }
  });
});

describe('shares', () => {
  it('never round a change short of 100 % to "100%"', () => {
    expect(fmtPct(0.9996)).toBe('99.9%');
    expect(fmtPct(-0.9999)).toBe('-99.9%');
    expect(fmtPct(1)).toBe('100%');
    expect(fmtPct(0.994)).toBe('99%');
  });
});

describe('findings speak in the unit of the x axis', () => {
  it('say "epoch" (轮) where the steps are epochs, "step" (步) elsewhere', () => {
    const run = S.earlyStopCase();
    const inSteps = diagnose([run]).find(f => f.kind === 'early-stop')!;
    expect(inSteps.message).toMatch(/at step 3000/);
    run.meta.stepUnit = 'epoch';
    const en = diagnose([run]).find(f => f.kind === 'early-stop')!;
    expect(en.message).toMatch(/at epoch 3000 \(0\.5\)/);
    expect(en.message).not.toMatch(/\bstep \d/);
    expect(en.title).toMatch(/epoch 4000/);
    const zh = diagnose([run], { lang: 'zh-cn' }).find(f => f.kind === 'early-stop')!;
    expect(zh.message).toContain('第 3000 轮');
    expect(zh.message).not.toMatch(/第 \d+ 步/);
  });
});
