import { describe, expect, it } from 'vitest';
import { callsIn, defName } from '../../../src/core/pyscript/query';
import { readPython } from '../../../src/core/pyscript/reader';
import { applyScriptEdits, looksLikeTrainingScript } from '../../../src/core/pyscript';

const values = (src: string) => readPython(src).tokens.map(t => t.value);

describe('readPython(text): tokens', () => {
  it('keeps comments out of the tokens and strings whole (quotes inside comments do not open strings)', () => {
    const m = readPython("x = 'a # b'  # it's a comment\ny = 2\n");
    expect(m.tokens.map(t => t.value)).toEqual(['x', '=', "'a # b'", 'y', '=', '2']);
    expect(m.comments.map(c => [c.line, c.text])).toEqual([[1, "# it's a comment"]]);
  });

  it('reads triple-quoted strings across lines, with prefixes', () => {
    const m = readPython('s = rb"""one\n"two"\nthree"""\nt = 1\n');
    expect(m.tokens[2].value).toBe('rb"""one\n"two"\nthree"""');
    expect([m.tokens[2].line, m.tokens[2].endLine]).toEqual([1, 3]);
    expect(m.tokens[3]).toMatchObject({ value: 't', line: 4, col: 0 });
  });

  it('reads f-strings with nested quotes, braces and format specs as one token', () => {
    expect(values(`a = f"{d['k']:>{w}} {x!r} {{literal}} {'}'}"\nb = 1\n`)).toEqual([
      'a',
      '=',
      `f"{d['k']:>{w}} {x!r} {{literal}} {'}'}"`,
      'b',
      '=',
      '1',
    ]);
    expect(values("c = f'{v:'>10}'\nd = 2\n")).toEqual(['c', '=', "f'{v:'>10}'", 'd', '=', '2']);
  });

  it('ends an unterminated string at the end of its line instead of swallowing the file', () => {
    expect(values("a = 'oops\nb = 2\n")).toEqual(['a', '=', "'oops", 'b', '=', '2']);
  });

  it('reads numbers in every form and multi-character operators', () => {
    expect(values('x = 1e-3 + .5 + 0x1F + 1_000 + 3j\ny **= 2 // 3\nif (z := w): pass\ndef f() -> v: pass\n')).toEqual(
      ['x', '=', '1e-3', '+', '.5', '+', '0x1F', '+', '1_000', '+', '3j', 'y', '**=', '2', '//', '3'].concat(
        ['if', '(', 'z', ':=', 'w', ')', ':', 'pass', 'def', 'f', '(', ')', '->', 'v', ':', 'pass'],
      ),
    );
  });

  it('gives 1-based lines and 0-based UTF-16 columns', () => {
    const m = readPython('# 注释\nλ1 = "损失"; loss = 1\n');
    expect(m.tokens.map(t => [t.value, t.line, t.col])).toEqual([
      ['λ1', 2, 0],
      ['=', 2, 3],
      ['"损失"', 2, 5],
      [';', 2, 9],
      ['loss', 2, 11],
      ['=', 2, 16],
      ['1', 2, 18],
    ]);
  });
});

