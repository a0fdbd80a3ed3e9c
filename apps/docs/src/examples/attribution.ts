import {
  attributionOverlay,
  IntegratedGradients,
  Occlusion,
  saliencyMap,
} from '@interp/attribution';
import { imageGrid, imageToDataURL } from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

// A model whose answer we know: on 8x8 images, class 1's score sums the pixels of a cross, class
// 0's the border. Attributions for class 1 should light up the cross and nothing else.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const onCross = (p: number) => p % 8 === 3 || p % 8 === 4 || Math.floor(p / 8) === 3;
const onBorder = (p: number) => p % 8 === 0 || p % 8 === 7 || p < 8 || p >= 56;
const weights = Float32Array.from({ length: 64 * 2 }, (_, i) => {
  const p = Math.floor(i / 2);
  return i % 2 === 1 ? (onCross(p) ? 1 : 0) : onBorder(p) ? 1 : 0;
});
const model = tfl.sequential({
  layers: [
    tfl.layers.flatten({ inputShape: [8, 8, 1] }),
    tfl.layers.dense({ units: 2, useBias: false, weights: [tf.tensor2d(weights, [64, 2])] }),
  ],
});
// The input: the cross, plus a faint everywhere-glow.
const pixels = Float32Array.from({ length: 64 }, (_, p) => (onCross(p) ? 0.9 : 0.15));
const x = tf.tensor4d(pixels, [1, 8, 8, 1]);
const image = { data: pixels, shape: [8, 8, 1] as [number, number, number] };

const saliency = await saliencyMap(model, x, { target: 1 });
const ig = await new IntegratedGradients(model).attribute(x, { target: 1, nSteps: 32 });
const occ = await new Occlusion(model).attribute(x, {
  target: 1,
  slidingWindowShapes: [2, 2, 1],
  strides: 2,
});
const cells = [{ src: imageToDataURL(image), caption: 'input' }];
for (const [name, attr, sign] of [
  ['saliency', saliency, 'absolute_value'],
  ['integrated gradients', ig, 'positive'],
  ['occlusion', occ, 'positive'],
] as const) {
  const { dataURL } = await attributionOverlay(image, attr, { method: 'heat_map', sign });
  cells.push({ src: dataURL, caption: name });
}
// Integrated gradients is complete: its attributions sum to F(x) - F(baseline).
const sum = (await tf.sum(ig).data())[0]!;
tf.dispose([x, saliency, ig, occ]);
model.dispose();
const p = document.createElement('p');
// The black baseline scores 0; x scores 0.9 per cross pixel.
const expected = 0.9 * Array.from({ length: 64 }, (_, q) => q).filter(onCross).length;
p.textContent = `sum of IG attributions: ${sum.toFixed(3)}; F(x) - F(baseline) = ${expected.toFixed(3)}`;
out.append(imageGrid(cells, { imageSize: 96, title: 'Attributions for class 1' }), p);
