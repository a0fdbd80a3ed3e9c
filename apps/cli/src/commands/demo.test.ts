import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, tempDir } from '../test-cli.js';

const dir = tempDir('interp-demo-');
beforeAll(() => buildCli(), 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('interp demo', () => {
  it('trains the CNN on WASM, prints accuracy and the report, writes report.html', () => {
    const r = runCli(['demo', '--epochs', '1', '--n-train', '2000', '--out', 'out'], { cwd: dir });
    expect(r.stderr).toMatch(/backend: wasm \(SIMD on/);
    expect(r.code).toBe(0);
    const acc = /validation accuracy: ([\d.]+)%/.exec(r.stdout);
    expect(Number(acc?.[1])).toBeGreaterThan(80);
    expect(r.stdout).toContain('precision    recall  f1-score   support');
    expect(r.stdout).toMatch(/weighted avg +[\d.]+ +[\d.]+ +[\d.]+ +2000/);
    expect(r.stderr).toMatch(/training \[#+\] 100%/);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    for (const id of ['classification', 'segmentation', 'attribution', 'tabular', 'training'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('Confusion matrix');
    expect(html).toContain('Prediction/Actual/Loss/Probability');
    // 16 top-loss images + 8 digits x 4 attribution panels.
    expect((html.match(/<image /g) ?? []).length).toBeGreaterThanOrEqual(48);
    expect(html).not.toMatch(/<script/i);
  }, 300_000);

  it('rejects bad options with exit code 2 and one line', () => {
    for (const args of [['--epochs', '0'], ['--n-train', 'many'], ['--bogus']]) {
      const r = runCli(['demo', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^interp demo: /);
    }
  });
});
