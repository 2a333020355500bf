// One esbuild script, one entry per runtime: extension host (node/cjs, vscode external),
// CLI (node/cjs), the parse worker (node/cjs) and webview (browser/iife).
import * as esbuild from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // The worker thread that reads the second half of a large log (src/core/parallel.ts).
    ...common,
    entryPoints: ['src/core/partWorker.ts'],
    outfile: 'dist/parse-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The worker thread that reads and analyses logs for the extension (src/core/background.ts).
    ...common,
    entryPoints: ['src/core/loadWorker.ts'],
    outfile: 'dist/load-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (existsSync('webview/main.ts')) {
  builds.push({
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

if (existsSync('webview/runsTable.ts')) {
  // The sweep table of the runs view (src/host/runsView/table.ts).
  builds.push({
    ...common,
    entryPoints: ['webview/runsTable.ts'],
    outfile: 'dist/runsTable.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map(b => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
