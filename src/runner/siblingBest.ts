/**
 * The best to beat for `stopOn: cannot-beat-best` when none is given: the lowest best validation
 * loss of the runs the runner itself wrote in the same runs folder (its run folders: a `run.json`
 * beside the logs). The rows come from the runs index (src/core/runs), the one place that reads
 * run folders and computes their best losses.
 *
 * Node-only, free of `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunIndex } from '../core/runs';

export interface SiblingBest {
  /** The lowest best validation loss of the sibling runs. */
  value: number;
  /** The run folder it comes from, and its series. */
  runDir: string;
  series: string;
}

/**
 * The lowest best validation loss among the run folders under `runsRoot` that the runner wrote
 * (`run.json` in the folder), except `exclude` (the run being started); undefined when none has
 * a validation loss.
 */
export async function siblingBest(runsRoot: string, exclude?: string): Promise<SiblingBest | undefined> {
  let entries: string[];
  try {
    entries = fs
      .readdirSync(runsRoot, { withFileTypes: true })
      .filter(e => e.isDirectory())
      .map(e => path.join(runsRoot, e.name))
      .filter(d => (!exclude || path.resolve(d) !== path.resolve(exclude)) && fs.existsSync(path.join(d, 'run.json')));
  } catch {
    return undefined;
  }
  if (!entries.length) return undefined;
  const { rows } = await new RunIndex().list(entries);
  let out: SiblingBest | undefined;
  for (const r of rows) {
    const b = r.best;
    if (!b || b.role !== 'val_loss' || !Number.isFinite(b.value)) continue;
    if (!out || b.value < out.value) out = { value: b.value, runDir: r.path, series: b.series };
  }
  return out;
}
