import { arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier } from '@interp/widgets';
import * as tfl from '@tensorflow/tfjs-layers';

// A small CNN trained beforehand (apps/docs/scripts/train-hero.mjs; 57 KB of weights) on MNIST
// digits it never saw here: its 500 predictions in the widget, and the Grad-CAM of the most
// confused pair's worst item, computed in your browser on load.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');

// The site serves the model in tfjs's format (model.json + weights) and 2,000 MNIST digits in one
// file: a little-endian uint32 count N, N label bytes, then N x 784 pixel bytes (0..255).
const [model, bytes] = await Promise.all([
  tfl.loadLayersModel('models/hero-mnist-cnn.json'),
  fetch('data/mnist-digits.bin')
    .then((r) => r.arrayBuffer())
    .then((b) => new Uint8Array(b)),
]);
const n = new DataView(bytes.buffer).getUint32(0, true);
const [first, count] = [1500, 500];
const labels = Int32Array.from(bytes.subarray(4 + first, 4 + first + count));
const pixels = bytes.subarray(4 + n + first * 784, 4 + n + (first + count) * 784);
// A plain loop: Float32Array.from(pixels, fn) takes over 200 ms here, one long task on the page.
const images = new Float32Array(pixels.length);
for (let i = 0; i < pixels.length; i++) images[i] = pixels[i]! / 255;

const digits = arrayDataLoader(
  { data: images, shape: [count, 28, 28, 1] },
  { data: labels, shape: [count] },
  { batchSize: 250, vocab: Array.from({ length: 10 }, (_, i) => String(i)) },
);
const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(digits, digits) });
const widget = new InteractiveClassifier(learn, {
  attribution: 'gradcam',
  title: 'A digit classifier, explained live',
});
await widget.show(out);
// Open the errors users look for first: the most confused pair, largest loss first.
const [actual, predicted] = widget.interp?.mostConfused(1)[0] ?? [];
const names = widget.interp?.classNames ?? [];
if (actual !== undefined && predicted !== undefined) {
  widget.selectCell(names.indexOf(actual), names.indexOf(predicted));
  const item = widget.visibleItems()[0];
  if (item !== undefined) await widget.selectItem(item);
}
out.dataset.firstResultAt = String(performance.now()); // the site's tests time the hero by it
