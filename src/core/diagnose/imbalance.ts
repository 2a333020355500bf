/**
 * loss-imbalance: the parts of a multi-part loss (role loss_part, positive values) compared at
 * 16 steps spread over their common range, each part's level being its coarse point there.
 * One part above 90 % of the sum of the parts at 75 % of the samples dominates (warning); else
 * the largest part 100x or more above the smallest at 75 % of the samples is reported (info)
 * on the smallest part. When the run also logs the total, a part above it was weighted down
 * before it was added: its contribution is what the total leaves after the other parts. A
 * generator's and a discriminator's losses (G_loss and D_loss) are compared only within their
 * own side.
 */
import { fmtPct, fmtRatio } from '../i18n';
import { emit, type Ctx } from './context';
import type { SeriesState } from './seriesState';
import { median } from './stats';

export function detectImbalance(ctx: Ctx): void {
  const parts = ctx.rs
    .byRole('loss_part')
    .map(p => ctx.rs.judged(p, 5))
    .filter(p => p.isLog && p.valid >= 5 && p.blocks.coarseIndices().length > 0);
  // A generator's and a discriminator's losses are two objectives, not parts of one sum: each
  // side's parts are compared among themselves (pix2pix's G_GAN and G_L1), never G with D.
  const sides = adversarialSides(parts);
  if (sides) {
    for (const side of sides) judgeParts(ctx, side);
    return;
  }
  judgeParts(ctx, parts);
}

/** The sides of adversarial training (a generator's, a discriminator's losses). */
const GEN_RE = /^(?:g|gen|generator|net_?g)(?:[_ /.-]|$)|(?:^|[_ /.-])(?:g|gen|generator)[_ /.-]?loss$|^loss[_ /.-]?(?:g|gen|generator)$/i;
const DISC_RE = /^(?:d|disc|discriminator|critic|net_?d)(?:[_ /.-]|$)|(?:^|[_ /.-])(?:d|disc|discriminator|critic)[_ /.-]?loss$|^loss[_ /.-]?(?:d|disc|discriminator|critic)$/i;

/** The parts split by side (generator, discriminator, the rest) when both sides log losses. */
function adversarialSides(parts: SeriesState[]): SeriesState[][] | undefined {
  const g = parts.filter(p => GEN_RE.test(p.name));
  const d = parts.filter(p => !g.includes(p) && DISC_RE.test(p.name));
  if (g.length === 0 || d.length === 0) return undefined;
  const rest = parts.filter(p => !g.includes(p) && !d.includes(p));
  return [g, d, rest];
}

