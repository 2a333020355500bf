/**
 * The hostile-input probes of scripts/probes.ts (issue #14), run against the built CLI as real
 * processes: exit code, wall time, peak memory and output checks, each in a fresh folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBES, runProbe, verdict } from '../../scripts/probes';
import { ensureCliBuilt } from '../runner/cliBuild';

let root: string;
beforeAll(() => {
  ensureCliBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-probes-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('hostile-input probes', () => {
  for (const p of PROBES) {
    const skip = !!p.todo || (p.posixOnly && process.platform === 'win32');
    it.skipIf(skip)(`#14.${p.item} ${p.name}`, () => {
      const r = runProbe(p, root, 60_000);
      expect(verdict(p, r), `${p.name}: exit ${r.code}, ${r.seconds.toFixed(2)} s, ${r.peakMiB?.toFixed(0)} MiB`).toBeUndefined();
    });
  }
});
