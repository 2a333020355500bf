/**
 * Disposable plumbing for the viewer (the vscode-hexeditor pattern): a base class that owns
 * what it registers and releases it once. Structural, so it needs no `vscode` import.
 */

export interface IDisposable {
  dispose(): unknown;
}

function disposeAll(disposables: IDisposable[]): void {
  while (disposables.length) {
    const d = disposables.pop();
    try {
      d?.dispose();
    } catch {
      // Keep releasing the rest.
    }
  }
}

export abstract class Disposable implements IDisposable {
  private disposed = false;
  protected readonly _disposables: IDisposable[] = [];

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this._disposables);
  }

  protected _register<T extends IDisposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this._disposables.push(d);
    return d;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }
}

/** A disposable from a function. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}
