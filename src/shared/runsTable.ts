/**
 * Messages between the host and the sweep table webview (webview/runsTable.ts): the webview
 * says `ready`, the host answers with a full snapshot, and again whenever the runs change.
 * Types only.
 */

export interface RunsTableRow {
  /** Short name (the path without what all runs share). */
  label: string;
  path: string;
  status: 'ok' | 'warning' | 'error';
  statusText: string;
  worst: string | null;
  best: { series: string; value: number; step: number } | null;
  lastStep: number | null;
  mtimeMs: number;
  params: Record<string, number | string>;
  spark: { steps: number[]; values: Array<number | null> } | null;
}

export interface RunsTableStrings {
  status: string;
  run: string;
  worst: string;
  best: string;
  lastStep: string;
  curve: string;
  insights: string;
  noInsights: string;
  empty: string;
}

export type ToRunsTableMessage = {
  type: 'runs/snapshot';
  rows: RunsTableRow[];
  /** The parameters shown as columns (those that differ between runs). */
  params: string[];
  insights: string[];
  strings: RunsTableStrings;
};

export type FromRunsTableMessage = { type: 'runs/ready' } | { type: 'runs/open'; path: string };
