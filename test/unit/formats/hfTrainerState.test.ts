import * as fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TrainerStateParser } from '../../../src/core/formats/hfTrainerState';
import type { Run } from '../../../src/core/model';
import { counts, parseBytes, parseFile, parseText, real, steps, values } from '../../helpers';

const run1 = (text: string, chunk = 7): Run => parseText('hf-trainer-state', text, chunk)[0];
const lines = (r: Run, name: string): number[] => Array.from(r.series.get(name)?.lines?.view() ?? []);
const malformed = (r: Run) => r.events.filter(e => e.type === 'malformed');
const truncated = (r: Run) => r.events.filter(e => e.type === 'truncated');
const notes = (r: Run) => r.events.filter(e => e.type === 'note');
const total = (r: Run) => [...r.series.values()].reduce((n, s) => n + s.length, 0);

/** What `json.dumps(state, indent=2, sort_keys=True)` writes (Python: bare NaN/Infinity). */
const STATE = `{
  "best_metric": null,
  "best_model_checkpoint": "out/checkpoint-20",
  "epoch": 2.0,
  "global_step": 40,
  "log_history": [
    {
      "epoch": 0.5,
      "grad_norm": NaN,
      "learning_rate": 1e-05,
      "loss": 2.5,
      "step": 10
    },
    {
      "epoch": 1.0,
      "grad_norm": Infinity,
      "learning_rate": 2e-05,
      "loss": 2.0,
      "remaining_time": "59h:30m:19s",
      "step": 20
    },
    {
      "epoch": 1.0,
      "eval_g0_loss": 1.9,
      "eval_runtime": 3.5,
      "step": 20
    },
    {
      "epoch": 1.0,
      "eval_g1_loss": -Infinity,
      "step": 20
    },
    {
      "epoch": 1.0,
      "predict_loss": 1.8
    },
    {
      "epoch": 2.0,
      "loss": 1.5,
      "nested": {"a": 1, "b": {"c": 2}},
      "flag": true,
      "step": 40
    },
    {
      "epoch": 2.0,
      "total_flos": 1.2e+17,
      "train_loss": 2.0,
      "step": 40
    }
  ],
  "logging_steps": 10,
  "max_steps": 40,
  "num_train_epochs": 2,
  "stateful_callbacks": {"TrainerControl": {"args": {"should_save": true}}},
  "trial_params": null
}
`;

