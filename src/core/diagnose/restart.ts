/**
 * restart: steps went backwards (a resumed or restarted run). From the run's restart events,
 * or, when the parser reported none, from steps going backwards inside a series.
 */
import { fmtStep } from '../i18n';
import type { Series } from '../model';
import { emit, type Ctx } from './context';

interface Item {
  series: string;
  from: number;
  to: number;
  line?: number;
  /** Source line of the series' point before the jump (undefined: unknown). */
  prevLine?: number;
}

/** Source line of the point before the one logged at `line` in a series (binary search: a
 * series' lines increase). */
function lineBefore(s: Series | undefined, line: number | undefined): number | undefined {
  const l = s?.lines;
  if (!l || line === undefined) return undefined;
  let lo = 0;
  let hi = l.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l.get(mid) < line) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && l.get(lo) === line && l.get(lo - 1) > 0 ? l.get(lo - 1) : undefined;
}

/**
 * One restart, one count: series that step back at neighbouring lines of one restart (a tqdm
 * bar's loss at line 184, the epoch summary's Train Loss at line 188, after "Next 100 epochs")
 * jump from different steps. A series' jump is the same restart as an earlier one of another
 * series when its point before the jump came before that restart's line (it logged nothing in
 * between). Items without lines are kept as they are.
 */
function foldSameRestart(items: Item[]): Item[] {
  const byLine = items.filter(it => it.line !== undefined).sort((a, b) => a.line! - b.line!);
  const kept: Item[] = [];
  const folded = new Set<Item>();
  for (const it of byLine) {
    const same = kept.some(k => k.series !== it.series && it.prevLine !== undefined && it.prevLine < k.line! && k.line! <= it.line!);
    if (same) folded.add(it);
    else kept.push(it);
  }
  return folded.size === 0 ? items : items.filter(it => !folded.has(it));
}

export function detectRestarts(ctx: Ctx): void {
  const items: Item[] = [];
  const seen = new Set<string>();
  // One restart is reported by each series that steps back at it (the same from > to): those
  // are one. But the same jump made again by one series is another restart (runs appended to
  // one log each go from the same last step back to 0): the n-th time a series makes a jump
  // is the n-th restart with that jump.
  const times = new Map<string, number>();
  const keyOf = (series: string, from: number, to: number): string => {
    const jump = `${from}>${to}`;
    const k = `${series}\u0000${jump}`;
    const n = (times.get(k) ?? 0) + 1;
    times.set(k, n);
    return `${jump}#${n}`;
  };
  for (const e of ctx.run.events) {
    if (e.type !== 'restart') continue;
    const key = keyOf(e.series, e.fromStep, e.toStep);
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ series: e.series, from: e.fromStep, to: e.toStep, line: e.line, prevLine: lineBefore(ctx.run.series.get(e.series), e.line) });
  }
  if (items.length === 0) {
    for (const s of [...ctx.rs.closed, ...ctx.rs.states.values()]) {
      const rs = s.freshRestart ? [s.freshRestart, ...s.restarts] : s.restarts;
      for (const r of rs) {
        const key = keyOf(s.name, r.fromStep, r.toStep);
        if (seen.has(key)) continue;
        seen.add(key);
        items.push({ series: s.name, from: r.fromStep, to: r.toStep, line: s.lineAt(r.idx), prevLine: s.lineAt(r.idx - 1) });
      }
    }
  }
  const events = foldSameRestart(items);
  // (a reader lists a bounded number of restarts and counts the others)
  let unlisted = 0;
  for (const e of ctx.run.events) if (e.type === 'note' && e.unlistedRestarts) unlisted += e.unlistedRestarts;
  const total = events.length + unlisted;
  events.slice(0, ctx.st.restartMaxFindings).forEach((it, k) => {
    const message: Parameters<typeof emit>[1]['message'] = [
      ['restart.message', { from: fmtStep(it.from), to: fmtStep(it.to), series: it.series }],
    ];
    if (total > 1) message.push(['restart.more', { count: String(total) }]); // (a count, never 2e5)
    emit(ctx, {
      kind: 'restart',
      severity: 'info',
      state: { name: it.series },
      step: it.to,
      line: it.line,
      title: ['restart.title', { step: fmtStep(it.to) }],
      message,
      evidence: {
        fromStep: it.from,
        toStep: it.to,
        index: k + 1,
        count: total,
        restarts: events.slice(0, 20).map(r => `${r.from}>${r.to}`).join(', '),
      },
      confidence: 0.95,
      idSuffix: `${it.from}>${it.to}`,
    });
  });
}
