// The runner's parts, one at a time (fast; node child processes only).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, seriesOf } from '../../src/core/model';
import type { Finding } from '../../src/core/diagnose/types';
import {
  BoundedOutputLog,
  createRunFolder,
  defaultRunName,
  expandVariables,
  formatCommandLine,
  listRuns,
  LiveDiagnosis,
  LiveLineParser,
  parseStopKinds,
  redactEnv,
  splitCommandLine,
  StopPolicy,
  ThrottledLineSink,
  TrainingRun,
  writeRunRecord,
  type RunRecord,
} from '../../src/runner';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-units-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('splitCommandLine(line) splits like a POSIX shell, without expanding anything', () => {
  const table: Array<[string, string[]]> = [
    ['python train.py --lr 0.1', ['python', 'train.py', '--lr', '0.1']],
    ['  python   "my script.py"  ', ['python', 'my script.py']],
    [`python -c 'print("a b")'`, ['python', '-c', 'print("a b")']],
    ['a\\ b "c\\"d" \'\'', ['a b', 'c"d', '']],
    ['echo $HOME', ['echo', '$HOME']],
  ];
  for (const [input, expected] of table) it(JSON.stringify(input), () => expect(splitCommandLine(input)).toEqual(expected));
  it('formatCommandLine quotes what needs quoting and round-trips', () => {
    const argv = ['python3', 'my script.py', "it's", '--x=1'];
    const line = formatCommandLine(argv[0], argv.slice(1));
    expect(line).toBe(`python3 'my script.py' 'it'\\''s' --x=1`);
    expect(splitCommandLine(line)).toEqual(argv);
  });
  it('expandVariables replaces known ${...} and leaves unknown ones', () => {
    expect(expandVariables('${python} ${file} ${nope}', { python: '/usr/bin/python3', file: 'a.py' })).toBe('/usr/bin/python3 a.py ${nope}');
  });
  it('defaultRunName names a run after its script', () => {
    expect(defaultRunName('/usr/bin/python3', ['-u', 'examples/train.py', '--lr', '1'])).toBe('train');
    expect(defaultRunName('python', ['-m', 'trainer.main'])).toBe('trainer.main');
    expect(defaultRunName('/opt/bin/my-train', [])).toBe('my-train');
  });
});

describe('parseStopKinds', () => {
  it('reads kinds, aliases and none', () => {
    expect(parseStopKinds('non-finite, divergence,nan')).toEqual({ kinds: ['non-finite', 'divergence'], unknown: [] });
    expect(parseStopKinds('none')).toEqual({ kinds: [], unknown: [] });
    expect(parseStopKinds('nan,bogus').unknown).toEqual(['bogus']);
  });
});

describe('StopPolicy', () => {
  const f = (kind: Finding['kind'], severity: Finding['severity'], series = 'loss'): Finding => ({
    kind,
    severity,
    series,
    step: 1,
    title: '',
    message: '',
    evidence: {},
    fixes: [],
    confidence: 1,
  });
  it('stops on the chosen kinds, never on info findings', () => {
    const p = new StopPolicy(['non-finite', 'divergence']);
    expect(p.shouldStop(f('non-finite', 'error'))).toBe(true);
    expect(p.shouldStop(f('divergence', 'error'))).toBe(true);
    expect(p.shouldStop(f('loss-spike', 'warning'))).toBe(false);
    expect(p.shouldStop(f('non-finite', 'info'))).toBe(false);
  });
  it('a non-finite gradient norm only stops once it persists (mixed-precision skips recover)', () => {
    const run = createRun('x', 'text');
    const g = seriesOf(run, 'grad_norm');
    g.push(1, 1);
    g.push(2, Infinity);
    const p = new StopPolicy(['non-finite']);
    expect(p.shouldStop(f('non-finite', 'error', 'grad_norm'), run)).toBe(false);
    g.push(3, NaN);
    expect(p.shouldStop(f('non-finite', 'error', 'grad_norm'), run)).toBe(true);
  });
  it('early-stop: patience counted in validation evaluations', () => {
    const run = createRun('x', 'text');
    const v = seriesOf(run, 'val_loss');
    const p = new StopPolicy(['early-stop'], 3);
    for (const [s, x] of [[1, 1.0], [2, 0.8], [3, 0.7], [4, 0.71], [5, 0.72]]) v.push(s, x);
    expect(p.checkPatience(run)).toBeUndefined();
    v.push(6, 0.75);
    const found = p.checkPatience(run)!;
    expect(found.kind).toBe('early-stop');
    expect(found.step).toBe(3);
    expect(found.endStep).toBe(6);
    expect(p.shouldStop(found)).toBe(true);
    expect(new StopPolicy(['non-finite']).checkPatience(run)).toBeUndefined();
  });
});

