// Writes docs/thresholds.md: every threshold of the diagnostic engine with its default and its
// meaning, read from the JSDoc of src/core/diagnose/settings.ts (the single source of truth).
//   node scripts/thresholds-doc.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const src = readFileSync('src/core/diagnose/settings.ts', 'utf8');
const iface = src.slice(src.indexOf('export interface DiagnoseSettings'), src.indexOf('export const DEFAULT_SETTINGS'));
const defaults = src.slice(src.indexOf('export const DEFAULT_SETTINGS'));
const rows = [];
let section = '';
const re = /\/\/ ---- (.+?) -{3,}|\/\*\*([\s\S]*?)\*\/\s*(\w+)\s*:\s*([^;]+);/g;
for (let m; (m = re.exec(iface)); ) {
  if (m[1]) {
    section = m[1].trim();
    continue;
  }
  const doc = m[2].replace(/^\s*\* ?/gm, '').replace(/\s+/g, ' ').trim();
  const key = m[3];
  const dm = new RegExp(`\\n\\s*${key}:\\s*([^,\\n]+),`).exec(defaults);
  rows.push({ section, key, def: dm ? dm[1].trim() : '?', doc });
}
const out = [
  '# Diagnostic thresholds',
  '',
  'Every threshold the engine uses, with its default. Override them with `loss-lens analyze --set KEY=VALUE`',
  'on the command line, or with the `lossLens.thresholds` setting in VS Code (an object of the same keys).',
  'Generated from `src/core/diagnose/settings.ts` by `node scripts/thresholds-doc.mjs`.',
  '',
  '| group | key | default | meaning |',
  '|---|---|---|---|',
  ...rows.map(r => `| ${r.section} | \`${r.key}\` | \`${r.def}\` | ${r.doc.replace(/\|/g, '\\|')} |`),
  '',
];
writeFileSync('docs/thresholds.md', out.join('\n'));
console.log(`docs/thresholds.md: ${rows.length} thresholds`);
