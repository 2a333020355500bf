/**
 * `npm run eval` (bundled by scripts/eval.mjs): scores Loss Lens and the baselines on the
 * labelled scenarios and prints the markdown report; `--out FILE` also writes it there.
 *
 *   node bench/out/eval.cjs [--root REPO] [--out docs/eval.md]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASELINES } from './baselines';
import { evaluate } from './evaluate';
import { LOSS_LENS } from './ours';
import { renderMarkdown } from './report';
import { loadScenarios, scenariosDir } from './scenarios';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const root = path.resolve(arg('--root') ?? process.cwd());
  const scenarios = await loadScenarios(scenariosDir(root));
  const ev = evaluate(scenarios, [LOSS_LENS, ...BASELINES]);
  const md = renderMarkdown(ev, { generatedBy: 'npm run eval' });
  process.stdout.write(md);
  const out = arg('--out');
  if (out) {
    const file = path.resolve(root, out);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, md);
    process.stderr.write(`wrote ${path.relative(root, file)}\n`);
  }
}

main().catch(e => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
