/**
 * The arguments a training run was given (`python train.py --lr 0.5 --amp`), read from the
 * argument list its run.json records: the script, then flag/value pairs. Pure: shared by the
 * runner (run folder names, labels) and the script checks ("this run used --lr 0.5").
 */

/** One command-line argument: `--lr 0.5` is { flag: '--lr', value: '0.5' }; a positional is a flag alone. */
export interface ArgPair {
  flag: string;
  value?: string;
}

const NUMBER_RE = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** The script (`train.py`, or the module of `-m`) and the arguments that follow it. */
export function scriptArgs(args: readonly string[]): { script?: string; rest: string[] } {
  const py = args.findIndex(a => /\.py$/i.test(a));
  if (py >= 0) return { script: args[py], rest: args.slice(py + 1) };
  const m = args.indexOf('-m');
  if (m >= 0 && args[m + 1]) return { script: args[m + 1], rest: args.slice(m + 2) };
  return { rest: [...args] };
}

/** `--lr 0.5 --amp --epochs=3 data` -> pairs, in order. */
export function argPairs(rest: readonly string[]): ArgPair[] {
  const out: ArgPair[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('-') && !NUMBER_RE.test(a) && a !== '-') {
      const eq = a.indexOf('=');
      if (eq > 0) out.push({ flag: a.slice(0, eq), value: a.slice(eq + 1) });
      else if (i + 1 < rest.length && (!rest[i + 1].startsWith('-') || NUMBER_RE.test(rest[i + 1]))) out.push({ flag: a, value: rest[++i] });
      else out.push({ flag: a });
    } else out.push({ flag: a });
  }
  return out;
}

export function argText(p: ArgPair): string {
  return p.value === undefined ? p.flag : `${p.flag} ${p.value}`;
}

/** The value a run passed for one of `flags` (`--lr 0.5`, `--lr=0.5`), from its recorded arguments. */
export function argValue(args: readonly string[], flags: readonly string[]): { flag: string; value: string } | undefined {
  let found: { flag: string; value: string } | undefined;
  for (const p of argPairs(scriptArgs(args).rest)) if (p.value !== undefined && flags.includes(p.flag)) found = { flag: p.flag, value: p.value };
  return found; // argparse keeps the last one given
}

