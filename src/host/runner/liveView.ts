/**
 * Where a live run is shown as curves. `LiveViewSink` is the small interface the runner
 * controller talks to; `ViewerLiveSink` implements it on the curve viewer
 * (src/host/viewer: `LossLensViewers.openLive(run)` -> LiveView with append / setFindings /
 * finish).
 */
import type * as vscode from 'vscode';
import type { Finding } from '../../core/diagnose/types';
import type { Run } from '../../core/model';
import type { LiveView, LossLensViewers } from '../viewer/viewers';

export interface LiveViewSink {
  /** Show a run that keeps growing (no-op when it is shown already). */
  open(run: Run, findings?: Finding[]): void;
  /** The run gained points. */
  append(run: Run): void;
  /** The run's current findings. */
  findings(run: Run, findings: Finding[]): void;
  /** The run ended. */
  finish(run: Run, findings: Finding[]): void;
  /** The run ended in error before it logged any metric: `message` says why. */
  fail(run: Run, message: string): void;
  /** Bring the run's view to the front, opening it again if it was closed. */
  reveal(run: Run): void;
  /** Forget runs whose views are closed and that ended. */
  dispose(): void;
}

export class ViewerLiveSink implements LiveViewSink {
  private readonly views = new Map<Run, { view: LiveView; ended: boolean; findings: Finding[] }>();

  constructor(private readonly viewers: LossLensViewers) {}

  open(run: Run, findings: Finding[] = []): void {
    const v = this.views.get(run);
    if (v && !v.view.isDisposed) return;
    // One live tab per script: a new run of it takes the place of the last one's tab.
    let viewColumn: vscode.ViewColumn | undefined;
    for (const [other, o] of this.views) {
      if (other === run || other.name !== run.name || o.view.isDisposed || !o.ended) continue;
      viewColumn ??= o.view.session.panel.viewColumn;
      o.view.dispose();
      this.views.delete(other);
    }
    const view = this.viewers.openLive(run, { findings, ...(viewColumn ? { viewColumn } : {}) });
    this.views.set(run, { view, ended: v?.ended ?? false, findings });
    if (v?.ended) view.finish(findings);
  }

  append(run: Run): void {
    const v = this.views.get(run);
    if (v && !v.view.isDisposed) v.view.append();
  }

  findings(run: Run, findings: Finding[]): void {
    const v = this.views.get(run);
    if (!v) return;
    v.findings = findings;
    if (!v.view.isDisposed) v.view.setFindings(findings);
  }

  finish(run: Run, findings: Finding[]): void {
    const v = this.views.get(run);
    if (!v) return;
    v.ended = true;
    v.findings = findings;
    if (!v.view.isDisposed) v.view.finish(findings);
  }

  fail(run: Run, message: string): void {
    const v = this.views.get(run);
    if (!v) return;
    v.ended = true;
    if (!v.view.isDisposed) v.view.fail(message);
  }

  reveal(run: Run): void {
    const v = this.views.get(run);
    if (v && !v.view.isDisposed) {
      v.view.session.panel.reveal(undefined, false);
      return;
    }
    this.open(run, v?.findings ?? []);
  }

  dispose(): void {
    for (const [run, v] of this.views) if (v.ended && v.view.isDisposed) this.views.delete(run);
  }
}
