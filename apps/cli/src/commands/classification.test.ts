import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../io/npy.js';
import { buildCli, type CliResult, expectBadInput, runCli, tempDir } from '../test-cli.js';

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
const probs = [
  [0.7, 0.1, 0.1, 0.1],
  [0.2, 0.5, 0.1, 0.2],
  [0.5, 0.25, 0, 0.25],
  [0.1, 0.6, 0.2, 0.1],
  [0.25, 0.5, 0, 0.25],
  [0.5, 0.25, 0.25, 0],
  [0, 0.25, 0.25, 0.5],
  [0.25, 0.25, 0.25, 0.25],
];
const targs = [0, 0, 1, 1, 2, 2, 1, 0];
const vocab = ['a', 'b', 'c', 'd'];

// Rows actual: a -> a a b, b -> a b d, c -> b a.
const expectedMatrix = [
  [2, 1, 0, 0],
  [1, 1, 0, 1],
  [1, 1, 0, 0],
  [0, 0, 0, 0],
];
// predicted counts 4, 3, 0, 1; support 3, 3, 2, 0; tp 2, 1, 0, 0.
const expectedReport = {
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
const lossQuarter = -Math.log(0.25);

let dir: string;
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

describe('interp classification --json', () => {
  it('prints the confusion matrix, most confused, report and top losses (hand-worked)', () => {
    const r = cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--vocab', 'vocab.txt', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'vocab',
      'confusionMatrix',
      'mostConfused',
      'report',
      'topLosses',
    ]);
    expect(out.vocab).toEqual(vocab);
    expect(out.confusionMatrix).toEqual(expectedMatrix);
    // All off-diagonal counts are 1: row-major order (actual, then predicted).
    expect(out.mostConfused).toEqual([
      ['a', 'b', 1],
      ['b', 'a', 1],
      ['b', 'd', 1],
      ['c', 'a', 1],
      ['c', 'b', 1],
    ]);
    expect(out.report).toEqual(expectedReport);
    expect(Object.keys(out.report)).toEqual(['classes', 'accuracy', 'macroAvg', 'weightedAvg']);
    expect(Object.keys(out.report.classes.a)).toEqual(['precision', 'recall', 'f1', 'support']);
    // Top 10 of 8 items: largest first, the four tied 0.25-items in index order.
    expect(out.topLosses.indices).toEqual([4, 1, 2, 5, 6, 7, 3, 0]);
    expect(out.topLosses.losses).toEqual([
      -Math.log(1e-12),
      -Math.log(0.2),
      lossQuarter,
      lossQuarter,
      lossQuarter,
      lossQuarter,
      -Math.log(0.6),
      -Math.log(0.7),
    ]);
  });

  it('takes --k and breaks loss ties by lower index', () => {
    const out = JSON.parse(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--k', '4', '--json').stdout,
    );
    expect(out.topLosses.indices).toEqual([4, 1, 2, 5]);
    expect(out.vocab).toEqual(['0', '1', '2', '3']);
  });

  it('reads the same numbers from .json, .csv, float32 .npy, int32 .npy and .txt/.csv targets', () => {
    const base = JSON.parse(cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--json').stdout);
    for (const [p, t] of [
      ['probs.json', 'targs.txt'],
      ['probs.csv', 'targs.csv'],
      ['probs.npy', 'targs32.npy'],
    ]) {
      const out = JSON.parse(cli('--preds', p!, '--targs', t!, '--json').stdout);
      expect(out).toEqual(base);
    }
    // float32 scores: same counts and report; losses of float32 probabilities differ slightly.
    const f32 = JSON.parse(cli('--preds', 'probs32.npy', '--targs', 'targs.npy', '--json').stdout);
    expect(f32.confusionMatrix).toEqual(base.confusionMatrix);
    expect(f32.report).toEqual(base.report);
    expect(f32.topLosses.indices).toEqual(base.topLosses.indices);
  });

  it('prints classes in vocab order, also integer-like names', () => {
    write('vocab-num.json', JSON.stringify(['10', '2', 'b', 'a']));
    const r = cli(
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--vocab',
      'vocab-num.json',
      '--json',
    );
    expect(r.code).toBe(0);
    const keys = [...r.stdout.matchAll(/^ {6}"([^"]+)": \{$/gm)].map((m) => m[1]);
    expect(keys).toEqual(['10', '2', 'b', 'a']);
    expect(JSON.parse(r.stdout).vocab).toEqual(['10', '2', 'b', 'a']);
  });

  it('reports from predicted labels (1-D) without topLosses', () => {
    // scikit-learn's confusion_matrix docstring example, labels ant, bird, cat.
    write('labels.json', JSON.stringify([0, 0, 2, 2, 0, 2]));
    write('ytrue.csv', '2\n0\n2\n2\n0\n1\n');
    write('animals.json', JSON.stringify(['ant', 'bird', 'cat']));
    const r = cli(
      '--preds',
      'labels.json',
      '--targs',
      'ytrue.csv',
      '--vocab',
      'animals.json',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['vocab', 'confusionMatrix', 'mostConfused', 'report']);
    expect(out.confusionMatrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(out.report.classes).toEqual({
      ant: { precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
      bird: { precision: 0, recall: 0, f1: 0, support: 1 },
      cat: { precision: 2 / 3, recall: 2 / 3, f1: 4 / 6, support: 3 },
    });
    expect(out.report.accuracy).toBe(4 / 6);
    // Without a vocab the classes are 0..max label.
    const bare = JSON.parse(cli('--preds', 'labels.json', '--targs', 'ytrue.csv', '--json').stdout);
    expect(bare.vocab).toEqual(['0', '1', '2']);
  });

  it('applies --act softmax and --act sigmoid to logits before the loss', () => {
    // Logits [0, ln 3] -> softmax [0.25, 0.75]; sigmoid(ln 3) = 0.75, sigmoid(0) = 0.5.
    write('logits.npy', encodeNpy(Float64Array.of(0, Math.log(3), Math.log(3), 0), [2, 2]));
    write('t2.json', '[1, 1]');
    const soft = JSON.parse(
      cli('--preds', 'logits.npy', '--targs', 't2.json', '--act', 'softmax', '--json').stdout,
    );
    expect(soft.confusionMatrix).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(soft.topLosses.indices).toEqual([1, 0]);
    expect(soft.topLosses.losses[0]).toBeCloseTo(Math.log(4), 14);
    expect(soft.topLosses.losses[1]).toBeCloseTo(-Math.log(0.75), 14);
    const sig = JSON.parse(
      cli('--preds', 'logits.npy', '--targs', 't2.json', '--act', 'sigmoid', '--json').stdout,
    );
    expect(sig.topLosses.losses[0]).toBeCloseTo(Math.LN2, 14);
    expect(sig.topLosses.losses[1]).toBeCloseTo(-Math.log(0.75), 14);
  });
});

describe('interp classification (text)', () => {
  it('prints the report, the confusion matrix, the most confused pairs and the top losses', () => {
    const r = cli(
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--vocab',
      'vocab.json',
      '--k',
      '3',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // The report lines are scikit-learn's layout (worked out from its format strings).
    expect(r.stdout).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           a       0.50      0.67      0.57         3',
        '           b       0.33      0.33      0.33         3',
        '           c       0.00      0.00      0.00         2',
        '           d       0.00      0.00      0.00         0',
        '',
        '    accuracy                           0.38         8',
        '   macro avg       0.21      0.25      0.23         8',
        'weighted avg       0.31      0.38      0.34         8',
        '',
        'Confusion matrix (rows: actual, columns: predicted)',
        '   a  b  c  d',
        'a  2  1  0  0',
        'b  1  1  0  1',
        'c  1  1  0  0',
        'd  0  0  0  0',
        '',
        'Most confused (actual -> predicted: count)',
        '  a -> b: 1',
        '  b -> a: 1',
        '  b -> d: 1',
        '  c -> a: 1',
        '  c -> b: 1',
        '',
        'Top 3 losses (largest first)',
        '  item  actual  predicted     loss  p(predicted)',
        '     4  c       b          27.6310        0.5000',
        '     1  a       b           1.6094        0.5000',
        '     2  b       a           1.3863        0.5000',
        '',
      ].join('\n'),
    );
  });
});

describe('interp classification --out DIR', () => {
  it('writes confusion_matrix.svg and .png with the class names escaped', () => {
    write('vocab-xss.json', JSON.stringify(['<script>', 'b&b', 'c', 'd']));
    const r = cli(
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--vocab',
      'vocab-xss.json',
      '--out',
      'figs',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).vocab[0]).toBe('<script>');
    const svg = readFileSync(join(dir, 'figs', 'confusion_matrix.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Confusion matrix');
    expect(svg).toContain('Predicted');
    expect(svg).toContain('Actual');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('<script>');
    const png = readFileSync(join(dir, 'figs', 'confusion_matrix.png'));
    expect(Array.from(png.subarray(0, 8))).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]);
  });
});

