/**
 * Command-line options of every `loss-lens` command, read with Node's own `util.parseArgs`
 * (strict: unknown options and missing values are usage errors), plus the value checks the
 * commands share (`--lang`, `--fail-on`).
 */
import { parseArgs } from 'node:util';
import type { Lang, Severity } from '../core/diagnose/types';

/** A usage error: the message goes to stderr with the command's usage, exit code 2. */
export class UsageError extends Error {}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
export type OptionSpecs = Record<string, OptionSpec>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** With `restAfterFirstPositional`: the first positional and everything after it, untouched. */
  rest: string[];
}

/**
 * Parse `argv` against `options`. `restAfterFirstPositional`: stop at `--` or at the first
 * token that is not an option or an option's value (the command of `loss-lens run`, whose own
 * options must not be read as ours).
 */
export function parseOptions(argv: string[], options: OptionSpecs, restAfterFirstPositional = false): Parsed {
  let head = argv;
  let rest: string[] = [];
  if (restAfterFirstPositional) {
    let i = 0;
    while (i < argv.length) {
      const t = argv[i];
      if (t === '--') {
        rest = argv.slice(i + 1);
        head = argv.slice(0, i);
        break;
      }
      if (!t.startsWith('-') || t === '-') {
        rest = argv.slice(i);
        head = argv.slice(0, i);
        break;
      }
      const name = t.startsWith('--') ? t.slice(2).split('=')[0] : Object.keys(options).find(k => options[k].short === t.slice(1));
      const spec = name === undefined ? undefined : options[name];
      i += spec?.type === 'string' && !t.includes('=') ? 2 : 1;
    }
  }
  try {
    const r = parseArgs({ args: head, options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals, rest };
  } catch (e) {
    throw new UsageError(usageMessage(e));
  }
}

/** parseArgs' errors, said the way the rest of the CLI says them. */
function usageMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const opt = /'(-{1,2}[^' ]+)/.exec(err.message ?? '')?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${opt}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message ?? '') ? `${opt} needs a value` : `${opt}: ${err.message ?? ''}`;
    default:
      return err.message ?? String(e);
  }
}

export function langOption(v: string | undefined, fallback: Lang = 'en'): Lang {
  if (v === undefined) return fallback;
  const l = v.toLowerCase();
  if (l !== 'en' && l !== 'zh-cn' && l !== 'zh') throw new UsageError(`--lang must be en or zh-cn (got ${v})`);
  return l === 'en' ? 'en' : 'zh-cn';
}

export function failOnOption(v: string | undefined): Severity | 'never' {
  if (v === undefined) return 'error';
  if (!['error', 'warning', 'info', 'never'].includes(v)) throw new UsageError(`--fail-on must be error, warning, info or never (got ${v})`);
  return v as Severity | 'never';
}
