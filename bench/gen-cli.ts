import { generate, type BenchKind } from './generate';

const [kind, file, mb] = process.argv.slice(2);
const n = generate(kind as BenchKind, file, Number(mb) * 1e6);
process.stdout.write(String(n) + '\n');
