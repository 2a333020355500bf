// The settings reader (src/host/config.ts) against package.json's contributes.configuration: the
// same keys, the same defaults and types; values of the wrong type read as the default; and no
// other host module calls getConfiguration.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  settings: {} as Record<string, unknown>,
  workspace: new Set<string>(),
  sections: [] as string[],
}));

vi.mock('vscode', () => ({
  workspace: {
    getConfiguration: (section: string) => {
      h.sections.push(section);
      return {
        get: (k: string) => h.settings[`${section}.${k}`],
        inspect: (k: string) => (h.workspace.has(`${section}.${k}`) ? { key: k, workspaceValue: h.settings[`${section}.${k}`] } : { key: k }),
      };
    },
  },
}));

import { FINDING_KINDS } from '../../../src/core/diagnose/types';
import {
  CONFIG_SECTION,
  readDiagnosticsSettings,
  readRunnerSettings,
  readSetting,
  runnerCommandFromWorkspace,
  SETTING_SPECS,
  type SettingKey,
} from '../../../src/host/config';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { type: string | string[]; default: unknown; enum?: unknown[]; items?: { enum?: unknown[] }; minimum?: number; maximum?: number }> } };
};
const SCHEMA = pkg.contributes.configuration.properties;
const KEYS = Object.keys(SETTING_SPECS) as SettingKey[];

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

beforeEach(() => {
  h.settings = {};
  h.workspace = new Set();
  h.sections = [];
});

describe('settings reader vs package.json', () => {
  it('reads exactly the contributed settings', () => {
    expect(KEYS.map(k => `${CONFIG_SECTION}.${k}`).sort()).toEqual(Object.keys(SCHEMA).sort());
  });

  it('each default is the schema default, of the schema type', () => {
    for (const k of KEYS) {
      const schema = SCHEMA[`${CONFIG_SECTION}.${k}`];
      expect(SETTING_SPECS[k].default, k).toEqual(schema.default);
      const t = typeOf(schema.default);
      if (Array.isArray(schema.type)) expect(schema.type, k).toContain(t);
      else expect(schema.type === 'number' && t === 'integer' ? 'number' : t, k).toBe(schema.type);
    }
  });

  it('unset settings read as the defaults', () => {
    for (const k of KEYS) expect(readSetting(k), k).toEqual(SCHEMA[`${CONFIG_SECTION}.${k}`].default);
    expect(h.sections.every(s => s === CONFIG_SECTION)).toBe(true);
  });

  it('enums: every schema value is accepted, others read as the default', () => {
    for (const v of SCHEMA['lossLens.diagnostics.minimumSeverity'].enum!) {
      h.settings['lossLens.diagnostics.minimumSeverity'] = v;
      expect(readSetting('diagnostics.minimumSeverity')).toBe(v);
    }
    h.settings['lossLens.diagnostics.minimumSeverity'] = 'fatal';
    expect(readSetting('diagnostics.minimumSeverity')).toBe('info');
    const kinds = SCHEMA['lossLens.runner.stopOn'].items!.enum!;
    expect([...kinds].sort()).toEqual([...FINDING_KINDS, 'cannot-beat-best'].sort());
    h.settings['lossLens.runner.stopOn'] = [...kinds, 'bogus', 3];
    expect(readSetting('runner.stopOn')).toEqual(kinds);
  });

  it('numbers: the schema bounds hold (clamped, or the default below the minimum)', () => {
    const d = SCHEMA['lossLens.diagnostics.debounceMs'];
    h.settings['lossLens.diagnostics.debounceMs'] = d.maximum! + 1;
    expect(readSetting('diagnostics.debounceMs')).toBe(d.maximum);
    h.settings['lossLens.diagnostics.debounceMs'] = d.minimum! - 1;
    expect(readSetting('diagnostics.debounceMs')).toBe(d.minimum);
    for (const k of ['runner.earlyStopPatience', 'runner.maxOutputBytes'] as const) {
      const s = SCHEMA[`lossLens.${k}`];
      h.settings[`lossLens.${k}`] = s.minimum! - 1;
      expect(readSetting(k), k).toBe(s.default);
      h.settings[`lossLens.${k}`] = s.minimum! + 0.5;
      expect(readSetting(k), k).toBe(s.minimum);
    }
  });

  it('runner.best: a finite number, else null (the best of the earlier runs)', () => {
    expect(readSetting('runner.best')).toBeNull();
    h.settings['lossLens.runner.best'] = 0.42;
    expect(readRunnerSettings().best).toBe(0.42);
    for (const bad of ['0.4', Infinity, NaN, [0.4]]) {
      h.settings['lossLens.runner.best'] = bad;
      expect(readSetting('runner.best')).toBeNull();
    }
  });

  it('values of the wrong type read as the default; strings are trimmed; defaults are not shared', () => {
    const wrong: Record<string, unknown> = {
      'diagnostics.enabled': 'yes',
      'diagnostics.debounceMs': 'soon',
      'runner.command': 42,
      'runner.args': 'a b',
      'runner.env': ['A=1'],
      'runner.stopOn': 'non-finite',
      'runner.earlyStopPatience': '7',
      'runner.runsFolder': '   ',
      readOnTwoThreads: null,
      thresholds: [1],
    };
    for (const [k, v] of Object.entries(wrong)) h.settings[`lossLens.${k}`] = v;
    for (const k of Object.keys(wrong) as SettingKey[]) expect(readSetting(k), k).toEqual(SCHEMA[`lossLens.${k}`].default);
    readSetting('runner.stopOn').push('divergence');
    expect(readSetting('runner.stopOn')).toEqual(['non-finite']);
    h.settings['lossLens.runner.command'] = '  python train.py ';
    h.settings['lossLens.runner.env'] = { A: '1', B: 2 };
    expect(readRunnerSettings()).toMatchObject({ command: 'python train.py', env: { A: '1' } });
  });

  it('groups read every key of their section under its short name', () => {
    h.settings['lossLens.diagnostics.codeLens'] = false;
    const d = readDiagnosticsSettings();
    expect(Object.keys(d).sort()).toEqual(KEYS.filter(k => k.startsWith('diagnostics.')).map(k => k.slice(12)).sort());
    expect(d.codeLens).toBe(false);
    expect(Object.keys(readRunnerSettings()).sort()).toEqual(KEYS.filter(k => k.startsWith('runner.')).map(k => k.slice(7)).sort());
  });

  it('a command from workspace settings is told apart from a user one', () => {
    h.settings['lossLens.runner.args'] = ['x'];
    expect(runnerCommandFromWorkspace()).toBe(false);
    h.workspace.add('lossLens.runner.args');
    expect(runnerCommandFromWorkspace()).toBe(true);
  });
});

describe('one reader', () => {
  it('no host module but config.ts calls getConfiguration', () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
      });
    const callers = files(path.join(ROOT, 'src'))
      .filter(f => fs.readFileSync(f, 'utf8').includes('getConfiguration('))
      .map(f => path.relative(ROOT, f));
    expect(callers).toEqual([path.join('src', 'host', 'config.ts')]);
  });
});
