/**
 * loss-spike: a transient jump far above the local noise level that recovers.
 * Per point, in log space: z = (y - local level) / local noise, the local level being a moving
 * average (span 20) whose upward moves are clipped to 3 noise units, the noise the larger of the
 * median of the last 9 windows of 32 sampled |second differences| and the median of the last 32
 * samples (so that it keeps up when the noise grows, as the log-space noise of a falling loss
 * does). A spike starts when z > max(6, sqrt(2 ln n) + 1, 2.4 x the 99.5th percentile of the
 * series' own upward deviations so far: heavy-tailed noise makes large blips common) (n =
 * points so far; evidence.effectiveThresholdZ), the value is at least 1.3x the level and more
 * than 3 rounding quanta above it (logs rounded to a few decimals), and counts only if the loss
 * comes back within 3 noise units of the pre-spike level within 100 points (otherwise it is a
 * level shift, for the divergence detector). Spikes in the warmup, right after an LR jump up or
 * after a restart are the schedule's and are not reported. One finding per spike (largest 20), each with the series'
 * spike count and all spike steps in its evidence.
 */
import { fmtNum, fmtRatio, fmtStep } from '../i18n';
import { emit, scheduleExplains, type Ctx } from './context';
import type { SeriesState, SpikeRecord } from './seriesState';
import { confidenceFromRatio } from './stats';

const MAX_STEPS_IN_EVIDENCE = 200;

/** Spikes of a series that the schedule does not explain. */
export function keptSpikes(ctx: Ctx, s: SeriesState): SpikeRecord[] {
  return s.spikes.filter(sp => !scheduleExplains(ctx, s, s.stepAt(sp.start)));
}

export function detectLossSpikes(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  for (const s of ctx.rs.states.values()) {
    if (s.role !== 'train_loss' && s.role !== 'val_loss' && s.role !== 'loss_part') continue;
    report(ctx, s);
  }
}

function report(ctx: Ctx, cur: SeriesState): void {
  const st = ctx.st;
  const segs = ctx.rs.segments(cur);
  let kept: SpikeRecord[] = [];
  let count = 0;
  let points = 0;
  for (const seg of segs) {
    const k = keptSpikes(ctx, seg);
    kept = kept.concat(k);
    count += k.length + Math.max(0, seg.spikeCount - seg.spikes.length);
    points += seg.points;
  }
  if (kept.length === 0) return;
  const s = cur;
  const steps = kept.slice(0, MAX_STEPS_IN_EVIDENCE).map(sp => s.stepAt(sp.start));
  const chosen = [...kept]
    .sort((a, b) => b.height - a.height || a.start - b.start)
    .slice(0, st.spikeMaxFindings)
    .sort((a, b) => a.start - b.start);
  const log = s.isLog;
  const per1k = (1000 * count) / Math.max(1, points);
  for (const sp of chosen) {
    const ratio = log ? Math.exp(sp.height) : NaN;
    const peak = s.raw(sp.base + sp.height);
    const base = s.raw(sp.base);
    const warn = (log && ratio >= st.spikeWarnRatio) || count >= st.spikeWarnCount || !log;
    const msg: Parameters<typeof emit>[1]['message'] = [
      [
        log ? 'spike.message' : 'spike.messageLinear',
        {
          peak: fmtNum(peak),
          peakStep: fmtStep(s.stepAt(sp.peak)),
          ratio: fmtRatio(ratio),
          base: fmtNum(base),
          z: fmtRatio(sp.z),
          endStep: fmtStep(s.stepAt(sp.end)),
        },
      ],
    ];
    if (count > 1) msg.push(['spike.count', { count }]);
    emit(ctx, {
      kind: 'loss-spike',
      severity: warn ? 'warning' : 'info',
      state: s,
      idx: sp.start,
      endStep: s.stepAt(sp.end),
      title: ['spike.title', { step: fmtStep(s.stepAt(sp.start)) }],
      message: msg,
      evidence: {
        peakStep: s.stepAt(sp.peak),
        peak,
        localLevel: base,
        ratio: log ? ratio : null,
        z: sp.z,
        thresholdZ: st.spikeZ,
        effectiveThresholdZ: sp.thresholdZ,
        thresholdRatio: st.spikeMinRatio,
        recoveryPoints: sp.end - sp.start,
        count,
        perThousandPoints: per1k,
        steps,
      },
      confidence: confidenceFromRatio(sp.z / st.spikeZ, 0.6),
      idSuffix: `${sp.start}`,
    });
  }
}
