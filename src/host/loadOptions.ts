/**
 * Loader options from the settings (`lossLens.readOnTwoThreads`), and where the outcome of a
 * two-thread read is logged (the viewer's output channel, set at activation).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackgroundOptions } from '../core/background';
import type { LoadOptions } from '../core/load';
import { readSetting } from './config';

let log: ((message: string) => void) | undefined;

export function setLoadLog(f: ((message: string) => void) | undefined): void {
  log = f;
}

export function hostLoadOptions(): LoadOptions {
  if (!readSetting('readOnTwoThreads')) return { threads: false };
  return {
    threads: {
      onSplit: (file, outcome) =>
        log?.(
          outcome === 'joined'
            ? vscode.l10n.t('Read {0} on two threads.', path.basename(file))
            : vscode.l10n.t('Read {0} on one thread: the second thread could not be used ({1}).', path.basename(file), outcome),
        ),
    },
  };
}

/** The same for a read on a worker thread (core/background.ts). */
export function hostBackgroundOptions(): Pick<BackgroundOptions, 'threads' | 'onSplit'> {
  const o = hostLoadOptions();
  return o.threads === false ? { threads: false } : { threads: {}, onSplit: o.threads?.onSplit };
}
