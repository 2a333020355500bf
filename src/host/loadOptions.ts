/** Loader options from the settings (`lossLens.readOnTwoThreads`). */
import * as vscode from 'vscode';
import type { LoadOptions } from '../core/load';

export function hostLoadOptions(): LoadOptions {
  return vscode.workspace.getConfiguration('lossLens').get<boolean>('readOnTwoThreads', true) ? {} : { threads: false };
}