function judgeParts(ctx: Ctx, parts: SeriesState[]): void {
  const st = ctx.st;
  if (parts.length < 2) return;
  let a = -Infinity;
  let b = Infinity;
  for (const p of parts) {
    a = Math.max(a, p.firstStep);
    b = Math.min(b, p.lastStep);
  }
  if (!(b > a)) {
    a = Infinity;
    b = -Infinity;
    for (const p of parts) {
      a = Math.min(a, p.firstStep);
      b = Math.max(b, p.lastStep);
    }
  }
  // The total, when the run logs one: parts above it were weighted down before summing
  // (Caffe's `center_loss = 86.7 (* 0.008 = 0.69 loss)`, a VAE's KL term times beta), so their
  // share is what the total leaves after the other parts, not their raw value.
  const main = ctx.rs.primary('train_loss');
  const total = main ? ctx.rs.judged(main, 5) : undefined;
  const K = Math.max(4, st.imbalanceSamples);
  const domCount = new Map<SeriesState, number>();
  const domShares = new Map<SeriesState, number[]>();
  const pairCount = new Map<string, { big: SeriesState; small: SeriesState; n: number; ratios: number[] }>();
  let used = 0;
  for (let k = 0; k < K; k++) {
    const step = b > a ? a + ((b - a) * (k + 0.5)) / K : a;
    const lv = parts.map(p => Math.exp(p.blocks.coarseAtStep(step, 0)));
    if (lv.some(v => !Number.isFinite(v))) continue;
    const tot = total && total.isLog && total.valid >= 5 ? Math.exp(total.blocks.coarseAtStep(step, 0)) : NaN;
    if (tot > 0) weighted(lv, tot, st.imbalanceTotalSlack);
    if (lv.some(v => !(v > 0))) continue;
    used++;
    let sum = 0;
    let iMax = 0;
    let iMin = 0;
    for (let i = 0; i < lv.length; i++) {
      sum += lv[i];
      if (lv[i] > lv[iMax]) iMax = i;
      if (lv[i] < lv[iMin]) iMin = i;
    }
    const share = lv[iMax] / sum;
    if (share >= st.imbalanceShare) {
      domCount.set(parts[iMax], (domCount.get(parts[iMax]) ?? 0) + 1);
      const arr = domShares.get(parts[iMax]) ?? [];
      arr.push(share);
      domShares.set(parts[iMax], arr);
    }
    const r = lv[iMax] / lv[iMin];
    if (r >= st.imbalanceRatio) {
      const key = `${iMax}/${iMin}`;
      const e = pairCount.get(key) ?? { big: parts[iMax], small: parts[iMin], n: 0, ratios: [] };
      e.n++;
      e.ratios.push(r);
      pairCount.set(key, e);
    }
  }
  if (used === 0) return;
  const need = st.imbalanceMinFraction * used;
  for (const [p, n] of domCount) {
    if (n < need) continue;
    const share = median(domShares.get(p)!);
    const others = parts.filter(q => q !== p).map(q => q.name).join(', ');
    emit(ctx, {
      kind: 'loss-imbalance',
      severity: 'warning',
      state: p,
      step: a,
      endStep: b,
      title: ['imbalance.title'],
      message: [['imbalance.dominant', { part: p.name, share: fmtPct(share), fraction: fmtPct(n / used), others }]],
      evidence: {
        rule: 'dominant',
        share,
        threshold: st.imbalanceShare,
        fraction: n / used,
        minFraction: st.imbalanceMinFraction,
        samples: used,
        parts: parts.map(q => q.name).join(', '),
      },
      confidence: Math.min(0.95, 0.5 + 0.45 * (n / used)),
    });
    return;
  }
  let bestPair: { big: SeriesState; small: SeriesState; n: number; ratios: number[] } | undefined;
  for (const e of pairCount.values()) if (!bestPair || e.n > bestPair.n) bestPair = e;
  if (!bestPair || bestPair.n < need) return;
  const ratio = median(bestPair.ratios);
  emit(ctx, {
    kind: 'loss-imbalance',
    severity: 'info',
    state: bestPair.small,
    step: a,
    endStep: b,
    title: ['imbalance.title'],
    message: [['imbalance.ratio', { big: bestPair.big.name, small: bestPair.small.name, ratio: fmtRatio(ratio), fraction: fmtPct(bestPair.n / used) }]],
    evidence: {
      rule: 'ratio',
      ratio,
      threshold: st.imbalanceRatio,
      larger: bestPair.big.name,
      fraction: bestPair.n / used,
      samples: used,
      parts: parts.map(q => q.name).join(', '),
    },
    confidence: Math.min(0.9, 0.45 + 0.4 * (bestPair.n / used)),
  });
}

/**
 * Parts' contributions to a logged total: a part above the total (times 1 + slack) was scaled
 * down before it was added, and contributes what the total leaves after the other parts.
 */
function weighted(lv: number[], total: number, slack: number): void {
  let rest = 0;
  let n = 0;
  for (const v of lv) {
    if (v > total * (1 + slack)) n++;
    else rest += v;
  }
  if (n === 0) return;
  for (let i = 0; i < lv.length; i++) {
    if (lv[i] > total * (1 + slack)) lv[i] = Math.max(total - rest, 0) / n;
  }
}
