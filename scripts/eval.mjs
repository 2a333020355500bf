// `npm run eval`: bundles src/eval/cli.ts, scores Loss Lens and the re-implemented baselines
// (AUTOTRAINER, SageMaker Debugger rules, Keras and Lightning callbacks, UMLAUT) on the labelled
// scenarios of test/scenarios, scores Loss Lens on the judged real-world corpus
// (test/fixtures/judged/*/MANIFEST.tsv), prints the markdown tables and writes them to docs/eval.md.
//
//   npm run eval
//   node scripts/eval.mjs --out other.md     # write elsewhere
//   node scripts/eval.mjs --forecast-only    # only the forecast table (issue #17), nothing written
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';

const OUT = path.resolve('bench/out');
mkdirSync(OUT, { recursive: true });
const bundle = path.join(OUT, 'eval.cjs');
await esbuild.build({
  entryPoints: ['src/eval/cli.ts'],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});

const i = process.argv.indexOf('--out');
const out = i >= 0 ? process.argv[i + 1] : 'docs/eval.md';
const only = process.argv.filter(a => a === '--judged-only' || a === '--forecast-only');
const r = spawnSync(process.execPath, [bundle, '--root', process.cwd(), '--out', out, ...only], { stdio: 'inherit' });
process.exit(r.status ?? 1);
