import { createDocument } from '@interp/viz';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './metrics/expected-calibration-error.js';
import { reliabilityChart } from './reliability-chart.js';
import { interpErrorMatching } from './test-learners.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

describe('reliabilityChart(calibration, { title, figsize })', () => {
  it('draws the non-empty bins (confidence, accuracy) and the diagonal; the title gives the ECE', () => {
    // Right at 0.5 (bin 1 of 4, the lower bin on an edge), wrong at 0.625 (bin 2): ECE 0.5625.
    const e = expectedCalibrationError([0.5, 0.5, 0.625, 0.375], 2, [0, 1], { nBins: 4 });
    const svg = reliabilityChart(e, { document });
    const lines = svg.querySelectorAll('g[aria-label="line"] path');
    expect(lines).toHaveLength(2);
    // Two model points (one path with M and one L), two diagonal points.
    expect(lines[0]!.getAttribute('d')!.match(/[ML]/g)).toHaveLength(2);
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).toContain('Reliability diagram (ECE 0.5625)');
    const titled = reliabilityChart(e, { title: 'mine', document });
    expect(Array.from(titled.querySelectorAll('text')).map((t) => t.textContent)).toContain('mine');
  });

  it('rejects anything but an expectedCalibrationError result', () => {
    expect(() => reliabilityChart({ ece: 0.1 } as never, { document })).toThrow(
      interpErrorMatching(/needs expectedCalibrationError's result/),
    );
  });
});
