import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { buildCli, type CliResult, expectBadInput, runCli, tempDir } from '../test-cli.js';
import '@tensorflow/tfjs-backend-cpu';

const dir = tempDir('interp-importance-');

// Regressor: y_hat = 2 x0 + 0 x1 + 1 x2, and y = y_hat exactly (baseline MSE 0). Permuting a
// column adds w_f (x_f - x_f[p]) to each row's error, so by hand:
//   x0 = 1 2 3 (w 2): MSE 4 * {0, 2/3, 2, 8/3} for the six permutations
//   x2 = 1 1 4 (w 1): MSE 0 when the 4 stays, else (9 + 9) / 3 = 6
const X = [
  [1, 5, 1],
  [2, 6, 1],
  [3, 7, 4],
];
const W = [2, 0, 1];
const Y = X.map((r) => r.reduce((a, v, j) => a + v * W[j]!, 0));

// Classifier: logits = [x0, x1, 0]; rows and labels below. Softmax by hand in the test.
const XC = [
  [2, 0],
  [0, 1],
  [1, 1],
  [-1, 0],
];
const YC = [0, 1, 1, 2];

async function saveDense(
  name: string,
  kernel: number[][],
  activation: 'linear' | 'softmax' = 'linear',
): Promise<string> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [kernel.length],
        units: kernel[0]!.length,
        useBias: false,
        activation,
      }),
    ],
  });
  model.setWeights([tf.tensor2d(kernel)]);
  await saveLayersModelToDir(model, join(dir, name));
  return `${name}/model.json`;
}

function npy(name: string, rows: number[][] | number[], dtype: 'f4' | 'i4' = 'f4'): string {
  const flat = (rows as (number | number[])[]).flat() as number[];
  const shape = Array.isArray(rows[0])
    ? [rows.length, (rows[0] as number[]).length]
    : [rows.length];
  const data = dtype === 'f4' ? Float32Array.from(flat) : Int32Array.from(flat);
  writeFileSync(join(dir, name), encodeNpy(data, shape));
  return name;
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const interp = (...args: string[]): CliResult => runCli(['importance', ...args], { cwd: dir });

function json(r: CliResult) {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as {
    baselineScore: number;
    features: string[];
    importancesMean: number[];
    importancesStd: number[];
    importances: number[][];
  };
}

let regressor: string;
let logits: string;
let softmax: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  buildCli();
  regressor = await saveDense(
    'reg',
    W.map((w) => [w]),
  );
  logits = await saveDense('logits', [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  softmax = await saveDense(
    'softmax',
    [
      [1, 0, 0],
      [0, 1, 0],
    ],
    'softmax',
  );
  npy('X.npy', X);
  npy('y.npy', Y);
  npy('X4.npy', [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 1, 2, 3],
  ]);
  npy('XC.npy', XC);
  npy('yc.npy', YC, 'i4');
  npy('bad-labels.npy', [0, 1, 5, 2], 'i4');
  file(
    'data.csv',
    `a,b,target,c\r\n${X.map((r, i) => `${r[0]},${r[1]},${Y[i]},${r[2]}`).join('\r\n')}\r\n`,
  );
  file('noheader.csv', `${X.map((r) => r.join(',')).join('\n')}\n`);
  file('text.csv', 'a,b,target,c\n1,5,3,1\n2,abc,5,1\n3,7,10,4\n');
}, 600_000);

