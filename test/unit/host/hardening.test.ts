/**
 * Issue #14 in the extension's pure parts: log-derived text in hovers, the status bar and
 * notifications cannot make links, images or command links (#14.1); CSV export guards formula
 * cells, the webview opens only the logs on display, the runner's confirmation covers the runs
 * folder (#14.10).
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/diagnose/types';
import { createRun, seriesOf } from '../../../src/core/model';
import { escapeMarkdown, hoverMarkdown, markdownCode, plainNotice } from '../../../src/host/diagnostics/pure/text';
import { confirmationKey } from '../../../src/host/runner/confirmation';
import { csvField, toCsv } from '../../../src/host/viewer/exportData';
import { displayedRun } from '../../../src/host/viewer/payload';

const EVIL = '![p](https://attacker.example/x.png) [run](command:lossLens.revealStep?%5B%22file%3A%2F%2F%2Fetc%2Fpasswd%22%2C1%5D)';

function finding(series: string): Finding {
  return {
    kind: 'non-finite',
    severity: 'error',
    series,
    step: 15,
    title: `${series} became NaN`,
    message: `${series} is NaN from step 15 on.\n\n<img src=x onerror=alert(1)>\n# heading\nwww.attacker.example`,
    evidence: { firstBadStep: 15, name: series },
    fixes: [{ title: `Look at ${series}`, detail: `Check ${series} and [this](https://attacker.example)`, code: `print("${series}")\n\`\`\`\n[x](command:evil)` }],
    confidence: 0.9,
  };
}

/** The markdown without its fenced code blocks and code spans (nothing in them is active). */
const inert = (md: string) => md.replace(/^ *(`{3,})python\n[\s\S]*?\n *\1$/gm, '').replace(/(?<!\\)`[^`\n]*`/g, '');

/** Markdown backslash escapes undone (what a renderer shows for escaped text). */
const unescape = (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1');

describe('markdown injection in hovers (#14.1)', () => {
  it('escapeMarkdown leaves nothing active and renders as the same text', () => {
    const s = escapeMarkdown(EVIL + ' `code` *b* _i_ <b> &amp; $(zap) ~~s~~ | a |');
    expect(s).not.toMatch(/(?<!\\)[[\]()!<>`*_&$~|:]/);
    expect(unescape(s)).toBe(EVIL + ' `code` *b* _i_ <b> &amp; $(zap) ~~s~~ | a |');
    expect(escapeMarkdown('a\nb\r\n\n# c')).toBe('a b   \\# c');
  });

  it('markdownCode keeps a name in one code span, line breaks and backticks included', () => {
    expect(markdownCode('a`b\n\n![x](y)')).toBe("`a'b  ![x](y)`");
  });

  it('a hostile series name yields one command link, built by the extension with its own arguments, and no image or other link', () => {
    const md = hoverMarkdown([finding(EVIL)], { lang: 'en', revealUri: 'file:///runs/a.jsonl', revealCommand: 'lossLens.revealStep' });
    // Outside fenced code and code spans (inert), no unescaped link or image opener, no HTML.
    const prose = inert(md);
    const links = [...prose.matchAll(/(?<!\\)\]\((?<target>[^)]*)\)/g)].map(m => m.groups!.target);
    expect(links).toHaveLength(1);
    const m = /^command:lossLens\.revealStep\?(.*)$/.exec(links[0]);
    expect(m).not.toBeNull();
    expect(JSON.parse(decodeURIComponent(m![1]))).toEqual(['file:///runs/a.jsonl', 15, EVIL]);
    expect(prose).not.toMatch(/(?<!\\)!\[/);
    expect(prose).not.toMatch(/(?<!\\)</);
    expect(prose).not.toMatch(/https:\/\//);
    expect(prose).not.toMatch(/www\.attacker/);
    expect(prose).not.toMatch(/^#/m);
    // The fix's code stays inside its fence (longer than any run of backticks in it).
    expect(md).toContain('   ````python\n   print("');
  });

  it('without a reveal URI there is no command link at all', () => {
    const md = hoverMarkdown([finding(EVIL)], { lang: 'zh-cn' });
    expect(inert(md)).not.toMatch(/(?<!\\)\]\(/);
  });

  it('plainNotice breaks up notification links', () => {
    expect(plainNotice(`stopped: ${EVIL}\nx`)).not.toContain('](');
    expect(plainNotice('a.log: nothing [1] (2)')).toBe('a.log: nothing [1] (2)');
  });
});

describe('small ones (#14.10)', () => {
  it('CSV export writes names that look like formulas as text', () => {
    for (const s of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      const f = csvField(s);
      expect(f.startsWith(`"'`), s).toBe(true);
      expect(f.endsWith('"')).toBe(true);
    }
    expect(csvField('loss')).toBe('loss');
    expect(csvField('a,b')).toBe('"a,b"');
    const run = createRun('/runs/x.csv', 'csv', '=cmd|/C calc!A0');
    seriesOf(run, '-loss').push(1, -0.5);
    const lines = toCsv([run]).split('\n');
    expect(lines[1]).toBe(`"'=cmd|/C calc!A0","'-loss",1,-0.5,`);
  });

  it('the webview can open only the logs of the runs on display', () => {
    const a = createRun('/runs/a.log', 'text', 'a');
    const b = createRun('/runs/b.csv', 'csv', 'b');
    expect(displayedRun([a, b], '/runs/b.csv')).toBe(b);
    expect(displayedRun([a, b], '/etc/passwd')).toBeUndefined();
    expect(displayedRun([a, b], '/runs/../runs/a.log', p => (p.includes('..') ? '/runs/a.log' : p))).toBe(a);
    expect(displayedRun([a, b], 42)).toBeUndefined();
    expect(displayedRun([a, b], '')).toBeUndefined();
  });

  it("the runner's confirmation of a workspace-set command covers the runs folder", () => {
    const l = { argv: ['python', 'train.py'], cwd: '/w', env: {}, runsFolder: '/w/.loss-lens/runs' };
    expect(confirmationKey(l)).toBe(confirmationKey({ ...l }));
    expect(confirmationKey({ ...l, runsFolder: '/home/me/.ssh' })).not.toBe(confirmationKey(l));
    expect(confirmationKey({ ...l, env: { A: '1' } })).not.toBe(confirmationKey(l));
  });
});
