/**
 * What the user confirms when a training command comes from the workspace's settings (a
 * workspace can set them: a cloned repository must not run or redirect anything unasked).
 * Pure: no vscode.
 */
export interface ConfirmedLaunch {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Where the run folders (output.log, run.json) are written. */
  runsFolder: string;
}

/**
 * The key a confirmation is remembered under: every setting the workspace decides is in it, so
 * changing any of them (the runs folder included) asks again.
 */
export function confirmationKey(l: ConfirmedLaunch): string {
  return JSON.stringify({ argv: l.argv, cwd: l.cwd, env: l.env, runsFolder: l.runsFolder });
}
