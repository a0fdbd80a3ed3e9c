import { Writable } from 'node:stream';
import { setupBackend } from '@interp/core';
import { createDocument } from '@interp/viz';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../cli-io.js';
import { segmentationSection } from './segmentation-section.js';

const sink = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('segmentationSection(io, document, options)', () => {
  it('reports per-class IoU, accuracy and Dice, the pixel confusion matrix and the top losses', async () => {
    const out = sink();
    const err = sink();
    const io: CliIO = { stdout: out.stream, stderr: err.stream, cwd: '.' };
    const section = await segmentationSection(io, await createDocument(), {
      nTrain: 300,
      nValid: 60,
      epochs: 1,
    });
    expect(section.id).toBe('segmentation');
    expect(out.text()).toMatch(
      /segmentation: pixel accuracy \d+\.\d\d%, mean IoU \d\.\d{3} on 60 held-out digits/,
    );
    expect(err.text()).toContain('segmentation [');
    const body = section.body;
    // The per-class table: a header and one row per class (background, 0..9).
    const table = body.slice(body.indexOf('<table>'), body.indexOf('</table>'));
    expect(table).toContain('<th>IoU</th><th>accuracy</th><th>Dice</th>');
    expect(table.match(/<tr>/g)).toHaveLength(12);
    expect(table).toContain('<td>background</td>');
    // Target pixels of all classes add up to the held-out pixels.
    const pixels = [...table.matchAll(/<td>(\d+)<\/td><\/tr>/g)].map((m) => Number(m[1]));
    expect(pixels.reduce((a, b) => a + b, 0)).toBe(60 * 28 * 28);
    expect(body).toContain('Pixel confusion matrix');
    expect(body).toContain('Pixel confusion matrix (normalized by actual class)');
    // Top losses: 6 rows of input, target and prediction, and a legend of the 11 classes.
    const top = body.slice(body.indexOf('<h3>Top losses</h3>'));
    expect(top.match(/<image /g)).toHaveLength(18);
    expect(top.match(/class="legend-entry"/g)).toHaveLength(11);
  });
});
