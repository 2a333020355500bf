// The runner's words come from the `runner.*` section of the core catalogue (whose keys and
// placeholders test/unit/diagnose/i18n.test.ts checks in both languages): the plural and
// optional variants, and counts written as each language writes them.
import { describe, expect, it } from 'vitest';
import { CATALOGUES } from '../../src/core/i18n';
import { msg } from '../../src/runner/messages';

describe('runner messages', () => {
  it('are a section of the core catalogue in both languages', () => {
    for (const lang of ['en', 'zh-cn'] as const) {
      const keys = Object.keys(CATALOGUES[lang]).filter(k => k.startsWith('runner.'));
      expect(keys.length, lang).toBe(32);
    }
  });

  it('fill their variants (English, the default)', () => {
    const en = msg(undefined);
    expect(en.stopped('loss-spike: x')).toBe('Loss Lens stopped the run: loss-spike: x');
    expect(en.atStep('loss', '12', 7)).toBe('in loss at step 12 (line 7)');
    expect(en.atStep('loss', '12')).toBe('in loss at step 12');
    expect(en.cutLines(1, 2048, 1_000_000)).toBe('1 line was longer than 1,000,000 characters and cut (2.0 KiB dropped)');
    expect(en.cutLines(1234, 10, 1000)).toMatch(/^1,234 lines were longer than 1,000 characters and cut/);
    expect(en.leftovers(1)).toBe('1 process of the run was still running after it exited; stopped it');
    expect(en.leftovers(3)).toBe('3 processes of the run were still running after it exited; stopped them');
    expect(en.signalSent('SIGTERM', 0)).toBe("sent SIGTERM to the run's process group");
    expect(en.signalSent('SIGKILL', 2)).toBe("sent SIGKILL to the run's process group and to 2 processes that left it");
    expect(en.survivors([4, 5])).toBe('could not stop processes 4, 5');
  });

  it('fill their variants (Chinese: counts without grouping)', () => {
    const zh = msg('zh-cn');
    expect(zh.userStopped).toBe('用户手动停止');
    expect(zh.atStep('loss', '12', 7)).toBe('loss 第 12 步（第 7 行）');
    expect(zh.dropped({ bytes: 0, lines: 0, droppedBytes: 0, droppedLines: 12345 })).toContain('丢弃了 12345 行');
    expect(zh.signalSent('SIGTERM', 1)).toBe('已向训练进程组发送 SIGTERM（另有 1 个已脱离进程组的进程）');
  });
});
