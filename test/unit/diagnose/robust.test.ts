/** The engine never throws and never emits a broken finding, whatever the series hold. */
import { describe, expect, it } from 'vitest';
import { diagnose, LiveDiagnoser, summarize } from '../../../src/core/diagnose';
import { createRun, Series, type Role } from '../../../src/core/model';
import { rng } from './synth';

const ROLES: Role[] = ['train_loss', 'val_loss', 'lr', 'grad_norm', 'train_acc', 'val_acc', 'loss_part', 'other'];
const SPECIAL = [NaN, Infinity, -Infinity, 0, -1, 1e300, 1e-300, 5e-324, -0, 1, 2.302585];

describe('robustness', () => {
  it('handles garbage values, NaN steps, restarts, empty and one-point series', () => {
    for (let seed = 1; seed <= 80; seed++) {
      const u = rng(seed);
      const run = createRun('fuzz', 'text');
      const ns = Math.floor(u() * 6);
      for (let k = 0; k < ns; k++) {
        const s = new Series('s' + k, ROLES[Math.floor(u() * ROLES.length)]);
        const n = Math.floor(u() * (u() < 0.5 ? 5 : 800));
        let step = 0;
        for (let i = 0; i < n; i++) {
          const r = u();
          const v = r < 0.1 ? SPECIAL[Math.floor(u() * SPECIAL.length)] : r < 0.5 ? Math.exp(10 * (u() - 0.5)) : u() * 3;
          step = u() < 0.01 ? NaN : u() < 0.02 ? step - Math.floor(u() * 100) : step + Math.floor(u() * 3);
          s.push(step, v, undefined, u() < 0.5 ? i + 1 : undefined);
        }
        run.series.set(s.name, s);
      }
      if (u() < 0.3) run.events.push({ type: 'restart', series: 's0', fromStep: 10, toStep: 2 });
      const lang = u() < 0.5 ? 'en' : 'zh-cn';
      const fs = diagnose([run], { lang });
      expect(() => summarize(run, fs)).not.toThrow();
      const live = new LiveDiagnoser({ lang });
      expect(JSON.stringify(live.update(run).all)).toBe(JSON.stringify(fs));
      for (const f of fs) {
        expect(f.confidence).toBeGreaterThanOrEqual(0);
        expect(f.confidence).toBeLessThanOrEqual(1);
        expect(f.message + f.title).not.toMatch(/\{[a-zA-Z]+\}|undefined/);
      }
    }
  });
});
