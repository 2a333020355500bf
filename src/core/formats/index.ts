import type { FormatId } from '../model';
import { CsvParser } from './csv';
import { TrainerStateParser } from './hfTrainerState';
import { JsonHistoryParser } from './jsonHistory';
import { JsonLinesParser } from './jsonl';
import { TextParser } from './text';
import { TfEventsParser } from './tfevents';
import type { LogParser, ParserOptions } from './types';
import { WandbParser } from './wandb';

export type { LogParser, ParserOptions } from './types';

/** Formats read from a single byte stream (MLflow is a directory layout, read by load.ts). */
export type StreamFormat = Exclude<FormatId, 'mlflow'>;

export function createParser(format: StreamFormat, opts: ParserOptions): LogParser {
  switch (format) {
    case 'text':
      return new TextParser(opts);
    case 'csv':
      return new CsvParser(opts);
    case 'jsonl':
      return new JsonLinesParser(opts);
    case 'hf-trainer-state':
      return new TrainerStateParser(opts);
    case 'json-history':
      return new JsonHistoryParser(opts);
    case 'tfevents':
      return new TfEventsParser(opts);
    case 'wandb':
      return new WandbParser(opts);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