describe('interp importance', () => {
  it('--json prints baselineScore, features, importancesMean, importancesStd, importances in order', () => {
    const r = json(
      interp(
        '--model',
        regressor,
        '--data',
        'X.npy',
        '--targs',
        'y.npy',
        '--scoring',
        'neg_mean_squared_error',
        '--n-repeats',
        '6',
        '--json',
      ),
    );
    expect(Object.keys(r)).toEqual([
      'baselineScore',
      'features',
      'importancesMean',
      'importancesStd',
      'importances',
    ]);
    expect(r.features).toEqual(['x0', 'x1', 'x2']);
    expect(Math.abs(r.baselineScore)).toBe(0);
    expect(r.importances.map((row) => row.length)).toEqual([6, 6, 6]);
    const allowed0 = [0, 8 / 3, 8, 32 / 3].map((v) => v.toFixed(4));
    for (const v of r.importances[0]!) expect(allowed0).toContain(v.toFixed(4));
    expect(r.importances[1]).toEqual([0, 0, 0, 0, 0, 0]);
    for (const v of r.importances[2]!) expect(['0.0000', '6.0000']).toContain(v.toFixed(4));
    r.importances.forEach((row, f) => {
      const m = row.reduce((a, b) => a + b, 0) / row.length;
      expect(r.importancesMean[f]).toBeCloseTo(m, 9);
      expect(r.importancesStd[f]).toBeCloseTo(
        Math.sqrt(row.reduce((a, b) => a + (b - m) ** 2, 0) / row.length),
        9,
      );
    });
  });

  it('is reproducible by --seed, and a CSV with --target-column gives the same numbers with header names', () => {
    const args = ['--model', regressor, '--n-repeats', '4', '--json'];
    const a = json(interp(...args, '--data', 'X.npy', '--targs', 'y.npy', '--seed', '3'));
    const b = json(interp(...args, '--data', 'X.npy', '--targs', 'y.npy', '--seed', '3'));
    const c = json(interp(...args, '--data', 'X.npy', '--targs', 'y.npy', '--seed', '4'));
    expect(b).toEqual(a);
    expect(c.importances).not.toEqual(a.importances);
    const csv = json(
      interp(...args, '--data', 'data.csv', '--target-column', 'target', '--seed', '3'),
    );
    expect(csv.features).toEqual(['a', 'b', 'c']);
    expect(csv.importances).toEqual(a.importances);
    // Default scoring of a one-output model: r2 (baseline 1 for an exact fit).
    expect(a.baselineScore).toBe(1);
    const noHeader = json(
      interp(...args, '--data', 'noheader.csv', '--targs', 'y.npy', '--seed', '3'),
    );
    expect(noHeader.features).toEqual(['x0', 'x1', 'x2']);
    expect(noHeader.importances).toEqual(a.importances);
  });

  it('classifiers: accuracy by default; neg_log_loss applies softmax to logits, not to probabilities', () => {
    const common = ['--data', 'XC.npy', '--targs', 'yc.npy', '--json'];
    const acc = json(interp('--model', logits, ...common));
    // argmax of the logits [x0, x1, 0]: [2,0,0] -> 0, [0,1,0] -> 1, [1,1,0] -> 0 (tie to the
    // lower index), [-1,0,0] -> 1 (tie). Labels 0 1 1 2: 2 of 4 right.
    expect(acc.baselineScore).toBe(0.5);
    const softmaxRow = (r: number[]) => {
      const e = [Math.exp(r[0]!), Math.exp(r[1]!), 1];
      const s = e[0]! + e[1]! + e[2]!;
      return e.map((v) => v / s);
    };
    const expected = -XC.reduce((a, r, i) => a - Math.log(softmaxRow(r)[YC[i]!]!), 0) / XC.length;
    const fromLogits = json(interp('--model', logits, ...common, '--scoring', 'neg_log_loss'));
    const fromProbs = json(interp('--model', softmax, ...common, '--scoring', 'neg_log_loss'));
    expect(fromLogits.baselineScore).toBeCloseTo(expected, 5);
    expect(fromProbs.baselineScore).toBeCloseTo(expected, 5);
    expect(fromProbs.importances).toEqual(
      fromLogits.importances.map((row) => row.map((v) => expect.closeTo(v, 5))),
    );
  });

  it('--act none with neg_log_loss refuses raw logits, as classification --act none does', () => {
    const common = ['--data', 'XC.npy', '--targs', 'yc.npy', '--scoring', 'neg_log_loss'];
    // Row 0 of the logits is [2, 0, 0]: it sums to 2.
    expectBadInput(
      interp('--model', logits, ...common, '--act', 'none'),
      /--act none: the outputs of logits\/model\.json on XC\.npy: row 0 sums to 2, not 1 \(within 0\.001\), so the scores are not probabilities; pass --act softmax/,
    );
    const probs = json(interp('--model', softmax, ...common, '--act', 'none', '--json'));
    const auto = json(interp('--model', softmax, ...common, '--json'));
    expect(probs.baselineScore).toBe(auto.baselineScore);
  });

  it('prints a table sorted by mean importance without --json', () => {
    const r = interp(
      '--model',
      regressor,
      '--data',
      'data.csv',
      '--target-column',
      'target',
      '--seed',
      '1',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^Permutation importance \(r2, 5 repeats, seed 1\) on 3 rows\nbaseline score: 1\.0000\n\nfeature/,
    );
    const rows = r.stdout
      .trim()
      .split('\n')
      .slice(4)
      .map((l) => l.split(/\s+/)[0]);
    expect(rows).toHaveLength(3);
    expect(rows.at(-1)).toBe('b');
  });

  it('documents feature naming and the seeded generator in --help', () => {
    const r = interp('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/x0\.\.x\{F-1\}/);
    expect(r.stdout).toMatch(/xoshiro128\*\*/);
    expect(r.stdout).toMatch(/--act A/);
  });

  it('exits 2 with one line for bad input', () => {
    expectBadInput(
      interp('--model', regressor, '--data', 'X4.npy', '--targs', 'y.npy'),
      /reg\/model\.json expects 3 features per row but X4\.npy has 4 feature column\(s\)/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'data.csv', '--target-column', 'nope'),
      /data\.csv has no column "nope"; its columns are "a", "b", "target", "c"/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'text.csv', '--target-column', 'target'),
      /text\.csv: line 3, column "b": "abc" is not a number/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'X.npy', '--target-column', 'y'),
      /--target-column y needs a CSV with a header row/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'noheader.csv', '--target-column', 'x0'),
      /has no header row/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'X.npy', '--targs', 'y.npy', '--target-column', 't'),
      /pass exactly one of --targs Y .* or --target-column NAME/,
    );
    expectBadInput(interp('--data', 'X.npy', '--targs', 'y.npy'), /missing --model/);
    expectBadInput(
      interp('--model', regressor, '--data', 'X.npy', '--targs', 'y.npy', '--scoring', 'f1'),
      /invalid --scoring: "f1"/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'X.npy', '--targs', 'y.npy', '--scoring', 'accuracy'),
      /--scoring accuracy needs a classifier/,
    );
    expectBadInput(
      interp('--model', logits, '--data', 'XC.npy', '--targs', 'bad-labels.npy'),
      /target of row 2 is 5, not a class index in 0\.\.2/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'X.npy', '--targs', 'yc.npy'),
      /X\.npy has 3 rows but yc\.npy has 4 targets/,
    );
    expectBadInput(
      interp('--model', regressor, '--data', 'X.npy', '--targs', 'y.npy', '--n-repeats', '0'),
      /--n-repeats 0 is below the minimum 1/,
    );
    expectBadInput(
      interp('--model', 'missing/model.json', '--data', 'X.npy', '--targs', 'y.npy'),
      /cannot read .*missing\/model\.json: no such file/,
    );
  });
});
