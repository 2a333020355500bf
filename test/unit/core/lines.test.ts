import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/core/formats/lines';

function split(input: Uint8Array | string, chunk: number, opts = {}): Array<[string, number, boolean]> {
  const out: Array<[string, number, boolean]> = [];
  const s = new LineSplitter((t, n, tr) => out.push([t, n, tr]), opts);
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it.each([1, 2, 3, 5, 64])('splits LF, CRLF and a last line without newline (chunk %i)', chunk => {
    expect(split('a\nbb\r\nccc', chunk)).toEqual([
      ['a', 1, false],
      ['bb', 2, false],
      ['ccc', 3, false],
    ]);
  });
  it('treats a bare CR as a redraw: each segment is delivered, numbered by its LF line', () => {
    expect(split('1/3 loss: 3\r2/3 loss: 2\r3/3 loss: 1\nnext\n', 4)).toEqual([
      ['1/3 loss: 3', 1, false],
      ['2/3 loss: 2', 1, false],
      ['3/3 loss: 1', 1, false],
      ['next', 2, false],
    ]);
  });
  it('keeps a multi-byte character split across chunks intact', () => {
    expect(split('损失 = 0.5\n', 1)).toEqual([['损失 = 0.5', 1, false]]);
  });
  it('turns invalid UTF-8 into U+FFFD instead of throwing', () => {
    const bytes = new Uint8Array([0x61, 0xff, 0xfe, 0x0a, 0x62]);
    expect(split(bytes, 1)).toEqual([
      ['a\uFFFD\uFFFD', 1, false],
      ['b', 2, false],
    ]);
  });
  it('cuts an over-long line once, drops the rest of it, and goes on', () => {
    const long = 'x'.repeat(1000);
    const out = split(`${long}\nok\n`, 7, { maxLineLength: 100 });
    expect(out).toEqual([
      ['x'.repeat(100), 1, true],
      ['ok', 2, false],
    ]);
  });
  it('bounds memory on an endless line with no newline at all', () => {
    const out = split('y'.repeat(50_000), 1000, { maxLineLength: 64 });
    expect(out).toEqual([['y'.repeat(64), 1, true]]);
  });
});