describe('trainer_state.json: inline (fed 7 bytes at a time)', () => {
  it('reads log_history: numeric keys at their step, epoch kept as a series', () => {
    const r = run1(STATE);
    expect(counts(r)).toEqual({
      epoch: 3, // (10, 0.5), (20, 1.0), (40, 2.0): the repeats at the same step are duplicates
      grad_norm: 2,
      learning_rate: 2,
      loss: 3,
      eval_g0_loss: 1,
      eval_runtime: 1,
      eval_g1_loss: 1,
      predict_loss: 1,
      'nested/a': 1,
      'nested/b/c': 1,
      total_flos: 1,
      train_loss: 1,
    });
    expect(steps(r, 'loss')).toEqual([10, 20, 40]);
    expect(steps(r, 'epoch')).toEqual([10, 20, 40]);
    expect(r.series.get('epoch')!.role).toBe('other');
    expect(values(r, 'grad_norm')).toEqual([NaN, Infinity]);
    expect(values(r, 'eval_g1_loss')).toEqual([-Infinity]);
    expect(malformed(r)).toEqual([]);
  });

  it('entries without step use the last step seen, with a note', () => {
    const r = run1(STATE);
    expect(steps(r, 'predict_loss')).toEqual([20]);
    expect(notes(r).map(n => n.type === 'note' && n.message)).toContainEqual(expect.stringContaining("1 log_history entry has no 'step'"));
  });

  it('eval entries sharing a step with other eval entries are all kept (different keys)', () => {
    const r = run1(STATE);
    expect(steps(r, 'eval_g0_loss')).toEqual([20]);
    expect(steps(r, 'eval_g1_loss')).toEqual([20]);
  });

  it('stores top-level facts in meta as written', () => {
    const r = run1(STATE);
    expect(r.meta).toEqual({
      best_model_checkpoint: 'out/checkpoint-20',
      epoch: '2.0',
      global_step: '40',
      logging_steps: '10',
      max_steps: '40',
      num_train_epochs: '2',
    });
  });

  it('points carry the line of their key', () => {
    const r = run1(STATE);
    expect(lines(r, 'loss')).toEqual([11, 18, 39]);
    expect(lines(r, 'predict_loss')).toEqual([35]);
  });

  it('drops exact duplicates of (key, step, value), e.g. a checkpoint history pasted twice', () => {
    const entries = '{"loss": 1.0, "step": 10}, {"loss": 0.5, "step": 20}';
    const r = run1(`{"log_history": [${entries}, ${entries}, {"loss": 0.7, "step": 20}, {"loss": 0.4, "step": 30}]}`);
    expect(steps(r, 'loss')).toEqual([10, 20, 20, 30]);
    expect(values(r, 'loss')).toEqual([1.0, 0.5, 0.7, 0.4]);
    expect(notes(r).map(n => n.type === 'note' && n.message)).toContainEqual(expect.stringContaining('2 duplicate point(s)'));
  });

  it('a bare log_history list (top-level array) is read too', () => {
    const r = run1('[{"loss": 1, "step": 1}, {"loss": 2, "step": 2}]');
    expect(steps(r, 'loss')).toEqual([1, 2]);
  });

  it('gives the same result for every chunk size', () => {
    const ref = JSON.stringify(parseText('hf-trainer-state', STATE, 1 << 20)[0], replacer);
    for (const c of [1, 2, 3, 64]) expect(JSON.stringify(parseText('hf-trainer-state', STATE, c)[0], replacer)).toBe(ref);
  });
});

describe('trainer_state.json: bad input never throws', () => {
  afterEach(() => {
    TrainerStateParser.MAX_BYTES = 512_000_000;
  });

  it('a truncated file keeps every complete entry and reports the truncation', () => {
    const cut = STATE.slice(0, STATE.indexOf('"eval_g1_loss"'));
    const r = run1(cut);
    expect(steps(r, 'loss')).toEqual([10, 20]);
    expect(steps(r, 'eval_g0_loss')).toEqual([20]);
    expect(truncated(r)).toHaveLength(1);
    expect(malformed(r)).toEqual([]);
  });

  it('invalid JSON in the middle is reported with its line; entries before it are kept', () => {
    const bad = STATE.replace('"eval_runtime": 3.5,', '"eval_runtime": 3.5 oops,');
    const r = run1(bad);
    expect(steps(r, 'loss')).toEqual([10, 20]);
    expect(malformed(r)).toHaveLength(1);
    expect(malformed(r)[0]).toMatchObject({ line: 25 });
  });

  it('a file over the size cap is cut with a truncated event (the start is still read)', () => {
    TrainerStateParser.MAX_BYTES = 300;
    const r = run1(STATE, 64);
    expect(truncated(r).length).toBeGreaterThanOrEqual(1);
    expect(truncated(r)[0]).toMatchObject({ message: expect.stringContaining('larger than 300 bytes') });
    expect(steps(r, 'loss')).toEqual([10]);
  });

  it.each<[string, Uint8Array]>([
    ['empty input', new Uint8Array(0)],
    ['not JSON', new TextEncoder().encode('hello world')],
    ['a lone brace', new TextEncoder().encode('{')],
    ['log_history is not a list', new TextEncoder().encode('{"log_history": 5, "max_steps": 3}')],
    ['entries are not objects', new TextEncoder().encode('{"log_history": [1, "a", null, {"loss": 1, "step": 1}]}')],
    ['invalid UTF-8', Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['binary garbage', Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)],
    ['unterminated string', new TextEncoder().encode('{"log_history": [{"loss": "abc')],
  ])('%s', (_n, bytes) => {
    for (const chunk of [1, 3, 4096]) expect(() => parseBytes('hf-trainer-state', bytes, 'mem', chunk)).not.toThrow();
  });

  it('non-object entries are reported, object entries still read', () => {
    const r = parseBytes('hf-trainer-state', new TextEncoder().encode('{"log_history": [1, {"loss": 1, "step": 1}]}'))[0];
    expect(malformed(r)).toHaveLength(1);
    expect(steps(r, 'loss')).toEqual([1]);
  });
});

