import { Interpretation } from '@interp/core';
import { InteractiveSegmentation } from '@interp/widgets';
import type { ExploreData } from './explore-data.js';

/**
 * The segmentation widget over served masks: images browsed worst first (fraction of wrong
 * pixels), true and predicted masks over a neutral background (the files hold masks only).
 */
export async function showSegmentation(data: ExploreData, out: HTMLElement): Promise<void> {
  const { shape, decoded } = data.masks!;
  const [n, h, w] = shape;
  const targs = Int32Array.from(data.targets);
  const pred = Int32Array.from(decoded);
  const losses = new Float32Array(n);
  for (let k = 0; k < targs.length; k++)
    if (targs[k] !== pred[k]) losses[Math.floor(k / (h * w))]! += 1 / (h * w);
  const interp = new Interpretation({
    targs: { data: targs, shape: [n, h, w] },
    decoded: { data: pred, shape: [n, h, w] },
    losses,
    inputs: { data: new Float32Array(n * h * w).fill(0.5), shape: [n, h, w] },
    vocab: data.vocab,
  });
  const widget = InteractiveSegmentation.fromInterpretation(interp, { opacity: 0.6 });
  await widget.show(out);
  window.exploreSegmentation = widget;
}