describe('interp classification: bad input exits 2 with one line', () => {
  it('names a missing file, an unknown format and a missing option', () => {
    expectBadInput(
      cli('--preds', 'nope.npy', '--targs', 'targs.npy'),
      /cannot read nope\.npy: no such file/,
    );
    write('probs.xlsx', 'x');
    expectBadInput(
      cli('--preds', 'probs.xlsx', '--targs', 'targs.npy'),
      /probs\.xlsx: unknown format "\.xlsx"/,
    );
    expectBadInput(cli('--targs', 'targs.npy'), /missing --preds/);
    expectBadInput(cli('--preds', 'probs.npy'), /missing --targs/);
  });

  it('rejects unknown flags, stray arguments and bad option values', () => {
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--bogus'),
      /unknown option --bogus/,
    );
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', 'extra'),
      /unexpected argument "extra"/,
    );
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--act', 'relu'),
      /invalid --act: "relu"/,
    );
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--k', '0'),
      /--k 0 is below the minimum 1/,
    );
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--k', '9'),
      /--k 9 is more than the 8 items/,
    );
    expectBadInput(cli('--preds', '--targs', 'targs.npy'), /option --preds needs a value/);
  });

  it('rejects N differing between files', () => {
    write('targs7.json', JSON.stringify(targs.slice(0, 7)));
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs7.json'),
      /probs\.npy has 8 items but targs7\.json has 7/,
    );
  });

  it('rejects labels outside 0..C-1 (int64 too) and fractional labels', () => {
    write('targs-big.npy', encodeNpy(BigInt64Array.of(0n, 1n, 2n, 2n, 1n, 2n ** 40n, 0n, 0n), [8]));
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs-big.npy'),
      /targs-big\.npy: item 5 has label 1099511627776, outside 0\.\.3 \(probs\.npy has 4 columns\)/,
    );
    write('targs-neg.npy', encodeNpy(BigInt64Array.of(0n, -1n, 0n, 0n, 0n, 0n, 0n, 0n), [8]));
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs-neg.npy'),
      /item 1 has label -1, outside 0\.\.3/,
    );
    write('targs-frac.json', '[0, 1, 1.5, 0, 0, 0, 0, 0]');
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs-frac.json'),
      /targs-frac\.json: item 2 is 1\.5, not an integer/,
    );
    write('labels-bad.json', '[0, 1, 2, 5, 0, 0, 0, 0]');
    expectBadInput(
      cli('--preds', 'labels-bad.json', '--targs', 'targs.npy', '--vocab', 'vocab.txt'),
      /labels-bad\.json: item 3 has label 5, outside 0\.\.3 \(vocab\.txt has 4 names\)/,
    );
  });

  it('rejects NaN, negative and > 1 probabilities (with --act none)', () => {
    const bad = (v: number) => {
      const data = Float32Array.from(probs.flat());
      data[6] = v; // item 1, class 2
      return encodeNpy(data, [8, 4]);
    };
    write('p-nan.npy', bad(Number.NaN));
    expectBadInput(
      cli('--preds', 'p-nan.npy', '--targs', 'targs.npy'),
      /p-nan\.npy: value \[1, 2\] is NaN/,
    );
    write('p-neg.npy', bad(-0.5));
    expectBadInput(
      cli('--preds', 'p-neg.npy', '--targs', 'targs.npy'),
      /value \[1, 2\] is -0\.5, a negative probability; pass --act softmax/,
    );
    write('p-big.npy', bad(3));
    expectBadInput(
      cli('--preds', 'p-big.npy', '--targs', 'targs.npy'),
      /value \[1, 2\] is 3, not a probability in \[0, 1\]/,
    );
    // Logits are fine with an activation, NaN is not.
    expect(cli('--preds', 'p-big.npy', '--targs', 'targs.npy', '--act', 'softmax').code).toBe(0);
    expectBadInput(
      cli('--preds', 'p-nan.npy', '--targs', 'targs.npy', '--act', 'softmax'),
      /value \[1, 2\] is NaN/,
    );
  });

  it('rejects ragged rows and non-numeric cells with file, line and column', () => {
    write('ragged.csv', '0.5,0.5\n0.2,0.3,0.5\n');
    expectBadInput(
      cli('--preds', 'ragged.csv', '--targs', 'targs.npy'),
      /ragged\.csv: line 2 has 3 values but line 1 has 2 \(ragged rows\)/,
    );
    write('ragged.json', '[[0.5, 0.5], [1]]');
    expectBadInput(
      cli('--preds', 'ragged.json', '--targs', 'targs.npy'),
      /ragged\.json: row 1 has 1 values but row 0 has 2 \(ragged rows\)/,
    );
    write('words.csv', '0.5,0.5\n0.5,abc\n');
    expectBadInput(
      cli('--preds', 'words.csv', '--targs', 'targs.npy'),
      /words\.csv: line 2, column 2: "abc" is not a number/,
    );
    write('header.csv', 'p0,p1\n0.5,0.5\n');
    expectBadInput(
      cli('--preds', 'header.csv', '--targs', 'targs.npy'),
      /line 1, column 1: "p0" is not a number \(the file must have no header row\)/,
    );
    write('broken.json', '[[0.5, 0.5],');
    expectBadInput(
      cli('--preds', 'broken.json', '--targs', 'targs.npy'),
      /broken\.json: not valid JSON/,
    );
    write('notnpy.npy', 'hello');
    expectBadInput(
      cli('--preds', 'notnpy.npy', '--targs', 'targs.npy'),
      /notnpy\.npy: not a \.npy file/,
    );
  });

  it('rejects a vocab of the wrong size or with repeated names', () => {
    write('vocab3.txt', 'a\nb\nc\n');
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--vocab', 'vocab3.txt'),
      /vocab3\.txt has 3 names but probs\.npy has 4 columns/,
    );
    write('vocab-dup.txt', 'a\nb\na\nd\n');
    expectBadInput(
      cli('--preds', 'probs.npy', '--targs', 'targs.npy', '--vocab', 'vocab-dup.txt'),
      /vocab-dup\.txt: "a" appears twice \(line 1 and line 3\)/,
    );
  });

  it('rejects --act with labels and a 3-D array', () => {
    write('labels8.json', JSON.stringify(targs));
    expectBadInput(
      cli('--preds', 'labels8.json', '--targs', 'targs.npy', '--act', 'softmax'),
      /--act softmax needs class scores/,
    );
    write('cube.npy', encodeNpy(new Float32Array(8), [2, 2, 2]));
    expectBadInput(
      cli('--preds', 'cube.npy', '--targs', 'targs.npy'),
      /cube\.npy: expected a 1-D or 2-D array, got shape \[2, 2, 2\]/,
    );
  });
});

describe('interp classification start-up', () => {
  it('does not load tfjs', () => {
    // A resolve hook that fails any @tensorflow import: the command must still succeed.
    write(
      'no-tfjs-hooks.mjs',
      "export async function resolve(s, c, next) { if (s.startsWith('@tensorflow/')) throw new Error('tfjs loaded: ' + s); return next(s, c); }\n",
    );
    write(
      'no-tfjs.mjs',
      "import { register } from 'node:module';\nregister('./no-tfjs-hooks.mjs', import.meta.url);\n",
    );
    const nodeArgs = ['--import', join(dir, 'no-tfjs.mjs')];
    const r = runCli(['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--json'], {
      cwd: dir,
      nodeArgs,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // --out draws through @interp/viz, which imports only the tfjs-free core/base.
    const withOut = runCli(
      ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--out', 'o2'],
      { cwd: dir, nodeArgs },
    );
    expect(withOut.stderr).toBe('');
    expect(withOut.code).toBe(0);
    // The hook does catch tfjs.
    const probe = spawnSync(
      process.execPath,
      [...nodeArgs, '--input-type=module', '-e', "await import('@tensorflow/tfjs-core')"],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toMatch(/tfjs loaded/);
  });
});
