/**
 * `loss-lens watch PATH [--stop-after-idle SECONDS] [--fail-on LEVEL] [--lang en|zh-cn] [--poll MS]`: follow a
 * growing log file or run directory (new files, truncation and rotation included), diagnose it
 * live and print findings as they appear. Ends on Ctrl-C, or after SECONDS without new data.
 *
 * Exit code (as analyze): 0 ok; 1 a finding at or above --fail-on (default: error) was reported;
 * 2 when nothing could be read from PATH (it never appeared, or holds no log).
 */
import type { Lang, Severity } from '../core/diagnose/types';
import { SEVERITY_RANK } from '../core/diagnose/types';
import { pointCount, type Run } from '../core/model';
import { LiveDiagnosis, LogWatcher, fmtStep } from '../runner';
import { failOnOption, langOption, parseOptions, UsageError, type OptionSpecs } from './options';
import { Reporter } from './run';

export const WATCH_USAGE = `Usage:
  loss-lens watch PATH [--stop-after-idle SECONDS] [--fail-on error|warning|info|never] [--lang en|zh-cn] [--poll MS]

Follows a growing log file or run directory (TensorBoard event files, CSV, JSON lines, text;
new files, truncation and rotation included) and prints findings as they appear.
Ends on Ctrl-C, or after SECONDS without new data (--stop-after-idle).

Exit codes: 0 ok; 1 a finding at or above --fail-on (default error) was reported; 2 nothing could be read.`;


const WATCH_OPTIONS: OptionSpecs = {
  'stop-after-idle': { type: 'string' },
  lang: { type: 'string' },
  'fail-on': { type: 'string' },
  poll: { type: 'string' },
};

export async function watchCommand(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(WATCH_USAGE + '\n');
    return 0;
  }
  let target: string | undefined;
  let idle: number | undefined;
  let lang: Lang = 'en';
  let pollMs = 250;
  let failOn: Severity | 'never' = 'error';
  try {
    const { values: v, positionals } = parseOptions(argv, WATCH_OPTIONS);
    const str = (k: string) => v[k] as string | undefined;
    if (str('stop-after-idle') !== undefined) {
      idle = Number(str('stop-after-idle'));
      if (!(idle > 0)) throw new UsageError('--stop-after-idle must be a number of seconds > 0');
    }
    lang = langOption(str('lang'));
    failOn = failOnOption(str('fail-on'));
    if (str('poll') !== undefined) {
      pollMs = Number(str('poll'));
      if (!(pollMs >= 10)) throw new UsageError('--poll must be a number of milliseconds >= 10');
    }
    if (positionals.length > 1) throw new UsageError(`only one PATH can be watched (got ${positionals[0]} and ${positionals[1]})`);
    target = positionals[0];
    if (!target) throw new UsageError('no PATH given');
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`loss-lens watch: ${e.message}\n\n${WATCH_USAGE}\n`);
      return 2;
    }
    throw e;
  }

  const rep = new Reporter(process.stdout);
  const diagnosis = new LiveDiagnosis({
    lang,
    onFindings: added => {
      for (const f of added) rep.finding(f, f.severity === 'info' ? 0 : 2, f.severity === 'info');
    },
  });
  let lastData = Date.now();
  let bytes = 0;
  const watcher = new LogWatcher(target, {
    pollMs,
    existing: 'read',
    onEvent: e => {
      switch (e.type) {
        case 'run':
          if (e.reason === 'replaced') {
            const current = new Set(watcher.runs);
            for (const r of diagnosis.runs) if (r.source === e.file && !current.has(r)) diagnosis.untrack(r);
          } else {
            rep.note(`following ${e.file} (${e.format}${e.reason === 'opened' ? '' : `, ${e.reason}`})`);
          }
          diagnosis.track(e.run, e.key);
          break;
        case 'data':
          lastData = Date.now();
          bytes += e.bytes;
          diagnosis.notify(e.run);
          break;
        case 'baseline':
          break;
        case 'note':
          rep.note(e.message);
          break;
      }
    },
  });
  rep.note(`watching ${target}${idle ? ` (ends after ${idle} s without new data)` : ' (Ctrl-C to end)'}`);
  watcher.start();

  await new Promise<void>(resolve => {
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      if (timer) clearInterval(timer);
      process.off('SIGINT', end);
      process.off('SIGTERM', end);
      resolve();
    };
    process.on('SIGINT', end);
    process.on('SIGTERM', end);
    if (idle) {
      timer = setInterval(() => {
        if (Date.now() - lastData >= idle! * 1000) end();
      }, Math.min(200, idle * 1000));
    }
  });
  watcher.close();
  diagnosis.pass(true);
  diagnosis.dispose();

  const runs = watcher.runs;
  for (const run of runs) rep.note(summary(run));
  const n = diagnosis.reported.length;
  rep.note(`${runs.length} run${runs.length === 1 ? '' : 's'}, ${bytes.toLocaleString('en-US')} bytes read, ${n} finding${n === 1 ? '' : 's'}`);
  if (bytes === 0 && runs.every(r => r.series.size === 0)) return 2;
  if (failOn !== 'never' && diagnosis.reported.some(f => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn as Severity])) return 1;
  return 0;
}

function summary(run: Run): string {
  let last = NaN;
  for (const s of run.series.values()) if (s.length && !(s.lastStep() <= last)) last = s.lastStep();
  return `${run.name}: ${run.format}, ${run.series.size} series, ${pointCount(run).toLocaleString('en-US')} points, last step ${fmtStep(last)}`;
}
