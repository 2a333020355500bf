/**
 * Every user-facing text of the extension exists in English and Simplified Chinese:
 *  - package.json contributions are `%key%` placeholders found in package.nls.json and
 *    package.nls.zh-cn.json (the same keys in both);
 *  - every `vscode.l10n.t('…')` of src/host has an entry in l10n/bundle.l10n.zh-cn.json with the
 *    same `{n}` placeholders;
 *  - the webview catalogue has the same keys and `{name}` placeholders in both languages;
 *  - Chinese texts are Chinese (not a copy of the English), brand names and code excepted;
 *  - the walkthrough's media, commands and packaging are in place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../webview/i18n';

const ROOT = path.resolve(__dirname, '../..');
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8')) as Record<string, unknown>;

const pkg = readJson('package.json') as {
  contributes: Record<string, unknown> & {
    commands: Array<{ command: string; title?: string; category?: string }>;
    configuration: { title: string; properties: Record<string, Record<string, unknown>> };
    customEditors: Array<{ displayName: string }>;
    walkthroughs: Array<{
      id: string;
      title: string;
      description: string;
      steps: Array<{ id: string; title: string; description: string; media: { markdown?: string } }>;
    }>;
  };
  l10n?: string;
};
const nlsEn = readJson('package.nls.json') as Record<string, string>;
const nlsZh = readJson('package.nls.zh-cn.json') as Record<string, string>;
const bundleZh = readJson('l10n/bundle.l10n.zh-cn.json') as Record<string, string>;

/** Texts that are the same in both languages on purpose (brand names, code). */
const SAME_IN_BOTH = new Set(['Loss Lens', 'NaN/Inf']);
const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

/** The Chinese text is a translation: it differs from the English and has Chinese in it. */
function expectChinese(key: string, en: string, zh: string | undefined): void {
  expect(zh, `missing Chinese for ${JSON.stringify(key)}`).toBeTypeOf('string');
  if (SAME_IN_BOTH.has(en)) return;
  expect(zh, `Chinese of ${JSON.stringify(key)} is the English text`).not.toBe(en);
  expect(CJK.test(zh!), `Chinese of ${JSON.stringify(key)} has no Chinese: ${zh}`).toBe(true);
}

function placeholders(s: string, re: RegExp): string[] {
  return [...s.matchAll(re)].map(m => m[0]).sort();
}

/** Every string in a JSON value, with its path. */
function strings(v: unknown, at = ''): Array<[string, string]> {
  if (typeof v === 'string') return [[at, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, at ? `${at}.${k}` : k));
  return [];
}

const PLACEHOLDER = /^%([A-Za-z0-9_.-]+)%$/;

describe('package.json contributions (package.nls.json, package.nls.zh-cn.json)', () => {
  const used = strings(pkg).flatMap(([, s]) => {
    const m = PLACEHOLDER.exec(s);
    return m ? [m[1]] : [];
  });

  it('every %key% is in both nls files, and the two files have the same keys, all used', () => {
    expect(used.length).toBeGreaterThan(40);
    for (const k of used) {
      expect(nlsEn, `package.nls.json lacks ${k}`).toHaveProperty([k]);
      expect(nlsZh, `package.nls.zh-cn.json lacks ${k}`).toHaveProperty([k]);
    }
    expect(Object.keys(nlsZh).sort()).toEqual(Object.keys(nlsEn).sort());
    expect(Object.keys(nlsEn).filter(k => !used.includes(k))).toEqual([]);
  });

  it('the Chinese texts are translations that keep setting links, command links and code', () => {
    for (const [k, en] of Object.entries(nlsEn)) {
      expectChinese(k, en, nlsZh[k]);
      const zh = nlsZh[k];
      // `#lossLens.x#` setting links, (command:…) links and `code` must survive translation.
      expect(placeholders(zh, /#lossLens\.[\w.]+#/g), k).toEqual(placeholders(en, /#lossLens\.[\w.]+#/g));
      expect(placeholders(zh, /\(command:[^)]+\)/g), k).toEqual(placeholders(en, /\(command:[^)]+\)/g));
      expect(placeholders(zh, /\$\{[\w:]+\}/g), k).toEqual(placeholders(en, /\$\{[\w:]+\}/g));
    }
  });

  it('every user-facing field is a placeholder', () => {
    const c = pkg.contributes;
    for (const cmd of c.commands) {
      expect(cmd.title, cmd.command).toMatch(PLACEHOLDER);
      expect(cmd.category, cmd.command).toBe('Loss Lens');
    }
    expect(c.configuration.title).toMatch(PLACEHOLDER);
    for (const [name, prop] of Object.entries(c.configuration.properties)) {
      const texts = [prop.description, prop.markdownDescription, ...((prop.enumDescriptions as string[]) ?? [])];
      const items = prop.items as { enum?: string[]; enumDescriptions?: string[] } | undefined;
      if (items?.enumDescriptions) texts.push(...items.enumDescriptions);
      expect(texts.filter(t => t !== undefined).length, name).toBeGreaterThan(0);
      for (const t of texts) if (t !== undefined) expect(t, name).toMatch(PLACEHOLDER);
      if (Array.isArray(prop.enum) && prop.enumDescriptions) expect((prop.enumDescriptions as string[]).length).toBe(prop.enum.length);
      if (items?.enum && items.enumDescriptions) expect(items.enumDescriptions.length).toBe(items.enum.length);
    }
    for (const e of c.customEditors) expect(e.displayName).toMatch(PLACEHOLDER);
    for (const w of c.walkthroughs) {
      expect(w.title).toMatch(PLACEHOLDER);
      expect(w.description).toMatch(PLACEHOLDER);
      for (const s of w.steps) {
        expect(s.title, s.id).toMatch(PLACEHOLDER);
        expect(s.description, s.id).toMatch(PLACEHOLDER);
      }
    }
    expect(pkg.l10n).toBe('./l10n');
  });

  it('every command the extension registers from a manifest entry has a title (no keybinding clashes: none bound)', () => {
    const ids = pkg.contributes.commands.map(c => c.command);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['lossLens.openExample', 'lossLens.runExampleTraining']));
    expect(pkg.contributes.keybindings).toBeUndefined();
  });
});

