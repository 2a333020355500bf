import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettingOverrides } from '../../src/core/diagnose/settings';
import { REPO_ROOT } from '../helpers';

describe('engine thresholds are settings, documented', () => {
  it('docs/thresholds.md lists every threshold with its default', () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/thresholds.md'), 'utf8');
    for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) {
      expect(doc, k).toContain(`| \`${k}\` | \`${v === undefined ? 'undefined' : typeof v === 'string' ? `'${v}'` : v}\``);
    }
  });
  it('overrides are validated: known keys with numbers pass, unknown keys and bad values are errors', () => {
    expect(parseSettingOverrides({ earlyStopPatience: '20', spikeZ: 8 })).toEqual({
      settings: { earlyStopPatience: 20, spikeZ: 8 },
      errors: [],
    });
    const bad = parseSettingOverrides({ nope: 1, spikeZ: 'high', earlyStopMinDeltaMode: 'x' });
    expect(bad.settings).toEqual({});
    expect(bad.errors).toHaveLength(3);
  });
});
