/**
 * `npm run eval` (bundled by scripts/eval.mjs): scores Loss Lens and the baselines on the
 * labelled scenarios, and Loss Lens on the judged real-world corpus (test/fixtures/judged), and
 * prints the markdown report; `--out FILE` also writes it there. `--judged-only`: only the
 * real-world section (nothing is written). `--forecast-only`: only the forecast section (nothing is
 * written).
 *
 *   node bench/out/eval.cjs [--root REPO] [--out docs/eval.md] [--judged-only]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASELINES } from './baselines';
import { evaluate } from './evaluate';
import { evaluateForecasts, renderForecastMarkdown } from './forecastEval';
import { renderJudgedMarkdown, scoreJudged } from './judged';
import { judgeCorpus, judgedDir, readJudgedCorpus } from './judgedLoad';
import { LOSS_LENS } from './ours';
import { renderMarkdown } from './report';
import { loadScenarios, scenariosDir } from './scenarios';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The judged real-world section, or '' when the corpus is absent. */
async function judgedSection(root: string): Promise<string> {
  const corpus = readJudgedCorpus(judgedDir(root));
  for (const issue of corpus.issues) process.stderr.write(`manifest: ${issue}\n`);
  if (!corpus.entries.length) return '';
  return renderJudgedMarkdown(scoreJudged(await judgeCorpus(corpus)));
}

/** Put the judged section before the Method section (beside the scenario tables). */
function withSection(md: string, section: string): string {
  if (!section) return md;
  const i = md.indexOf('\n## Method');
  return i < 0 ? `${md.trimEnd()}\n\n${section}` : `${md.slice(0, i + 1)}${section}\n${md.slice(i + 1)}`;
}

async function main(): Promise<void> {
  const root = path.resolve(arg('--root') ?? process.cwd());
  if (process.argv.includes('--judged-only')) {
    process.stdout.write(await judgedSection(root));
    return;
  }
  if (process.argv.includes('--forecast-only')) {
    process.stdout.write(renderForecastMarkdown((await evaluateForecasts(root)).scores));
    return;
  }
  const scenarios = await loadScenarios(scenariosDir(root));
  const ev = evaluate(scenarios, [LOSS_LENS, ...BASELINES]);
  let md = withSection(renderMarkdown(ev, { generatedBy: 'npm run eval' }), await judgedSection(root));
  md = withSection(md, renderForecastMarkdown((await evaluateForecasts(root)).scores));
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
