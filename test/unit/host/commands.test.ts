// The command ids of src/host/commands.ts against package.json and the host's sources: the
// user-facing ids are exactly `contributes.commands`; menus, walkthrough steps and the command
// links of the manifest's strings name only known ids; every id is registered, through the enum.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandId, ContextKey, INTERNAL_COMMAND_IDS } from '../../../src/host/commands';

const ROOT = path.resolve(__dirname, '../../..');
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8')) as unknown;

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands: Array<{ command: string; enablement?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    walkthroughs: Array<{ steps: Array<{ id: string; completionEvents?: string[] }> }>;
  };
}
const pkg = readJson('package.json') as Manifest;
const ALL: string[] = Object.values(CommandId);
const INTERNAL = new Set<string>(INTERNAL_COMMAND_IDS);
const USER = ALL.filter(id => !INTERNAL.has(id));
/** Commands of VS Code itself that the manifest may name. */
const builtIn = (id: string) => id.startsWith('workbench.') || id.startsWith('vscode.');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}
const HOST_SOURCES = [...tsFiles(path.join(ROOT, 'src/host')), path.join(ROOT, 'src/extension.ts')].filter(
  f => !f.endsWith(path.join('host', 'commands.ts')),
);

describe('CommandId', () => {
  it('ids are unique, `lossLens.*`, and the internal ones are ids of the enum', () => {
    expect(new Set(ALL).size).toBe(ALL.length);
    for (const id of ALL) expect(id).toMatch(/^lossLens\.[\w.]+$/);
    for (const id of INTERNAL) expect(ALL).toContain(id);
  });

  it('user-facing ids are exactly package.json contributes.commands', () => {
    expect(pkg.contributes.commands.map(c => c.command).sort()).toEqual([...USER].sort());
  });

  it('menus name only contributed commands', () => {
    const named = Object.values(pkg.contributes.menus).flatMap(items => items.map(i => i.command));
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(USER, id).toContain(id);
  });

  it('walkthrough completion events and activation events name only known commands', () => {
    const events = [
      ...pkg.contributes.walkthroughs.flatMap(w => w.steps.flatMap(s => s.completionEvents ?? [])),
      ...(pkg.activationEvents ?? []),
    ];
    const commands = events.filter(e => e.startsWith('onCommand:')).map(e => e.slice('onCommand:'.length));
    expect(commands.length).toBeGreaterThan(0);
    for (const id of commands) expect(ALL.includes(id) || builtIn(id), id).toBe(true);
  });

  it('command links in the manifest strings (package.nls*.json, walkthrough media) name only contributed commands', () => {
    const texts = [
      ...['package.nls.json', 'package.nls.zh-cn.json'].flatMap(f => Object.values(readJson(f) as Record<string, string>)),
      ...fs.readdirSync(path.join(ROOT, 'walkthrough')).map(f => fs.readFileSync(path.join(ROOT, 'walkthrough', f), 'utf8')),
    ];
    const linked = texts.flatMap(t => [...t.matchAll(/command:([\w.]+)/g)].map(m => m[1]));
    expect(linked.length).toBeGreaterThan(0);
    for (const id of linked) expect(USER.includes(id) || builtIn(id), id).toBe(true);
  });

  it('the context key enabling "Stop Training" is the one the runner sets', () => {
    const stop = pkg.contributes.commands.find(c => c.command === CommandId.stopTraining);
    expect(stop?.enablement).toBe(ContextKey.trainingRunning);
  });

  it('every id is registered by the host, through the enum; no id is spelled out elsewhere in src/host', () => {
    const registered = new Set<string>();
    for (const f of HOST_SOURCES) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/\b(?:registerCommand|reg)\(\s*CommandId\.(\w+)/g)) registered.add(m[1]);
      for (const id of ALL) expect(src.includes(`'${id}'`), `${path.relative(ROOT, f)} spells out '${id}'`).toBe(false);
      // Commands executed or registered with a literal id: only VS Code's own.
      for (const m of src.matchAll(/\b(?:registerCommand|executeCommand)\(\s*'([^']+)'/g)) {
        expect(builtIn(m[1]) || m[1] === 'setContext', `${path.relative(ROOT, f)}: ${m[1]}`).toBe(true);
      }
    }
    expect([...registered].sort()).toEqual(Object.keys(CommandId).sort());
  });
});
