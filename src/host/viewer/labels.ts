/**
 * Names of compared runs that tell them apart (issue #13, 3): a runner run is named by its
 * script and the arguments recorded in its run.json that differ from the other runs', not
 * "output.log"; MLflow runs by the params that differ; two other logs of the same name get
 * their folder's name. The words are
 * src/runner/runLabels.ts's, shared with the CLI.
 */
import type { Run } from '../../core/model';
import { runLabels, runRecordOf } from '../../runner';

/** Rename the runs of one view (their names are the picker's, the title's and the legend's). */
export function applyRunLabels(runs: Run[]): void {
  const items = runs.map(r => {
    const rec = runRecordOf(r.source);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.meta)) if (k.startsWith('param.')) params[k.slice('param.'.length)] = v;
    return { name: r.name, source: r.source, record: rec?.record, dir: rec?.dir, params };
  });
  runLabels(items).forEach((label, i) => (runs[i].name = label));
}
