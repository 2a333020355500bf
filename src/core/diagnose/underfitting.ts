/**
 * underfitting: the training loss is high and flat, close to the validation loss, and at or
 * near chance level or with low accuracy. Flat = not still improving (see not-converged), or
 * improving slowly (by at most fastThreshold over the seed's window) with a low accuracy: a
 * model that creeps down at 7 % accuracy will not fit by training longer at that rate. High =
 * training (and validation) accuracy below 0.7 (seed's model_capacity_analysis), or training
 * loss still at least 80 % of ln C for a known class count C (given, or in the run's metadata). Close = validation loss at most 10 % above training.
 * An accuracy is only used when it can belong to the loss's task (accFitsLoss in overfitting.ts).
 * Not reported when no-learning, divergence or an LR range test already explains the run.
 */
import { fmtChange, fmtNum, fmtPct, fmtStep } from '../i18n';
import { emit, type Ctx } from './context';
import { chanceOf } from './noLearning';
import { accFitsLoss, highestAccLevel } from './overfitting';
import { convergenceOf, stillImproving } from './convergence';

export function detectUnderfitting(ctx: Ctx): void {
  if (ctx.rangeTest) return;
  const st = ctx.st;
  const tr = ctx.rs.primary('train_loss');
  if (!tr || !tr.isLog) return;
  if (ctx.noLearning.has(tr.name) || ctx.diverged.has(tr.name)) return;
  const conv = convergenceOf(tr, st);
  if (conv.status === 'insufficient') return;
  // still falling, but slowly (under fastThreshold over the last convergencePatience coarse
  // points): underfitting too when the accuracy says the model is far from fitting (below)
  const slow = stillImproving(conv, st);
  if (slow && !(conv.robustImprovement <= st.fastThreshold)) return;
  const trainEnd = tr.blocks.coarseTail(3);
  const va = ctx.rs.primary('val_loss');
  let gap = NaN;
  if (va && va.isLog && va.blocks.coarseIndices().length > 0) {
    gap = va.blocks.coarseTail(3) - trainEnd;
    if (gap > Math.log(1 + st.underfitMaxGap)) return;
  }
  const tAcc = highestAccLevel(ctx.rs.states.values(), 'train_acc');
  const vAcc = highestAccLevel(ctx.rs.states.values(), 'val_acc');
  const lossEnd = Math.exp(trainEnd);
  // (an accuracy that cannot belong to this loss's task says nothing here)
  const accLow = tAcc < st.capacityLowAcc && !(vAcc >= st.capacityLowAcc) && accFitsLoss(tAcc, lossEnd, st.accLossSlack);
  const ch = chanceOf(ctx, tr);
  const nearChance = ch !== undefined && !ch.inferred && lossEnd >= st.underfitChanceFraction * ch.chance;
  if (!accLow && !nearChance) return;
  if (slow && !accLow) return;
  const msg: Parameters<typeof emit>[1]['message'] = [
    slow
      ? ['underfitting.slow', { level: fmtNum(lossEnd), improvement: fmtPct(conv.robustImprovement), from: fmtStep(conv.fromStep), to: fmtStep(conv.toStep) }]
      : ['underfitting.message', { level: fmtNum(lossEnd), step: fmtStep(conv.fromStep) }],
  ];
  if (Number.isFinite(gap)) msg.push(['underfitting.closeVal', { val: fmtNum(Math.exp(trainEnd + gap)), gap: fmtChange(Math.exp(gap) - 1) }]);
  if (accLow) {
    if (Number.isFinite(vAcc)) msg.push(['underfitting.acc', { trainAcc: fmtPct(tAcc), valAcc: fmtPct(vAcc), low: fmtPct(st.capacityLowAcc) }]);
    else msg.push(['underfitting.accTrain', { trainAcc: fmtPct(tAcc), low: fmtPct(st.capacityLowAcc) }]);
  }
  if (nearChance && ch) msg.push(['underfitting.chance', { share: fmtPct(lossEnd / ch.chance), classes: ch.classes, chance: fmtNum(ch.chance) }]);
  emit(ctx, {
    kind: 'underfitting',
    severity: 'warning',
    state: tr,
    step: conv.fromStep,
    endStep: tr.lastStep,
    title: ['underfitting.title'],
    message: msg,
    evidence: {
      rule: accLow ? (nearChance ? 'accuracy+chance' : 'accuracy') : 'chance',
      trainLoss: lossEnd,
      valLoss: Number.isFinite(gap) ? Math.exp(trainEnd + gap) : null,
      gap: Number.isFinite(gap) ? Math.exp(gap) - 1 : null,
      maxGap: st.underfitMaxGap,
      trainAcc: Number.isFinite(tAcc) ? tAcc : null,
      valAcc: Number.isFinite(vAcc) ? vAcc : null,
      lowAcc: st.capacityLowAcc,
      classes: ch ? ch.classes : null,
      chance: ch ? ch.chance : null,
      convergence: conv.status,
      stillFalling: slow ? conv.robustImprovement : null,
    },
    confidence: (accLow && nearChance ? 0.8 : 0.65) * (Number.isFinite(gap) ? 1 : 0.85),
  });
}