describe('walkthrough "Get started with Loss Lens"', () => {
  const w = pkg.contributes.walkthroughs.find(x => x.id === 'lossLens.gettingStarted')!;

  it('is contributed with its title, four steps and markdown media that ship in the .vsix', () => {
    expect(w).toBeDefined();
    expect(nlsEn[w.title.slice(1, -1)]).toBe('Get started with Loss Lens');
    expect(w.steps.map(s => s.id)).toEqual([
      'lossLens.openExample',
      'lossLens.readFinding',
      'lossLens.runExampleTraining',
      'lossLens.compareRuns',
    ]);
    for (const s of w.steps) {
      expect(s.media.markdown, s.id).toMatch(/^walkthrough\/[\w-]+\.md$/);
      expect(fs.existsSync(path.join(ROOT, s.media.markdown!)), s.media.markdown).toBe(true);
    }
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split(/\r?\n/);
    for (const line of ['!walkthrough/**', '!examples/**', '!l10n/**', '!package.nls*.json']) expect(ignore).toContain(line);
    expect(fs.existsSync(path.join(ROOT, 'examples/diverging_run.log'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'examples/train_example.py'))).toBe(true);
  });

  it('links only commands that exist (contributed, or VS Code built-ins)', () => {
    const contributed = new Set(pkg.contributes.commands.map(c => c.command));
    const linked = w.steps.flatMap(s => [...nlsEn[s.description.slice(1, -1)].matchAll(/\(command:([\w.]+)/g)].map(m => m[1]));
    expect(linked).toEqual(
      expect.arrayContaining(['lossLens.openExample', 'lossLens.runExampleTraining', 'lossLens.compareRuns']),
    );
    for (const id of linked) expect(contributed.has(id) || id.startsWith('workbench.'), id).toBe(true);
  });
});

/** Every .ts file under a folder. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The value of a JS string literal (quotes included) as written in the source. */
function unquote(lit: string): string {
  const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
  return lit.slice(1, -1).replace(/\\(.)/g, (_, c: string) => esc[c] ?? c);
}

describe('host messages (vscode.l10n.t, l10n/bundle.l10n.zh-cn.json)', () => {
  const hostFiles = tsFiles(path.join(ROOT, 'src/host'));
  const CALL = /vscode\.l10n\.t\(\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\.)*`)/g;
  const keys = new Map<string, string>();
  let calls = 0;
  let literal = 0;
  for (const f of hostFiles) {
    const src = fs.readFileSync(f, 'utf8');
    calls += (src.match(/\bl10n\.t\(/g) ?? []).length;
    for (const m of src.matchAll(CALL)) {
      literal++;
      keys.set(unquote(m[1]), path.relative(ROOT, f));
    }
  }

  it('every call has a literal English message (the bundle can be checked)', () => {
    expect(calls).toBeGreaterThan(50);
    expect(literal).toBe(calls);
  });

  it('every message has a Chinese entry with the same {n} placeholders, and no entry is stale', () => {
    for (const [en, file] of keys) {
      const zh = bundleZh[en];
      expect(zh, `l10n/bundle.l10n.zh-cn.json lacks ${JSON.stringify(en)} (${file})`).toBeTypeOf('string');
      expectChinese(en, en, zh);
      expect(placeholders(zh, /\{\d+\}/g), en).toEqual(placeholders(en, /\{\d+\}/g));
    }
    expect(Object.keys(bundleZh).filter(k => !keys.has(k))).toEqual([]);
  });

  it('the host takes its language from displayLang() only', () => {
    for (const f of hostFiles) {
      const rel = path.relative(ROOT, f).split(path.sep).join('/');
      const src = fs.readFileSync(f, 'utf8');
      if (rel !== 'src/host/l10n.ts') expect(src, rel).not.toMatch(/env\.language/);
      expect(src, rel).not.toMatch(/\buiLang\b/);
    }
  });
});

describe('webview catalogue (the viewer.* keys of src/core/i18n, read by webview/i18n.ts)', () => {
  const en = CATALOGUE.en;
  const zh = CATALOGUE['zh-cn'];

  it('has the same keys and {name} placeholders in English and Chinese', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expectChinese(k, en[k], zh[k]);
      expect(placeholders(zh[k], /\{\w+\}/g), k).toEqual(placeholders(en[k], /\{\w+\}/g));
    }
  });

  it('has every key the webview asks for', () => {
    const asked = new Set<string>();
    for (const f of tsFiles(path.join(ROOT, 'webview'))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([\w-]+)'/g)) asked.add(m[1]);
    }
    expect(asked.size).toBeGreaterThan(20);
    for (const k of asked) expect(en, k).toHaveProperty([k]);
  });
});