describe('readPython(text): logical lines and blocks', () => {
  it('joins lines inside brackets and after a backslash into one logical line', () => {
    const m = readPython('model = nn.Sequential(\n    nn.Linear(1, 2),\n    nn.ReLU(),\n)\nx = 1 + \\\n    2\ny = 3\n');
    expect(m.logical.map(l => [l.line, l.endLine])).toEqual([
      [1, 4],
      [5, 6],
      [7, 7],
    ]);
  });

  it('builds the indentation tree of loops, functions and with-blocks, with one-line bodies and decorators', () => {
    const src = `@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    for x, y in loader:
        with torch.autocast("cuda"):
            out = model(x)
        if out is None: continue
    return out

class Net(nn.Module):
    def forward(self, x):
        return x
`;
    const m = readPython(src);
    expect(m.body.map(s => [s.keyword, s.ll.line])).toEqual([
      ['def', 2],
      ['class', 10],
    ]);
    const fn = m.body[0];
    expect(defName(fn)).toBe('evaluate');
    expect(fn.decorators.map(d => d.line)).toEqual([1]);
    expect(fn.children.map(s => [s.keyword ?? 'stmt', s.ll.line])).toEqual([
      ['stmt', 3],
      ['for', 4],
      ['stmt', 8],
    ]);
    const loop = fn.children[1];
    expect(loop.children.map(s => [s.keyword ?? 'stmt', s.ll.line])).toEqual([
      ['with', 5],
      ['if', 7],
    ]);
    expect(loop.children[0].children.map(s => s.ll.line)).toEqual([6]);
    // A one-line body is the clause's child, like an indented one.
    expect(loop.children[1].children.map(s => [s.ll.line, s.ll.tokens.map(x => x.value).join(' ')])).toEqual([[7, 'continue']]);
    expect(m.indentUnit).toBe('    ');
  });

  it('splits compound statements into clauses and `a; b` lines into statements', () => {
    const m = readPython('if a:\n    x = 1\nelif b: x = 2\nelse:\n    x = 3; y = 4\ntry:\n    pass\nexcept E as e:\n    raise\n');
    expect(m.body.map(s => [s.keyword, s.ll.line, s.children.length])).toEqual([
      ['if', 1, 1],
      ['elif', 3, 1],
      ['else', 4, 2],
      ['try', 6, 1],
      ['except', 8, 1],
    ]);
    expect(m.body[2].children.map(s => s.ll.tokens.map(x => x.value).join(' '))).toEqual(['x = 3', 'y = 4']);
  });

  it('recovers from syntax errors: the statements after a broken line are still read', () => {
    const m = readPython('def f(:\n    x = (1,\ny = 2\nclass C:\n    z = 3\n');
    expect(m.all.some(s => s.keyword === 'class' && defName(s) === 'C')).toBe(true);
    expect(m.tokens.map(t => t.value)).toContain('z');
  });

  it('finds calls with their dotted callee, receiver and arguments', () => {
    const m = readPython('scaler.scale(loss).backward()\nopt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=wd)\n');
    const [a, b] = m.all.map(s => callsIn(s));
    expect(a.map(c => [c.name, c.callee, c.receiver])).toEqual([
      ['scale', 'scaler.scale', 'scaler'],
      ['backward', 'scaler.scale(loss).backward', 'scaler.scale(loss)'],
    ]);
    const adamw = b.find(c => c.name === 'AdamW');
    expect(adamw?.callee).toBe('torch.optim.AdamW');
    expect(adamw?.args.map(x => x.keyword ?? 'positional')).toEqual(['positional', 'lr', 'weight_decay']);
  });
});

describe('pyscript helpers', () => {
  it('looksLikeTrainingScript(text) wants torch and a backward() or an optimizer', () => {
    expect(looksLikeTrainingScript('import torch\nloss.backward()\n')).toBe(true);
    expect(looksLikeTrainingScript('from torch import nn\nopt = optim.SGD(p, lr=1)\n')).toBe(true);
    expect(looksLikeTrainingScript('import torch\nprint(torch.__version__)\n')).toBe(false);
    expect(looksLikeTrainingScript('import numpy\nloss.backward()\n')).toBe(false);
  });

  it('applyScriptEdits(text, edits) applies insertions, replacements and deletions at once', () => {
    const text = 'a = 1\r\nb = 2\r\nc = 3';
    expect(
      applyScriptEdits(text, [
        { line: 1, column: 4, endLine: 1, endColumn: 5, newText: '10' },
        { line: 2, column: 0, endLine: 3, endColumn: 0, newText: '' },
        { line: 3, column: 5, endLine: 3, endColumn: 5, newText: '  # end' },
      ]),
    ).toBe('a = 10\r\nc = 3  # end');
  });
});
