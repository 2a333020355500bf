/** The CLI's options on node:util parseArgs: strict, shared checks, `run`'s command left alone. */
import { describe, expect, it } from 'vitest';
import { failOnOption, langOption, parseOptions, UsageError } from '../../../src/cli/options';

describe('parseOptions', () => {
  const OPTS = { json: { type: 'boolean' as const }, 'fail-on': { type: 'string' as const }, set: { type: 'string' as const, multiple: true }, out: { type: 'string' as const, short: 'o' } };

  it('reads flags, values (inline and separate), repeats, short names and positionals after --', () => {
    const r = parseOptions(['a.log', '--json', '--fail-on=never', '--set', 'x=1', '--set', 'y=2', '-o', 'r.html', '--', '--odd-name.log'], OPTS);
    expect(r.values).toMatchObject({ json: true, 'fail-on': 'never', set: ['x=1', 'y=2'], out: 'r.html' });
    expect(r.positionals).toEqual(['a.log', '--odd-name.log']);
  });

  it('refuses unknown options and missing values as usage errors', () => {
    expect(() => parseOptions(['--frob'], OPTS)).toThrow(new UsageError('unknown option --frob'));
    expect(() => parseOptions(['--fail-on'], OPTS)).toThrow(new UsageError('--fail-on needs a value'));
  });

  it("stops at the first positional for `run`: the command's own options are not ours", () => {
    const r = parseOptions(['--fail-on', 'never', 'python3', 'train.py', '--lr', '0.5', '--json'], OPTS, true);
    expect(r.values['fail-on']).toBe('never');
    expect(r.values.json).toBeUndefined();
    expect(r.rest).toEqual(['python3', 'train.py', '--lr', '0.5', '--json']);
    expect(parseOptions(['--json', '--', 'echo', '--json'], OPTS, true).rest).toEqual(['echo', '--json']);
  });

  it('checks --lang and --fail-on values', () => {
    expect(langOption('ZH')).toBe('zh-cn');
    expect(() => langOption('fr')).toThrow(UsageError);
    expect(failOnOption(undefined)).toBe('error');
    expect(() => failOnOption('fatal')).toThrow(/--fail-on must be/);
  });
});
