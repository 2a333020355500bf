/**
 * `loss-lens forecast PATH... [--to STEP] [--json]`: where each training and validation loss is
 * heading — its value at STEP, else at the run's planned end (the log's `Epoch 3/50`,
 * `max_steps`, Lightning's hparams.yaml `max_epochs`, the runner's `--epochs`), else at twice
 * its current step, with an 80% interval.
 *
 * `--json`: {"forecasts":[{"series","role","fromStep","toStep","median","low","high"}]} (plus
 * "declined": the series that got no forecast, and why; "run" when several runs are read).
 * Exit codes: 0 ok; 2 an input could not be read, or bad usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { forecastRun, parseCommandPlan, parseHparamsPlan, type DeclinedForecast, type ForecastEntry } from '../core/forecast';
import { loadPaths } from '../core/load';
import type { Run } from '../core/model';
import { fmt } from '../core/report';
import { parseOptions, UsageError, type OptionSpecs } from './options';
import { termSafe } from './terminal';

export const FORECAST_USAGE = `Usage:
  loss-lens forecast PATH... [--to STEP] [--json]

Forecasts each training and validation loss at STEP; without --to, at the run's planned end when
the log tells it (Keras "Epoch 3/50", max_steps in trainer_state.json, max_epochs in Lightning's
hparams.yaml, --epochs of a run started by loss-lens run), else at twice the current step.
The interval is 80%: about 4 in 5 outcomes fall inside it.

Exit codes: 0 ok; 2 an input could not be read.`;

const OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  to: { type: 'string' },
};

function readText(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() && fs.statSync(file).size < 1 << 20 ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The planned end that sits beside the log rather than in it: Lightning's hparams.yaml, the
 * runner's run.json (its command line), recorded in the run's meta as the log's own would be.
 */
export function addPlanFromFolder(run: Run): void {
  if (run.meta.max_steps || run.meta.plannedSteps || run.meta.plannedEpochs) return;
  let dir = run.source;
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    return;
  }
  const plans: Array<{ epochs?: number; steps?: number }> = [];
  const hp = readText(path.join(dir, 'hparams.yaml'));
  if (hp) plans.push(parseHparamsPlan(hp));
  const rj = readText(path.join(dir, 'run.json'));
  if (rj) {
    try {
      const rec = JSON.parse(rj) as { command?: unknown; args?: unknown };
      const args = Array.isArray(rec.args) ? rec.args.filter((a): a is string => typeof a === 'string') : [];
      plans.push(parseCommandPlan(args));
    } catch {
      // not the runner's run.json: nothing to read
    }
  }
  for (const p of plans) {
    if (p.steps && !run.meta.plannedSteps) run.meta.plannedSteps = String(p.steps);
    if (p.epochs && !run.meta.plannedEpochs) run.meta.plannedEpochs = String(p.epochs);
  }
}

export async function forecastCommand(argv: string[]): Promise<number> {
  let paths: string[];
  let json = false;
  let to: number | undefined;
  try {
    const { values: v, positionals } = parseOptions(argv, OPTIONS);
    if (v.help) {
      process.stdout.write(FORECAST_USAGE + '\n');
      return 0;
    }
    json = v.json === true;
    if (v.to !== undefined) {
      to = Number(v.to);
      if (!Number.isFinite(to) || (v.to as string).trim() === '') throw new UsageError(`--to must be a step number (got ${String(v.to)})`);
    }
    paths = positionals;
    if (!paths.length) throw new UsageError('no PATH given');
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`loss-lens forecast: ${termSafe(e.message)}\n\n${FORECAST_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const loaded = await loadPaths(paths);
  const forecasts: Array<ForecastEntry & { run?: string }> = [];
  const declined: Array<DeclinedForecast & { run?: string }> = [];
  const many = loaded.runs.length > 1;
  const w = (s: string) => process.stdout.write(s + '\n');
  for (const run of loaded.runs) {
    addPlanFromFolder(run);
    const r = forecastRun(run, { to });
    const tag = many ? { run: run.name } : {};
    forecasts.push(...r.forecasts.map(f => ({ ...f, ...tag })));
    declined.push(...r.declined.map(d => ({ ...d, ...tag })));
    if (json) continue;
    const unit = run.meta.stepUnit === 'epoch' ? 'epoch' : 'step';
    const target = r.target === '--to' ? '' : r.target === 'twice' ? ' (twice the current step)' : ` (planned end, ${r.target})`;
    w(`${termSafe(run.name)}  ${termSafe(run.source)}`);
    for (const f of r.forecasts) {
      w(`  ${termSafe(f.series)} (${f.role}): ${unit} ${fmt(f.fromStep)} → ${fmt(f.toStep)}${target}: ${fmt(f.median)}  80% interval ${fmt(f.low)} – ${fmt(f.high)}`);
    }
    for (const d of r.declined) w(`  ${termSafe(d.series)} (${d.role}): no forecast (${d.reason})`);
    if (!r.forecasts.length && !r.declined.length) w('  no training or validation loss to forecast');
  }
  for (const p of loaded.problems) process.stderr.write(`loss-lens: ${termSafe(p.source)}: ${termSafe(p.message)}\n`);
  if (json) process.stdout.write(JSON.stringify({ forecasts, declined }, null, 2) + '\n');
  return loaded.problems.length > 0 ? 2 : 0;
}
