/** Detectors under evaluation: Loss Lens itself and the published baselines. */
import type { FindingKind } from '../core/diagnose/types';
import type { Run } from '../core/model';

/** One alarm: the kind (mapped onto Loss Lens' kinds) and the step it is about. */
export interface Detection {
  kind: FindingKind;
  /** The onset the detector gives (for stopping rules: the best step they would restore). */
  step: number;
  /** Which rule of the detector fired, for the report. */
  rule?: string;
}

export type DetectFn = (run: Run) => Detection[];

export interface Detector {
  id: string;
  /** Column title in the report. */
  name: string;
  /** The kinds this detector can raise at all (the others are shown as not applicable). */
  kinds: readonly FindingKind[];
  /** One line: the rule, its defaults and the mapping to our kinds. */
  description: string;
  detect: DetectFn;
}
