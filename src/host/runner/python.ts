/**
 * The Python interpreter to run a script with: the one selected in the Python extension
 * (`ms-python.python`) when it is installed, through its public API, else `python3`
 * (`python` on Windows). Never waits more than a few seconds for the extension.
 */
import * as vscode from 'vscode';

/** The parts of the Python extension's exported API used here (both are optional). */
interface PythonExtensionApi {
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { id: string; path: string } | undefined;
    resolveEnvironment?(env: { id: string; path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

export interface Interpreter {
  /** Program and leading arguments (e.g. ['conda', 'run', '-n', 'x', 'python']). */
  command: string[];
  /** Where it came from, for the output channel. */
  origin: 'python-extension' | 'default';
}

function timeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
  return Promise.race([Promise.resolve(p), new Promise<undefined>(r => setTimeout(() => r(undefined), ms))]);
}

export async function pythonInterpreter(resource?: vscode.Uri): Promise<Interpreter> {
  const fallback: Interpreter = { command: [process.platform === 'win32' ? 'python' : 'python3'], origin: 'default' };
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return fallback;
  try {
    const api = ext.isActive ? ext.exports : await timeout(ext.activate(), 5000);
    if (!api) return fallback;
    const exec = api.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (exec && exec.length && exec[0]) return { command: exec, origin: 'python-extension' };
    const envPath = api.environments?.getActiveEnvironmentPath?.(resource);
    if (envPath && api.environments?.resolveEnvironment) {
      const env = await timeout(api.environments.resolveEnvironment(envPath), 5000);
      const exe = env?.executable?.uri?.fsPath;
      if (exe) return { command: [exe], origin: 'python-extension' };
    }
    if (envPath?.path && /python[\d.]*(\.exe)?$/i.test(envPath.path)) return { command: [envPath.path], origin: 'python-extension' };
  } catch {
    // The extension failed: fall back to python3 on PATH.
  }
  return fallback;
}
