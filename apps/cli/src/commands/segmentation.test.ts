import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, type NpyData } from '@interp/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type CliResult, expectBadInput, runCli, tempDir } from '../test-cli.js';

const dir = tempDir('interp-seg-cli-');

// The test runs the built command, as a user would.
beforeAll(() => buildCli(), 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, data: NpyData, shape: number[]): string {
  writeFileSync(join(dir, name), encodeNpy(data, shape));
  return name;
}

const interp = (...args: string[]): CliResult => runCli(['segmentation', ...args], { cwd: dir });

// Hand-worked masks (1 x 3 x 4, 4 classes, 255 = ignore): class 2 is predicted only on an ignored
// pixel (absent everywhere once ignored pixels are dropped), class 3 only predicted.
//   targs  0 0 0 0      preds  0 0 3 0
//          1 1 1 255           1 1 0 2
//          0 1 255 0           0 3 1 1
const TARGS = [0, 0, 0, 0, 1, 1, 1, 255, 0, 1, 255, 0];
const PREDS = [0, 0, 3, 0, 1, 1, 0, 2, 0, 3, 1, 1];
// rows = target: (0,0) x4, (0,1), (0,3); (1,0), (1,1) x2, (1,3)
const MATRIX = [
  [4, 1, 0, 1],
  [1, 2, 0, 1],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
];
// TP = [4, 2, 0, 0], target pixels [6, 4, 0, 0], predicted pixels [5, 3, 0, 2], 10 counted.
const EXPECTED = {
  vocab: ['0', '1', '2', '3'],
  confusionMatrix: MATRIX,
  perClassAccuracy: [4 / 6, 2 / 4, null, null],
  iou: [4 / 7, 2 / 5, null, 0],
  meanIoU: (4 / 7 + 2 / 5 + 0) / 3,
  frequencyWeightedIoU: (6 / 10) * (4 / 7) + (4 / 10) * (2 / 5),
  dice: [8 / 11, 4 / 7, null, 0],
  pixelAccuracy: 6 / 10,
};

/** Scores whose argmax is `preds`; even pixels tie the predicted class with the next one (lower wins). */
function scoresFor(preds: number[], c: number): Float32Array {
  const s = new Float32Array(preds.length * c).fill(-1);
  preds.forEach((p, i) => {
    s[i * c + p] = 2;
    if (p + 1 < c && i % 2 === 0) s[i * c + p + 1] = 2;
  });
  return s;
}

function expectReport(actual: Record<string, unknown>, expected: typeof EXPECTED) {
  expect(Object.keys(actual)).toEqual([
    'vocab',
    'confusionMatrix',
    'perClassAccuracy',
    'iou',
    'meanIoU',
    'frequencyWeightedIoU',
    'dice',
    'pixelAccuracy',
  ]);
  expect(actual.vocab).toEqual(expected.vocab);
  expect(actual.confusionMatrix).toEqual(expected.confusionMatrix);
  for (const key of ['perClassAccuracy', 'iou', 'dice'] as const) {
    const got = actual[key] as (number | null)[];
    expect(
      got.map((v) => (v === null ? null : Number(v.toFixed(12)))),
      key,
    ).toEqual(expected[key].map((v) => (v === null ? null : Number(v.toFixed(12)))));
  }
  for (const key of ['meanIoU', 'frequencyWeightedIoU', 'pixelAccuracy'] as const) {
    expect(actual[key] as number, key).toBeCloseTo(expected[key], 12);
  }
}

