import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import { describe, expect, it } from 'vitest';
import {
  classificationFixture,
  expectedMatrix,
  expectedReport,
  lossQuarter,
  vocab,
} from './test-classification-fixture.js';

const { cli, write, dir: fixtureDir } = classificationFixture();

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
    const svg = readFileSync(join(fixtureDir(), 'figs', 'confusion_matrix.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Confusion matrix');
    expect(svg).toContain('Predicted');
    expect(svg).toContain('Actual');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toContain('<script>');
    const png = readFileSync(join(fixtureDir(), 'figs', 'confusion_matrix.png'));
    expect(Array.from(png.subarray(0, 8))).toEqual([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ]);
  });
});
