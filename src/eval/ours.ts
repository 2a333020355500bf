/** Loss Lens' own engine as a detector: problem kinds at warning/error, info kinds at any severity. */
import { diagnose, FINDING_KINDS, SEVERITY_RANK, type DiagnoseOptions } from '../core/diagnose';
import type { Run } from '../core/model';
import { isProblemKind } from './scenarios';
import type { Detection, Detector } from './types';

export function lossLensDetections(run: Run, opts: DiagnoseOptions = {}): Detection[] {
  return diagnose([run], opts)
    .filter(f => !isProblemKind(f.kind) || SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning)
    .map(f => ({ kind: f.kind, step: f.step, rule: `${f.severity} on ${f.series}` }));
}

export const LOSS_LENS: Detector = {
  id: 'loss-lens',
  name: 'Loss Lens',
  kinds: FINDING_KINDS,
  description: 'this engine (`diagnose`, default settings): problem findings at warning or error severity, info findings at any',
  detect: run => lossLensDetections(run),
};
