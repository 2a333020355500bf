/**
 * A tiny typed event emitter with the VS Code shape (`event(listener) -> { dispose }`), so the
 * runner stays free of `vscode` and the host can still route every subscription through its
 * disposables.
 */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  private listeners: Array<(e: T) => void> = [];

  readonly event: Event<T> = listener => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter(l => l !== listener);
      },
    };
  };

  /** Is anyone listening? (Lets a hot path skip building events nobody reads.) */
  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  /** Deliver to every listener; a throwing listener never breaks the others or the runner. */
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // A UI listener failing must not stop output handling or the stop policy.
        console.error('loss-lens runner: listener failed:', err);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
