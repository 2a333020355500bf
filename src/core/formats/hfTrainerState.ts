import { createRun, type Run } from '../model';
import type { LogParser, ParserOptions } from './types';

// PLACEHOLDER: being written; reads nothing yet.
export class TrainerStateParser implements LogParser {
  readonly format = 'hf-trainer-state' as const;
  readonly runs: Run[];
  constructor(opts: ParserOptions) {
    this.runs = [createRun(opts.source, this.format, opts.name)];
  }
  push(_chunk: Uint8Array): void {}
  end(): void {}
}
