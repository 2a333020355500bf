/**
 * The one owner of Loss Lens diagnostics (STYLE 15): a single DiagnosticCollection, used by the
 * log and the script publishers (each on its own documents).
 */
import * as vscode from 'vscode';
import { Disposable } from '../viewer/dispose';

export const DIAGNOSTIC_SOURCE = 'Loss Lens';

export class LossLensDiagnostics extends Disposable {
  private readonly collection: vscode.DiagnosticCollection;

  constructor() {
    super();
    this.collection = this._register(vscode.languages.createDiagnosticCollection('lossLens'));
  }

  set(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): void {
    if (diagnostics.length === 0) this.collection.delete(uri);
    else this.collection.set(uri, diagnostics);
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  delete(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  clear(): void {
    this.collection.clear();
  }
}

/** A per-key debouncer whose timers die with it. */
export class Debouncer extends Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this._register({ dispose: () => this.cancelAll() });
  }

  run(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        fn();
      }, delayMs),
    );
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }

  private cancelAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
