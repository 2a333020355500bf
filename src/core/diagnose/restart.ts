/**
 * restart: steps went backwards (a resumed or restarted run). From the run's restart events,
 * or, when the parser reported none, from steps going backwards inside a series.
 */
import { fmtStep } from '../i18n';
import { emit, type Ctx } from './context';

interface Item {
  series: string;
  from: number;
  to: number;
  line?: number;
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
    items.push({ series: e.series, from: e.fromStep, to: e.toStep, line: e.line });
  }
  if (items.length === 0) {
    for (const s of [...ctx.rs.closed, ...ctx.rs.states.values()]) {
      const rs = s.freshRestart ? [s.freshRestart, ...s.restarts] : s.restarts;
      for (const r of rs) {
        const key = keyOf(s.name, r.fromStep, r.toStep);
        if (seen.has(key)) continue;
        seen.add(key);
        items.push({ series: s.name, from: r.fromStep, to: r.toStep, line: s.lineAt(r.idx) });
      }
    }
  }
  const total = items.length;
  items.slice(0, ctx.st.restartMaxFindings).forEach((it, k) => {
    const message: Parameters<typeof emit>[1]['message'] = [
      ['restart.message', { from: fmtStep(it.from), to: fmtStep(it.to), series: it.series }],
    ];
    if (total > 1) message.push(['restart.more', { count: total }]);
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
        restarts: items.slice(0, 20).map(r => `${r.from}>${r.to}`).join(', '),
      },
      confidence: 0.95,
      idSuffix: `${it.from}>${it.to}`,
    });
  });
}
