import type { FormatId, Run } from '../model';

/**
 * A streaming parser: feed it bytes with `push` as they arrive (a growing file, a child
 * process's stdout), then call `end` once. Runs and series grow as points are read, so a
 * consumer can look at `runs` at any time (live view) without waiting for `end`.
 *
 * Contract for every parser:
 * - never throws on any input (garbage, truncated, invalid UTF-8, huge lines): problems become
 *   `malformed` / `truncated` events on the run, each reported once with a line or byte offset;
 * - keeps every value read, NaN and +-Inf included;
 * - work per pushed byte is bounded (no re-scan of what was already read).
 */
export interface LogParser {
  readonly format: FormatId;
  push(chunk: Uint8Array): void;
  end(): void;
  /** Runs read so far; most formats yield exactly one. */
  readonly runs: Run[];
}

export interface ParserOptions {
  /** Path of the file (or directory) being read; used as the run's source. */
  source: string;
  /** Display name of the run; defaults to the file name. */
  name?: string;
}
