import { describe, expect, it } from 'vitest';
import { InterpError } from './errors.js';
import { Interpretation } from './interpretation.js';

const interpError = (message: RegExp) =>
  expect.objectContaining({ name: InterpError.name, message: expect.stringMatching(message) });

describe('new Interpretation(data) argument checks', () => {
  const preds = { data: Float32Array.of(0.2, 0.8), shape: [1, 2] };
  const targs = { data: Int32Array.of(1), shape: [1] };

  it("rejects the seed's positional form with an InterpError showing the options form", () => {
    const positional = () =>
      new (Interpretation as unknown as new (...a: unknown[]) => Interpretation)(
        undefined,
        undefined,
        preds,
        targs,
        targs,
        Float32Array.of(0.22),
      );
    expect(positional).toThrow(InterpError);
    expect(positional).toThrow(
      interpError(/not the seed's positional .*new Interpretation\(\{ dl, inputs, preds, targs/),
    );
    expect(() => new Interpretation(undefined as never)).toThrow(interpError(/one options object/));
    expect(() => new Interpretation({ targs } as never)).toThrow(interpError(/one options object/));
  });

  it('plotTopLosses on the base names the task interpretation for the items', async () => {
    const base = (targShape: number[]) =>
      new Interpretation({
        targs: { data: new Int32Array(targShape.reduce((a, b) => a * b)), shape: targShape },
        decoded: { data: new Int32Array(targShape.reduce((a, b) => a * b)), shape: targShape },
        losses: Float32Array.of(1, 2),
        inputs: { data: new Float32Array(2 * 4 * 4 * 3), shape: [2, 4, 4, 3] },
      });
    const images = base([2]);
    await expect(images.plotTopLosses(1)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(images.plotTopLosses(1)).rejects.toThrow(
      /images with class targets: build a ClassificationInterpretation \(from @interp\/classification\)/,
    );
    await expect(base([2, 4, 4]).plotTopLosses(1)).rejects.toThrow(
      /per-pixel targets: build a SegmentationInterpretation \(from @interp\/segmentation\)/,
    );
  });
});
