/**
 * Runs and findings for the viewer tests, read from the real-log corpus with the core loader.
 */
import * as fs from 'node:fs';
import type { Finding } from '../../src/core/diagnose/types';
import { loadPaths } from '../../src/core/load';
import { createRun, type Run, seriesOf } from '../../src/core/model';
import { real } from '../helpers';

export const NANOGPT = real('stdout/build_nanogpt_log.txt');
export const DETECTRON = real('detectron2_metrics_json/gdp_objdetect_metrics.json');
export const LIGHTNING = real('lightning_csv/camels_version_17_metrics.csv');

export async function loadOne(file: string): Promise<Run> {
  const r = await loadPaths([file]);
  if (r.runs.length) return r.runs[0];
  if (file === NANOGPT) return nanoGptByHand(file);
  throw new Error(`no run in ${file}: ${JSON.stringify(r.problems)}`);
}

/**
 * build-nanogpt's log.txt ("<step> train|val|hella <value>") read line by line: used only
 * while the core's text parser does not recognise the file yet, so the viewer tests can run
 * on the real log either way.
 */
function nanoGptByHand(file: string): Run {
  const run = createRun(file, 'text');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    const m = /^(\d+) (train|val|hella) ([-+.\deE]+|nan|inf)$/.exec(text.trim());
    if (!m) return;
    const name = m[2] === 'train' ? 'train_loss' : m[2] === 'val' ? 'val_loss' : 'hella_acc';
    seriesOf(run, name).push(Number(m[1]), Number(m[3]), undefined, i + 1);
  });
  for (const s of run.series.values()) s.trim();
  return run;
}

/** A few findings of the kinds the chart draws, anchored on real steps of the run. */
export function sampleFindings(run: Run): Finding[] {
  const loss = [...run.series.values()].find(s => s.role === 'train_loss') ?? [...run.series.values()][0];
  const val = [...run.series.values()].find(s => s.role === 'val_loss');
  const n = loss.length;
  const at = (f: number) => loss.steps.get(Math.min(n - 1, Math.floor(n * f)));
  const lineAt = (f: number) => loss.lines?.get(Math.min(n - 1, Math.floor(n * f)));
  const out: Finding[] = [
    {
      kind: 'loss-spike',
      severity: 'warning',
      series: loss.name,
      step: at(0.3),
      line: lineAt(0.3),
      title: 'Loss spike',
      message: `The training loss jumped to 3.2× its local level at step ${at(0.3)} and recovered within 40 steps.`,
      evidence: { ratio: 3.2, count: 1 },
      fixes: [
        { title: 'Clip gradients', detail: 'Bound the update size so one bad batch cannot throw the weights off.', code: 'torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)' },
        { title: 'Lower the learning rate', detail: 'Try half the peak learning rate, or a longer warm-up.' },
      ],
      confidence: 0.7,
      source: run.source,
    },
    {
      kind: 'not-converged',
      severity: 'info',
      series: loss.name,
      step: at(0.85),
      endStep: at(0.999),
      title: 'Still improving at the end',
      message: 'The loss fell 4% over the last 15% of the run: training longer would likely help.',
      evidence: { slope: -0.04 },
      fixes: [{ title: 'Train longer', detail: 'Extend the schedule by 20–50%.' }],
      confidence: 0.6,
      source: run.source,
    },
  ];
  if (val && val.length > 2) {
    const vn = val.length;
    out.push({
      kind: 'early-stop',
      severity: 'info',
      series: val.name,
      step: val.steps.get(Math.floor(vn * 0.6)),
      title: 'Early stopping would have stopped here',
      message: `Best validation loss at step ${val.steps.get(Math.floor(vn * 0.6))}.`,
      evidence: {},
      fixes: [{ title: 'Use early stopping', detail: 'Stop when the validation loss has not improved for 5 evaluations.' }],
      confidence: 0.5,
      source: run.source,
    });
  }
  return out;
}
