import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createParser, type StreamFormat } from '../src/core/formats';
import type { Run } from '../src/core/model';

export const REPO_ROOT = path.resolve(__dirname, '..');
/**
 * The real-log corpus, committed in the repository (test/fixtures/real, listed with its sources
 * in MANIFEST.tsv). Files as they were found: never edit them.
 */
export const REAL = path.join(REPO_ROOT, 'test', 'fixtures', 'real');

export function real(rel: string): string {
  return path.join(REAL, rel);
}

/** Parse a whole file with the given streaming parser, in chunks of `chunkSize` bytes. */
export function parseFile(format: StreamFormat, file: string, chunkSize = 64 * 1024): Run[] {
  const data = fs.readFileSync(file);
  return parseBytes(format, data, file, chunkSize);
}

export function parseBytes(
  format: StreamFormat,
  data: Uint8Array,
  source = 'mem',
  chunkSize = 64 * 1024,
): Run[] {
  const p = createParser(format, { source });
  for (let i = 0; i < data.length; i += chunkSize) p.push(data.subarray(i, i + chunkSize));
  p.end();
  return p.runs;
}

export function parseText(format: StreamFormat, text: string, chunkSize = 7): Run[] {
  return parseBytes(format, new TextEncoder().encode(text), 'mem', chunkSize);
}

/** {seriesName: pointCount} of a run, for compact expectations. */
export function counts(run: Run): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, s] of run.series) out[k] = s.length;
  return out;
}

export function values(run: Run, name: string): number[] {
  const s = run.series.get(name);
  return s ? Array.from(s.values.view()) : [];
}

export function steps(run: Run, name: string): number[] {
  const s = run.series.get(name);
  return s ? Array.from(s.steps.view()) : [];
}

/**
 * A temporary folder for the test file that calls this at its top level (made before its tests,
 * removed after them): `path()` is the folder, `write(name, data)` writes a file in it (creating
 * subfolders) and returns its path.
 */
export function scratchDir(prefix: string): { path: () => string; write: (name: string, data: string | Uint8Array) => string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    path: () => dir,
    write: (name, data) => {
      const f = path.join(dir, name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, data);
      return f;
    },
  };
}