/*
 * Expected counts worked out with Python's json module (json.load accepts NaN/Infinity),
 * independently of this parser: every int/float (not bool) key of a log_history entry except
 * 'step' is a point at the entry's step (the last step seen when it has none, 0 before any);
 * (key, step, repr(value)) duplicates are dropped:
 *
 * python3 -c "import json,sys,collections as C;c=C.Counter();S=set();L=[0];num=lambda v:isinstance(v,(int,float)) and not isinstance(v,bool);[(L.__setitem__(0,e.get('step',L[0])),[(S.add((k,L[0],repr(v))),c.update([k])) for k,v in e.items() if k!='step' and num(v) and (k,L[0],repr(v)) not in S]) for e in json.load(open(sys.argv[1]))['log_history']];print(dict(c),sum(c.values()))" FILE
 */
describe('trainer_state.json: real corpus', () => {
  const corpus: [string, number, number, Record<string, number>][] = [
    // [file, series, total points, some series with their exact point counts]
    ['hf_trainer_state/chatglm2_checkpoint-1000_trainer_state.json', 3, 300, { loss: 100, epoch: 100, learning_rate: 100 }], // py: FILE=hf_trainer_state/chatglm2_checkpoint-1000_trainer_state.json
    ['hf_trainer_state/chatglm2_final_trainer_state.json', 8, 905, { loss: 300, epoch: 300, learning_rate: 300, total_flos: 1 }], // py: FILE=hf_trainer_state/chatglm2_final_trainer_state.json
    ['hf_trainer_state/hangeryang_star_trainer_state.json', 18, 36000, { loss: 2000, epoch: 2000, grad_norm: 2000, 'train/ploss_6': 2000 }], // py: FILE=hf_trainer_state/hangeryang_star_trainer_state.json
    ['hf_trainer_state/jaong_cpt_trainer_state.json', 25, 215, { loss: 10, epoch: 20, eval_loss: 10, grad_norm: 10, learning_rate: 10, predict_loss: 10, total_flos: 1 }], // py: FILE=hf_trainer_state/jaong_cpt_trainer_state.json
    ['hf_trainer_state/trainer_state_viz_multi_eval.json', 34, 1051, { loss: 30, epoch: 31, grad_norm: 30, learning_rate: 30, eval_g5_loss: 31 }], // py: FILE=hf_trainer_state/trainer_state_viz_multi_eval.json
    ['hf_trainer_state/trl_grpo_trainer_state.json', 19, 19, { loss: 1, epoch: 1, grad_norm: 1, learning_rate: 1, 'rewards/reward_function_wrapper/mean': 1 }], // py: FILE=hf_trainer_state/trl_grpo_trainer_state.json
    ['hf_trainer_state/viettel_logging_steps1_trainer_state.json', 4, 4112, { loss: 1028, epoch: 1028, grad_norm: 1028, learning_rate: 1028 }], // py: FILE=hf_trainer_state/viettel_logging_steps1_trainer_state.json
    ['hf_trainer_state/whisper_ja_trainer_state.json', 13, 630, { loss: 200, epoch: 200, eval_loss: 5, learning_rate: 200, total_flos: 1 }], // py: FILE=hf_trainer_state/whisper_ja_trainer_state.json
  ];
  it.each(corpus)('%s', (file, nSeries, nPoints, some) => {
    const r = parseFile('hf-trainer-state', real(file))[0];
    const c = counts(r);
    for (const [k, n] of Object.entries(some)) expect(c[k], k).toBe(n);
    expect(r.series.size).toBe(nSeries);
    expect(total(r)).toBe(nPoints);
    expect(malformed(r)).toEqual([]);
    expect(truncated(r)).toEqual([]);
    expect(counts(parseFile('hf-trainer-state', real(file), 997)[0])).toEqual(c);
  });

  // python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print({k:d.get(k) for k in ['max_steps','logging_steps','global_step','num_train_epochs','best_metric','best_model_checkpoint']})" FILE
  it.each<[string, Record<string, string>]>([
    ['hf_trainer_state/hangeryang_star_trainer_state.json', { max_steps: '252780', logging_steps: '20', global_step: '40000', num_train_epochs: '20' }],
    ['hf_trainer_state/whisper_ja_trainer_state.json', { max_steps: '5000', global_step: '5000', num_train_epochs: '39', best_metric: '0.7431560204762965', best_model_checkpoint: '/storage/elsayedissa/whisper-large-v2-japanese-24h/checkpoint-3000' }],
  ])('meta of %s', (file, meta) => {
    const r = parseFile('hf-trainer-state', real(file))[0];
    expect(r.meta).toMatchObject(meta);
    if (!('best_metric' in meta)) expect(r.meta.best_metric).toBeUndefined(); // null: not stored
  });

  it('string values ("remaining_time": "59h:30m:19s") are skipped', () => {
    const r = parseFile('hf-trainer-state', real('hf_trainer_state/hangeryang_star_trainer_state.json'))[0];
    expect(r.series.has('remaining_time')).toBe(false);
    expect(steps(r, 'loss').slice(0, 2)).toEqual([20, 40]);
  });

  it('checkpoint copies: checkpoint-1000 is a strict prefix of the final file', () => {
    // python3: json.load(ckpt)['log_history'] == json.load(final)['log_history'][:100] -> True
    const a = parseFile('hf-trainer-state', real('hf_trainer_state/chatglm2_checkpoint-1000_trainer_state.json'))[0];
    const b = parseFile('hf-trainer-state', real('hf_trainer_state/chatglm2_final_trainer_state.json'))[0];
    for (const [k, s] of a.series) {
      const n = s.length;
      expect(steps(b, k).slice(0, n), k).toEqual(steps(a, k));
      expect(values(b, k).slice(0, n), k).toEqual(values(a, k));
    }
    // Reading the prefix again after the final history drops every point as a duplicate.
    const text = readPair();
    const r = run1(text, 65536);
    expect(total(r)).toBe(905);
    expect(notes(r).map(n => n.type === 'note' && n.message)).toContainEqual(expect.stringContaining('301 duplicate point(s)')); // 300 + the final file's own (epoch of the summary entry)
  });

  it('multi-eval: six eval datasets logged as separate entries sharing a step', () => {
    const r = parseFile('hf-trainer-state', real('hf_trainer_state/trainer_state_viz_multi_eval.json'))[0];
    const s0 = steps(r, 'eval_g0_loss');
    expect(steps(r, 'eval_g5_loss')).toEqual(s0);
    expect(s0[0]).toBe(0);
  });
});

/** The final chatglm2 history followed by the checkpoint-1000 history, as one trainer_state. */
function readPair(): string {
  const hist = (f: string) => {
    const t = fs.readFileSync(real(f), 'utf8');
    const a = t.indexOf('[', t.indexOf('"log_history"'));
    let depth = 0;
    for (let i = a; i < t.length; i++) {
      const c = t[i];
      if (c === '[') depth++;
      else if (c === ']' && --depth === 0) return t.slice(a + 1, i);
    }
    return '';
  };
  return `{"log_history": [${hist('hf_trainer_state/chatglm2_final_trainer_state.json')}, ${hist('hf_trainer_state/chatglm2_checkpoint-1000_trainer_state.json')}]}`;
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()];
  if (v && typeof v === 'object' && 'steps' in v && 'values' in v) {
    const s = v as {
      name: string;
      steps: { view(): Float64Array };
      values: { view(): Float64Array };
      lines?: { view(): Uint32Array };
    };
    return [s.name, Array.from(s.steps.view()), Array.from(s.values.view()).map(String), Array.from(s.lines?.view() ?? [])];
  }
  return v;
}
