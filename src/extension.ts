import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Registrations come with the viewer and editor-integration work.
}

export function deactivate(): void {}
