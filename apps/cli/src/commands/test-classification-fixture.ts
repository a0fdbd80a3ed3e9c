// The hand-worked fixture files of the interp classification tests, written once per test file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import { beforeAll } from 'vitest';
import { buildCli, type CliResult, runCli, tempDir } from '../test-cli.js';

// Fixture (hand-worked): 8 items, classes a b c d. Class d has no items (zero support) but is
// predicted once; class c has items but is never predicted; items 2, 5, 6, 7 tie in loss
// (p[target] = 0.25) and item 7 ties in its scores (argmax goes to the lower index, a).
//   item targ  probs                    argmax p[targ]
//   0    a     .7   .1   .1   .1       a      .7
//   1    a     .2   .5   .1   .2       b      .2
//   2    b     .5   .25  0    .25      a      .25
//   3    b     .1   .6   .2   .1       b      .6
//   4    c     .25  .5   0    .25      b      0 -> clamped to 1e-12
//   5    c     .5   .25  .25  0        a      .25
//   6    b     0    .25  .25  .5       d      .25
//   7    a     .25  .25  .25  .25      a      .25
export const probs = [
  [0.7, 0.1, 0.1, 0.1],
  [0.2, 0.5, 0.1, 0.2],
  [0.5, 0.25, 0, 0.25],
  [0.1, 0.6, 0.2, 0.1],
  [0.25, 0.5, 0, 0.25],
  [0.5, 0.25, 0.25, 0],
  [0, 0.25, 0.25, 0.5],
  [0.25, 0.25, 0.25, 0.25],
];
export const targs = [0, 0, 1, 1, 2, 2, 1, 0];
export const vocab = ['a', 'b', 'c', 'd'];

// Rows actual: a -> a a b, b -> a b d, c -> b a.
export const expectedMatrix = [
  [2, 1, 0, 0],
  [1, 1, 0, 1],
  [1, 1, 0, 0],
  [0, 0, 0, 0],
];
// predicted counts 4, 3, 0, 1; support 3, 3, 2, 0; tp 2, 1, 0, 0.
export const expectedReport = {
  classes: {
    a: { precision: 2 / 4, recall: 2 / 3, f1: (2 * 2) / (3 + 4), support: 3 },
    b: { precision: 1 / 3, recall: 1 / 3, f1: (2 * 1) / (3 + 3), support: 3 },
    c: { precision: 0, recall: 0, f1: 0, support: 2 },
    d: { precision: 0, recall: 0, f1: 0, support: 0 },
  },
  accuracy: 3 / 8,
  macroAvg: {
    precision: (0.5 + 1 / 3 + 0 + 0) / 4,
    recall: (2 / 3 + 1 / 3 + 0 + 0) / 4,
    f1: (4 / 7 + 1 / 3 + 0 + 0) / 4,
    support: 8,
  },
  weightedAvg: {
    precision: (0.5 * 3 + (1 / 3) * 3 + 0 * 2 + 0 * 0) / 8,
    recall: ((2 / 3) * 3 + (1 / 3) * 3 + 0 * 2 + 0 * 0) / 8,
    f1: ((4 / 7) * 3 + (1 / 3) * 3 + 0 * 2 + 0 * 0) / 8,
    support: 8,
  },
};
export const lossQuarter = -Math.log(0.25);

/** Builds the CLI and writes the fixture files into a fresh directory before the tests run. */
export function classificationFixture(): {
  dir: () => string;
  cli: (...args: string[]) => CliResult;
  write: (name: string, content: string | Uint8Array) => void;
} {
  let dir = '';
  const cli = (...args: string[]): CliResult => runCli(['classification', ...args], { cwd: dir });
  const write = (name: string, content: string | Uint8Array) =>
    writeFileSync(join(dir, name), content);
  beforeAll(() => {
    buildCli();
    dir = tempDir();
    write('probs.npy', encodeNpy(Float64Array.from(probs.flat()), [8, 4]));
    write('probs32.npy', encodeNpy(Float32Array.from(probs.flat()), [8, 4]));
    write('targs.npy', encodeNpy(BigInt64Array.from(targs, BigInt), [8]));
    write('targs32.npy', encodeNpy(Int32Array.from(targs), [8]));
    write('targs.txt', `${targs.join('\n')}\n`);
    write('targs.csv', `${targs.join('\r\n')}\r\n`);
    write('probs.json', JSON.stringify(probs));
    write('probs.csv', `${probs.map((r) => r.join(',')).join('\n')}\n`);
    write('vocab.txt', `${vocab.join('\n')}\n`);
    write('vocab.json', JSON.stringify(vocab));
  });
  return { dir: () => dir, cli, write };
}
