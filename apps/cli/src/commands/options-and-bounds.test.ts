// Option parsing, bounds and input strictness of every command, run in-process from src (the
// checks all happen before a model is loaded, so they need no build).
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';

const dir = tempDir('interp-bounds-');
const run = (...args: string[]) => runMain(args, dir);
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return name;
};

/** Runs and checks it is refused with one line in under `ms` milliseconds. */
async function refusedQuickly(args: string[], message: RegExp, ms = 3000) {
  const t0 = performance.now();
  const r = await run(...args);
  expectBadInput(r, message);
  expect(performance.now() - t0, args.join(' ')).toBeLessThan(ms);
}

beforeAll(() => {
  write('probs.npy', encodeNpy(Float32Array.of(0.7, 0.3, 0.2, 0.8), [2, 2]));
  write('targs.npy', encodeNpy(Int32Array.of(0, 1), [2]));
  write('x.npy', encodeNpy(Float32Array.of(1, 2), [1, 2]));
  mkdirSync(join(dir, 'folder'));
});

describe('every command: one option parser', () => {
  it('--help shows the maximum of every count option', async () => {
    const help = async (command: string) => {
      const r = await run(command, '--help');
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(await help('classification')).toMatch(/--k K .*1 to 100,000, default 10/);
    expect(await help('classification')).toMatch(/at most 4,096 classes/);
    const attribute = await help('attribute');
    expect(attribute).toMatch(/--n-steps S .*1 to 10,000, default 50\)/);
    expect(attribute).toMatch(/--n-samples S .*1 to 1,000, default 10\)/);
    expect(attribute).toMatch(/--target K[\s\S]*0 to 4,095 each, at most 100000 values/);
    expect(attribute).toMatch(
      /--ig-method M +riemann_left, .*, gausslegendre \(default gausslegendre\)/,
    );
    const importance = await help('importance');
    expect(importance).toMatch(/--n-repeats R .*1 to 1,000, default 5\)/);
    expect(importance).toMatch(/--batch-size N .*1 to 1,048,576/);
    expect(importance).toMatch(/--target-column NAME/);
    expect(await help('summary')).toMatch(
      /1 to 65,536 each, at most 8 values,\s+at most 67,108,864 values/,
    );
    expect(await help('segmentation')).toMatch(/at most\s+4,096 classes/);
    expect(await help('demo')).toMatch(/--epochs N +training epochs \(1 to 50, default 3\)/);
  });

  it('refuses a repeated option instead of keeping the last', async () => {
    await refusedQuickly(
      ['classification', '--preds', 'a.npy', '--preds', 'b.npy', '--targs', 'targs.npy'],
      /option --preds is given twice; pass it once/,
    );
    await refusedQuickly(
      ['summary', '--model', 'm.json', '--json', '--json'],
      /--json is given twice/,
    );
  });

  it('integers are decimal only, everywhere', async () => {
    await refusedQuickly(
      ['summary', '--model', 'm/model.json', '--input-size', '1,0x8,8,1'],
      /--input-size must be a decimal integer from 1 to 65,536, got "0x8" in "1,0x8,8,1"/,
    );
    for (const bad of ['4e0', '1.0', '+3', ' 3', '0x8']) {
      await refusedQuickly(
        ['attribute', '--model', 'm.json', '--input', 'x.npy', '--method', 'ig', '--n-steps', bad],
        /--n-steps must be a decimal integer from 1 to 10,000/,
      );
    }
    await refusedQuickly(
      ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--k', '0x2'],
      /--k must be a decimal integer/,
    );
    await refusedQuickly(
      ['segmentation', '--preds', 'p.npy', '--targs', 't.npy', '--ignore-index', '0xff'],
      /--ignore-index must be a decimal integer/,
    );
    await refusedQuickly(
      ['demo', '--epochs', '1e1'],
      /--epochs must be a decimal integer from 1 to 50/,
    );
  });

  it('counts above their maximum exit 2 at once, naming the option and the bound', async () => {
    await refusedQuickly(
      [
        'attribute',
        '--model',
        'm.json',
        '--input',
        'x.npy',
        '--method',
        'ig',
        '--n-steps',
        '1000000000',
      ],
      /^interp attribute: --n-steps 1000000000 is above the maximum 10,000; see interp attribute --help$/,
    );
    await refusedQuickly(
      [
        'attribute',
        '--model',
        'm.json',
        '--input',
        'x.npy',
        '--method',
        'ig',
        '--n-steps',
        '100000',
      ],
      /--n-steps 100000 is above the maximum 10,000/,
    );
    await refusedQuickly(
      [
        'importance',
        '--model',
        'm.json',
        '--data',
        'x.npy',
        '--targs',
        't.npy',
        '--n-repeats',
        '1000000000',
      ],
      /--n-repeats 1000000000 is above the maximum 1,000/,
    );
    await refusedQuickly(
      ['summary', '--model', 'm/model.json', '--input-size', '50000000,1,1,1'],
      /--input-size 50000000 in "50000000,1,1,1" is above the maximum 65,536/,
    );
    await refusedQuickly(
      ['summary', '--model', 'm/model.json', '--input-size', '64,1024,1024,3'],
      /--input-size 64,1024,1024,3 is 201326592 values; at most 67108864 are allowed/,
    );
    await refusedQuickly(
      ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--k', '1000001'],
      /--k 1000001 is above the maximum 100,000/,
    );
    await refusedQuickly(
      ['attribute', '--model', 'm.json', '--input', 'x.npy', '--method', 'ig', '--target', '5000'],
      /--target 5000 in "5000" is above the maximum 4,095/,
    );
  });

  it('importance takes the targets column as --target-column (--target is gone)', async () => {
    await refusedQuickly(
      ['importance', '--model', 'm.json', '--data', 'd.csv', '--target', 'y'],
      /unknown option --target; see interp importance --help/,
    );
    await refusedQuickly(
      ['importance', '--model', 'm.json', '--data', 'x.npy', '--target-column', 'y'],
      /--target-column y needs a CSV with a header row/,
    );
  });
});

