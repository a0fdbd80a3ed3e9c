import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import { describe, expect, it } from 'vitest';
import { expectBadInput, runCli } from '../test-cli.js';
import { classificationFixture, probs, targs } from './test-classification-fixture.js';

const { cli, write, dir: fixtureDir } = classificationFixture();

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
    const nodeArgs = ['--import', join(fixtureDir(), 'no-tfjs.mjs')];
    const r = runCli(['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--json'], {
      cwd: fixtureDir(),
      nodeArgs,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // --out draws through @interp/viz, which imports only the tfjs-free core/base.
    const withOut = runCli(
      ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--out', 'o2'],
      { cwd: fixtureDir(), nodeArgs },
    );
    expect(withOut.stderr).toBe('');
    expect(withOut.code).toBe(0);
    // The hook does catch tfjs.
    const probe = spawnSync(
      process.execPath,
      [...nodeArgs, '--input-type=module', '-e', "await import('@tensorflow/tfjs-core')"],
      { cwd: fixtureDir(), encoding: 'utf8' },
    );
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toMatch(/tfjs loaded/);
  });
});
