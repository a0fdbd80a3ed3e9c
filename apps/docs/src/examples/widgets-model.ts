import { arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier } from '@interp/widgets';
import * as tfl from '@tensorflow/tfjs-layers';

// The widget over a model: the landing page's pretrained digit CNN on 200 digits it never saw.
// The widget runs the model over them, and opening an item draws its attribution (pick any
// method of @interp/attribution in the menu).
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');

// The model in tfjs's format; the digits as a uint32 count N, N labels, N x 784 pixels (bytes).
const model = await tfl.loadLayersModel('models/hero-mnist-cnn.json');
const bytes = new Uint8Array(await (await fetch('data/mnist-digits.bin')).arrayBuffer());
const n = new DataView(bytes.buffer).getUint32(0, true);
const [first, count] = [1500, 200];
const images = new Float32Array(count * 784);
for (let i = 0; i < images.length; i++) images[i] = bytes[4 + n + first * 784 + i]! / 255;
const digits = arrayDataLoader(
  { data: images, shape: [count, 28, 28, 1] },
  { data: Int32Array.from(bytes.subarray(4 + first, 4 + first + count)), shape: [count] },
  { batchSize: 100, vocab: Array.from({ length: 10 }, (_, i) => String(i)) },
);
const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(digits, digits) });
const widget = new InteractiveClassifier(learn, { dsIdx: 1, title: 'A digit CNN (pretrained)' });
await widget.show(out);
