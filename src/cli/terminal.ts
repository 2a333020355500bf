/**
 * Text taken from a log (series names, TensorBoard tags, file names, messages that quote them)
 * made safe for a terminal: control characters (C0, DEL, C1: ESC, BEL, CSI, OSC...) and the
 * bidirectional overrides are printed visibly escaped (`\x1b`, `\u202e`) instead of acting on
 * the terminal (clearing it, setting its title, making links, reordering text).
 */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\n|\t/g;

export function termSafe(s: string): string {
  return s.replace(UNSAFE, ch => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    const c = ch.charCodeAt(0);
    return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  });
}

/** Multi-line text (a finding's message): each line made safe, the line breaks kept. */
export function termSafeLines(s: string): string {
  return s.split('\n').map(termSafe).join('\n');
}

/**
 * Exit quietly, with the code the command would have had, when the reader of stdout (or stderr)
 * goes away (`loss-lens analyze DIR | head -1`): what is still written is dropped.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}