describe('interp segmentation', () => {
  it('--json from float32 scores and uint8 targets: hand-worked metrics, NaN written as null', () => {
    const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
    const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
    const r = interp('--preds', p, '--targs', t, '--ignore-index', '255', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/"perClassAccuracy": \[0\.6666666666666666, 0\.5, null, null\]/);
    expectReport(JSON.parse(r.stdout), EXPECTED);
  });

  it('--json from int64 label predictions and int64 targets: C = largest label + 1', () => {
    const p = file('labels.npy', BigInt64Array.from(PREDS, BigInt), [1, 3, 4]);
    const t = file('targs64.npy', BigInt64Array.from(TARGS, BigInt), [1, 3, 4]);
    const r = interp('--preds', p, '--targs', t, '--ignore-index', '255', '--json');
    expect(r.code, r.stderr).toBe(0);
    expectReport(JSON.parse(r.stdout), EXPECTED);
  });

  it('--json from float64 scores, int16 targets and a vocab file (batch of 2 items)', () => {
    const scores = scoresFor([...PREDS, ...PREDS], 4);
    const p = file('scores64.npy', Float64Array.from(scores), [2, 3, 4, 4]);
    const t = file('targs16.npy', new Int16Array([...TARGS, ...TARGS]), [2, 3, 4]);
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(['road', 'car', 'tree', 'sky']));
    const r = interp(
      '--preds',
      p,
      '--targs',
      t,
      '--vocab',
      'vocab.json',
      '--ignore-index',
      '255',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expectReport(JSON.parse(r.stdout), {
      ...EXPECTED,
      vocab: ['road', 'car', 'tree', 'sky'],
      confusionMatrix: MATRIX.map((row) => row.map((v) => 2 * v)),
    });
  });

  it('prints a readable table per class and the summary numbers without --json', () => {
    const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
    const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
    const r = interp('--preds', p, '--targs', t, '--ignore-index', '255');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^class\s+IoU\s+accuracy\s+Dice\s+target px\s+predicted px$/);
    expect(lines[1]).toMatch(/^0\s+0\.5714\s+0\.6667\s+0\.7273\s+6\s+5$/);
    expect(lines[2]).toMatch(/^1\s+0\.4000\s+0\.5000\s+0\.5714\s+4\s+3$/);
    expect(lines[3]).toMatch(/^2\s+n\/a\s+n\/a\s+n\/a\s+0\s+0$/);
    expect(lines[4]).toMatch(/^3\s+0\.0000\s+n\/a\s+0\.0000\s+0\s+2$/);
    expect(r.stdout).toMatch(/mean IoU\s+0\.3238/);
    expect(r.stdout).toMatch(/frequency-weighted IoU\s+0\.5029/);
    expect(r.stdout).toMatch(/pixel accuracy\s+0\.6000/);
    expect(r.stdout).toMatch(/pixels counted\s+10 \(target 255 ignored\)/);
  });

  it('streams files larger than one chunk and names a bad pixel by its item, row and column', () => {
    // 2 x 256 x 256 x 11 float32 = 5.8 MB: more than one 4 MiB chunk.
    const [n, h, w, c] = [2, 256, 256, 11];
    const pixels = n * h * w;
    const scores = new Float32Array(pixels * c);
    const targs = new Uint8Array(pixels);
    const expected = Array.from({ length: c }, () => new Array<number>(c).fill(0));
    for (let i = 0; i < pixels; i++) {
      const pred = (i * 5 + (i >> 7)) % c;
      const t = (i * 3) % 13 === 0 ? 255 : (i * 7 + (i >> 9)) % c;
      for (let k = 0; k < c; k++) scores[i * c + k] = k === pred ? 1 : ((k * 31 + i) % 17) / 20;
      targs[i] = t;
      if (t !== 255) expected[t]![pred]!++;
    }
    const p = file('big-scores.npy', scores, [n, h, w, c]);
    const t = file('big-targs.npy', targs, [n, h, w]);
    const r = interp('--preds', p, '--targs', t, '--ignore-index', '255', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).confusionMatrix).toEqual(expected);

    const bad = targs.slice();
    bad[1 * h * w + 200 * w + 100] = 11;
    const tb = file('big-targs-bad.npy', bad, [n, h, w]);
    expectBadInput(
      interp('--preds', p, '--targs', tb, '--ignore-index', '255'),
      /big-targs-bad\.npy: label 11 at \[1, 200, 100\] \(item, row, column\) is not a class index in 0\.\.10 nor the ignore index 255/,
    );
    const nan = scores.slice();
    nan[(1 * h * w + 3 * w + 4) * c + 6] = Number.NaN;
    const pn = file('big-scores-nan.npy', nan, [n, h, w, c]);
    expectBadInput(
      interp('--preds', pn, '--targs', t, '--ignore-index', '255'),
      /big-scores-nan\.npy: NaN score at \[1, 3, 4, 6\]/,
    );
  });

  it('--out writes confusion_matrix.svg and .png with the class names as text', () => {
    const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
    const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
    writeFileSync(join(dir, 'vocab.txt'), 'road\n<car>\ntree & bush\nsky\n');
    const r = interp(
      '--preds',
      p,
      '--targs',
      t,
      '--ignore-index',
      '255',
      '--vocab',
      'vocab.txt',
      '--out',
      'figs',
    );
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(join(dir, 'figs', 'confusion_matrix.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('&lt;car&gt;');
    expect(svg).toContain('tree &amp; bush');
    expect(svg).not.toContain('<car>');
    expect(svg).toContain('Pixel confusion matrix');
    const png = readFileSync(join(dir, 'figs', 'confusion_matrix.png'));
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  });

  it('--help prints the usage and exits 0', () => {
    const r = interp('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: interp segmentation --preds P --targs T/);
  });

  describe('bad input exits 2 with one line naming the file and the problem', () => {
    it('shape mismatch between P and T', () => {
      const p = file('s234.npy', new Float32Array(2 * 3 * 4 * 4), [2, 3, 4, 4]);
      const t = file('t235.npy', new Uint8Array(2 * 3 * 5), [2, 3, 5]);
      expectBadInput(
        interp('--preds', p, '--targs', t),
        /s234\.npy is 2 x 3 x 4 x 4 but t235\.npy is 2 x 3 x 5: the first three dimensions \(N x H x W\) must match/,
      );
    });

    it('target labels out of range (and no ignore index by default)', () => {
      const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
      const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
      expectBadInput(
        interp('--preds', p, '--targs', t),
        /targs\.npy: label 255 at \[0, 1, 3\] \(item, row, column\) is not a class index in 0\.\.3; pass --ignore-index/,
      );
      const t7 = file(
        'targs7.npy',
        new Int32Array([0, 1, 2, 3, 0, 1, -7, 3, 0, 1, 2, 3]),
        [1, 3, 4],
      );
      expectBadInput(
        interp('--preds', p, '--targs', t7, '--ignore-index', '255'),
        /targs7\.npy: label -7 at \[0, 1, 2\] \(item, row, column\) is not a class index in 0\.\.3 nor the ignore index 255/,
      );
      const big = BigInt64Array.from([0n, 1n, 2n, 3n, 0n, 1n, 2n, 3n, 0n, 2n ** 40n, 2n, 3n]);
      expectBadInput(
        interp('--preds', p, '--targs', file('targs-i64.npy', big, [1, 3, 4])),
        /targs-i64\.npy: label 1099511627776 at \[0, 2, 1\]/,
      );
    });

    it('predicted labels out of range of the vocab', () => {
      writeFileSync(join(dir, 'vocab3.txt'), 'a\nb\nc\n');
      const p = file(
        'labels-u8.npy',
        new Uint8Array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 9, 0]),
        [1, 3, 4],
      );
      const t = file('targs-u8.npy', new Uint8Array(12), [1, 3, 4]);
      expectBadInput(
        interp('--preds', p, '--targs', t, '--vocab', 'vocab3.txt'),
        /labels-u8\.npy: label 9 at \[0, 2, 2\] \(item, row, column\) is not a class index in 0\.\.2/,
      );
    });

    it('a vocab whose length differs from the number of score channels', () => {
      writeFileSync(join(dir, 'vocab3.txt'), 'a\nb\nc\n');
      const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
      const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
      expectBadInput(
        interp('--preds', p, '--targs', t, '--vocab', 'vocab3.txt'),
        /vocab3\.txt: 3 class names but scores\.npy has 4 classes/,
      );
    });

    it('wrong rank or dtype', () => {
      const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
      const p2 = file('flat.npy', new Float32Array(12 * 4), [12, 4]);
      expectBadInput(
        interp('--preds', p2, '--targs', t),
        /flat\.npy: expected N x H x W x C scores \(float, channels last\) or N x H x W integer labels, got shape \(12, 4\) float32/,
      );
      const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
      const tf = file('targs-float.npy', new Float32Array(12), [1, 3, 4]);
      expectBadInput(
        interp('--preds', p, '--targs', tf),
        /targs-float\.npy: expected N x H x W integer target labels, got shape \(1, 3, 4\) float32/,
      );
    });

    it('NaN scores', () => {
      const s = scoresFor(PREDS, 4);
      s[5 * 4 + 1] = Number.NaN;
      const p = file('scores-nan.npy', s, [1, 3, 4, 4]);
      const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
      expectBadInput(
        interp('--preds', p, '--targs', t, '--ignore-index', '255'),
        /scores-nan\.npy: NaN score at \[0, 1, 1, 1\] \(item, row, column, class\)/,
      );
    });

    it('ragged (truncated) data, a file that is not .npy, a missing file', () => {
      const t = file('targs.npy', new Uint8Array(TARGS), [1, 3, 4]);
      const full = encodeNpy(scoresFor(PREDS, 4), [1, 3, 4, 4]);
      writeFileSync(join(dir, 'short.npy'), full.subarray(0, full.length - 10));
      expectBadInput(
        interp('--preds', 'short.npy', '--targs', t),
        /short\.npy: truncated data: the header says 1 x 3 x 4 x 4 float32 \(192 bytes\), the file has 182/,
      );
      writeFileSync(join(dir, 'preds.json'), '[[[0, 1], [1, 0]], [[1]]]');
      expectBadInput(
        interp('--preds', 'preds.json', '--targs', t),
        /preds\.json: not a \.npy file/,
      );
      expectBadInput(interp('--preds', 'nowhere.npy', '--targs', t), /nowhere\.npy: no such file/);
    });

    it('bad options: missing --targs, unknown option, non-integer --ignore-index', () => {
      const p = file('scores.npy', scoresFor(PREDS, 4), [1, 3, 4, 4]);
      expectBadInput(interp('--preds', p), /missing --targs T/);
      expectBadInput(
        interp('--preds', p, '--targs', 'x.npy', '--colour'),
        /unknown option --colour/,
      );
      expectBadInput(
        interp('--preds', p, '--targs', 'x.npy', '--ignore-index', 'void'),
        /--ignore-index must be a decimal integer from -2,147,483,648 to 2,147,483,647, got "void"/,
      );
    });
  });

  it('writes nothing when --out is not given', () => {
    expect(existsSync(join(dir, 'confusion_matrix.svg'))).toBe(false);
  });
});