describe('BoundedOutputLog', () => {
  it('keeps everything when it fits', () => {
    const file = path.join(tmp, 'small.log');
    const log = new BoundedOutputLog(file, 1 << 20);
    for (let i = 1; i <= 100; i++) log.writeLine(`line ${i}`);
    const st = log.close();
    expect(st).toMatchObject({ lines: 100, droppedLines: 0 });
    expect(fs.readFileSync(file, 'utf8').split('\n').length).toBe(101);
  });
  it('keeps the first and last part, and marks exactly what was dropped', () => {
    const file = path.join(tmp, 'big.log');
    const log = new BoundedOutputLog(file, 64 * 1024);
    const n = 20_000;
    for (let i = 1; i <= n; i++) log.writeLine(`line ${String(i).padStart(6, '0')}`);
    const st = log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text.length).toBeLessThanOrEqual(64 * 1024 + 300);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('line 000001');
    expect(lines[lines.length - 1]).toBe(`line ${String(n).padStart(6, '0')}`);
    const mark = lines.findIndex(l => l.startsWith('[loss-lens]'));
    expect(lines[mark]).toContain(`${st.droppedLines.toLocaleString('en-US')} lines`);
    expect(lines[mark]).toContain(`from line ${st.firstDroppedLine}`);
    // The line after the marker is exactly the first line kept after the gap.
    expect(lines[mark - 1]).toBe(`line ${String(st.firstDroppedLine! - 1).padStart(6, '0')}`);
    expect(lines[mark + 1]).toBe(`line ${String(st.firstDroppedLine! + st.droppedLines).padStart(6, '0')}`);
    expect(lines.length - 1 + st.droppedLines).toBe(n);
    expect(fs.readdirSync(tmp).filter(f => f.includes('.tail'))).toEqual([]);
  });
});

describe('ThrottledLineSink', () => {
  it('batches lines and says how many it skipped when output comes too fast', () => {
    const out: string[] = [];
    const sink = new ThrottledLineSink(t => out.push(t), { maxBytesPerFlush: 100, intervalMs: 10_000 });
    for (let i = 0; i < 100; i++) sink.push(`line ${i}`);
    sink.flush();
    expect(out.length).toBe(1);
    const shown = out[0].split('\n');
    expect(shown[0]).toBe('line 0');
    expect(shown[shown.length - 1]).toMatch(/… \d+ lines .* not shown here/);
    expect(sink.totalSkippedLines).toBe(100 - (shown.length - 1));
    sink.dispose();
  });
});

describe('LiveLineParser', () => {
  it('detects CSV printed on stdout and parses it; text by default', () => {
    const csv = new LiveLineParser({ source: 'out', detectAfterLines: 3 });
    for (const l of ['step,loss,val_loss', '1,0.9,1.0', '2,0.8,0.95', '3,0.7,0.9']) csv.pushLine(l);
    csv.end();
    expect(csv.format).toBe('csv');
    expect(csv.run!.series.get('loss')!.length).toBe(3);
    const text = new LiveLineParser({ source: 'out' });
    text.pushLine('step 1: loss 0.5');
    text.end();
    expect(text.format).toBe('text');
    expect(text.run!.series.get('loss')!.length).toBe(1);
  });
});

describe('LiveDiagnosis', () => {
  it('announces event findings at once, trend findings at the end, each once', () => {
    const run = createRun('x', 'text');
    const announced: string[] = [];
    let current: readonly Finding[] = [];
    const fake = (kind: Finding['kind'], step: number): Finding => ({
      kind,
      severity: 'warning',
      series: 'loss',
      step,
      title: kind,
      message: '',
      evidence: {},
      fixes: [],
      confidence: 1,
    });
    let all: Finding[] = [];
    const d = new LiveDiagnosis({
      factory: () => ({ update: () => ({ added: all, all }) }),
      onFindings: a => announced.push(...a.map(f => f.kind)),
      onPass: (_r, _k, c) => (current = c),
    });
    d.track(run, 'k');
    seriesOf(run, 'loss').push(1, 1);
    all = [fake('plateau', 1)];
    d.notify(run);
    d.pass();
    expect(announced).toEqual([]);
    expect(current.map(f => f.kind)).toEqual(['plateau']);
    all = [fake('plateau', 1), fake('loss-spike', 2)];
    seriesOf(run, 'loss').push(2, 5);
    d.notify(run);
    d.pass();
    expect(announced).toEqual(['loss-spike']);
    d.pass(true);
    expect(announced).toEqual(['loss-spike', 'plateau']);
    d.pass(true);
    expect(announced.length).toBe(2);
    d.dispose();
  });
});

