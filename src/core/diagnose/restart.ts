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
  for (const e of ctx.run.events) {
    if (e.type !== 'restart') continue;
    const key = `${e.fromStep}>${e.toStep}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ series: e.series, from: e.fromStep, to: e.toStep, line: e.line });
  }
  if (items.length === 0) {
    for (const s of [...ctx.rs.closed, ...ctx.rs.states.values()]) {
      const rs = s.freshRestart ? [s.freshRestart, ...s.restarts] : s.restarts;
      for (const r of rs) {
        const key = `${r.fromStep}>${r.toStep}`;
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