describe('interp classification: bounded and strict inputs', () => {
  it('--act none refuses rows that do not sum to 1, naming the file and row', async () => {
    write('sum27.npy', encodeNpy(Float32Array.of(0.5, 0.5, 0, 0.9, 0.9, 0.9), [2, 3]));
    write('t2.npy', encodeNpy(Int32Array.of(0, 1), [2]));
    await refusedQuickly(
      ['classification', '--preds', 'sum27.npy', '--targs', 't2.npy'],
      /^interp classification: sum27\.npy: row 1 sums to 2\.7, not 1 \(within 0\.001\), so the scores are not probabilities; pass --act softmax if they are logits \(or --act sigmoid for multi-label scores\)$/,
    );
    write('zeros.npy', encodeNpy(Float32Array.of(0, 0, 0.4, 0.6), [2, 2]));
    await refusedQuickly(
      ['classification', '--preds', 'zeros.npy', '--targs', 't2.npy', '--act', 'none'],
      /zeros\.npy: row 0 sums to 0, not 1/,
    );
    // Within 1e-3 is rounding (float32 probabilities from a softmax).
    write('close.npy', encodeNpy(Float32Array.of(0.3333, 0.3333, 0.3333, 0.25, 0.25, 0.5), [2, 3]));
    const ok = await run('classification', '--preds', 'close.npy', '--targs', 't2.npy', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    const softmax = await run(
      'classification',
      '--preds',
      'sum27.npy',
      '--targs',
      't2.npy',
      '--act',
      'softmax',
    );
    expect(softmax.code, softmax.stderr).toBe(0);
  });

  it('a label of 10^9, 100,000 score columns or a 100,000-line vocab exit 2 at once', async () => {
    write('huge-label.npy', encodeNpy(Int32Array.of(0, 1, 2, 1_000_000_000), [4]));
    write('labels4.npy', encodeNpy(Int32Array.of(0, 1, 2, 1), [4]));
    await refusedQuickly(
      ['classification', '--preds', 'labels4.npy', '--targs', 'huge-label.npy'],
      /huge-label\.npy: item 3 has label 1000000000; labels must be class indices below 4096/,
    );
    await refusedQuickly(
      ['classification', '--preds', 'huge-label.npy', '--targs', 'labels4.npy'],
      /huge-label\.npy: item 3 has label 1000000000/,
    );
    write('wide.npy', encodeNpy(new Float32Array(2 * 100_000), [2, 100_000]));
    await refusedQuickly(
      ['classification', '--preds', 'wide.npy', '--targs', 't2.npy'],
      /wide\.npy has 100000 columns \(classes\); at most 4096 classes are supported/,
    );
    write('vocab.txt', Array.from({ length: 100_000 }, (_, i) => `c${i}`).join('\n'));
    await refusedQuickly(
      ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--vocab', 'vocab.txt'],
      /vocab\.txt has 100000 class names; at most 4096 classes are supported/,
    );
    write('vocab.json', JSON.stringify(Array.from({ length: 5000 }, (_, i) => `c${i}`)));
    await refusedQuickly(
      ['segmentation', '--preds', 'p.npy', '--targs', 't.npy', '--vocab', 'vocab.json'],
      /vocab\.json has 5000 class names; at most 4096/,
    );
  });

  it('a folder, a FIFO or /dev/zero as an input is refused as not a regular file', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo.npy')]);
    await refusedQuickly(
      ['classification', '--preds', 'fifo.npy', '--targs', 'targs.npy'],
      /cannot read fifo\.npy: it is a FIFO \(named pipe\), not a regular file/,
    );
    symlinkSync('/dev/zero', join(dir, 'zero.npy'));
    await refusedQuickly(
      ['classification', '--preds', 'zero.npy', '--targs', 'targs.npy'],
      /cannot read zero\.npy: it is a device, not a regular file/,
    );
    await refusedQuickly(
      ['classification', '--preds', 'probs.npy', '--targs', 'folder'],
      /unknown format \(no extension\)/,
    );
    mkdirSync(join(dir, 'folder.npy'));
    await refusedQuickly(
      ['classification', '--preds', 'folder.npy', '--targs', 'targs.npy'],
      /cannot read folder\.npy: it is a directory/,
    );
    await refusedQuickly(
      ['segmentation', '--preds', 'fifo.npy', '--targs', 'targs.npy'],
      /cannot read fifo\.npy: it is a FIFO/,
    );
    await refusedQuickly(
      ['segmentation', '--preds', 'probs.npy', '--targs', 'fifo.npy'],
      /cannot read fifo\.npy: it is a FIFO/,
    );
    execFileSync('mkfifo', [join(dir, 'fifo.txt')]);
    await refusedQuickly(
      ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--vocab', 'fifo.txt'],
      /cannot read fifo\.txt: it is a FIFO/,
    );
    await refusedQuickly(
      ['attribute', '--model', 'm.json', '--input', 'fifo.npy', '--method', 'saliency'],
      /cannot read fifo\.npy: it is a FIFO/,
    );
  });

  it('a .npy header numpy refuses, or writes differently, is refused (hex shape, duplicate key)', async () => {
    const header = (shape: string, extra = '') => {
      let text = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, ${extra}}`;
      text += ' '.repeat((64 - ((10 + text.length + 1) % 64)) % 64);
      text += '\n';
      const out = new Uint8Array(10 + text.length + 16);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, text.length, true);
      for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
      new Float32Array(out.buffer, 10 + text.length, 4).set([0.5, 0.5, 0.25, 0.75]);
      return out;
    };
    write('hex.npy', header('(0x2, 2)'));
    await refusedQuickly(
      ['classification', '--preds', 'hex.npy', '--targs', 'targs.npy', '--json'],
      /hex\.npy: malformed \.npy header: a shape entry that is not a decimal integer/,
    );
    write('dup.npy', header('(4,)', "'shape': (2, 2), "));
    await refusedQuickly(
      ['classification', '--preds', 'dup.npy', '--targs', 'targs.npy'],
      /dup\.npy: malformed \.npy header: the key "shape" appears twice/,
    );
    write('good.npy', header('(2, 2)'));
    const ok = await run('classification', '--preds', 'good.npy', '--targs', 'targs.npy', '--json');
    expect(ok.code, ok.stderr).toBe(0);
  });
});