describe('run folders', () => {
  it('createRunFolder names folders by time and script, uniquely; listRuns reads them back newest first', () => {
    const root = path.join(tmp, 'runs');
    const t = new Date(2025, 0, 2, 15, 30, 45);
    const a = createRunFolder(root, 'train', t);
    const b = createRunFolder(root, 'train', t);
    expect(path.basename(a)).toBe('20250102-153045-train');
    expect(path.basename(b)).toBe('20250102-153045-train-2');
    const rec = (startedAt: string): RunRecord => ({
      version: 1,
      name: 'train',
      command: 'python3',
      args: [],
      cwd: tmp,
      env: {},
      status: 'exited',
      startedAt,
      stopOn: [],
      findings: [],
      logs: ['output.log'],
      notes: [],
    });
    writeRunRecord(a, rec('2025-01-02T15:30:45.000Z'));
    writeRunRecord(b, rec('2025-01-02T15:30:46.000Z'));
    fs.writeFileSync(path.join(a, 'output.log'), 'step 1: loss 1\n');
    const past = listRuns(root);
    expect(past.map(p => p.dir)).toEqual([b, a]);
    expect(past[1].logs).toEqual([path.join(a, 'output.log')]);
    expect(past[0].logs).toEqual([]);
  });
  it('redactEnv hides secret-looking values', () => {
    expect(redactEnv({ WANDB_API_KEY: 'x', CUDA_VISIBLE_DEVICES: '0', HF_TOKEN: 'y', GONE: undefined })).toEqual({
      WANDB_API_KEY: '<redacted>',
      CUDA_VISIBLE_DEVICES: '0',
      HF_TOKEN: '<redacted>',
    });
  });
});

describe('TrainingRun stop kinds beyond non-finite (node scripts)', () => {
  const printer = (lines: string[], everyMs = 5) => [
    '-e',
    `const ls=${JSON.stringify(lines)};let i=0;const t=setInterval(()=>{if(i<ls.length)console.log(ls[i++]);else{clearInterval(t);setTimeout(()=>{},3000)}},${everyMs});`,
  ];

  it('--stop-on early-stop stops when validation loss has not improved for `patience` evaluations', async () => {
    const lines: string[] = [];
    const val = [1.0, 0.8, 0.7, 0.65, 0.66, 0.67, 0.7, 0.72, 0.75, 0.8];
    val.forEach((v, i) => lines.push(`epoch ${i + 1}: train_loss ${(0.9 - i * 0.05).toFixed(3)} val_loss ${v}`));
    const run = new TrainingRun({
      command: process.execPath,
      args: printer(lines, 20),
      cwd: tmp,
      runsFolder: false,
      stopOn: ['early-stop'],
      earlyStopPatience: 3,
      grace: { interruptMs: 300, terminateMs: 300 },
    });
    const r = await run.start();
    expect(r.stoppedBy?.kind).toBe('early-stop');
    expect(r.stoppedBy?.finding?.step).toBe(4);
    expect(r.stoppedBy?.finding?.endStep).toBe(7);
  });

  it('--stop-on divergence stops a loss that keeps rising (and non-finite alone would not)', async () => {
    const lines: string[] = [];
    for (let s = 1; s <= 200; s++) {
      const loss = s <= 60 ? 2 * Math.exp(-s / 20) + 0.1 + 0.01 * Math.sin(s) : 0.2 * Math.exp((s - 60) / 10);
      lines.push(`step ${s}: loss ${loss.toFixed(5)}`);
    }
    const run = new TrainingRun({
      command: process.execPath,
      args: printer(lines, 3),
      cwd: tmp,
      runsFolder: false,
      stopOn: ['divergence'],
      grace: { interruptMs: 300, terminateMs: 300 },
    });
    const r = await run.start();
    expect(r.stoppedBy?.kind).toBe('divergence');
    const last = run.outputRun!.series.get('loss')!.lastStep();
    expect(last).toBeLessThan(200);
  });
});
