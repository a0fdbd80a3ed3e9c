import { modelSizes, summary } from '@interp/debug';
import * as tfl from '@tensorflow/tfjs-layers';

// fastai's summary and model sizes, for the MNIST CNN of the CLI demo (`interp demo` trains it).
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const conv = (name: string, filters: number, inputShape?: number[]) =>
  tfl.layers.conv2d({
    name,
    inputShape,
    filters,
    kernelSize: 3,
    activation: 'relu',
    padding: 'same',
  });
const model = tfl.sequential({
  name: 'mnist_cnn',
  layers: [
    conv('conv1', 16, [28, 28, 1]),
    tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
    conv('conv2', 32),
    tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
    tfl.layers.flatten({ name: 'flatten' }),
    tfl.layers.dense({ name: 'logits', units: 10 }),
  ],
});
const s = summary(model, { inputSize: [1, 28, 28, 1] });
const sizes = modelSizes(model);
const pre = document.createElement('pre');
pre.textContent = [
  s.text,
  '',
  `weights: ${(sizes.totalParamBytes / 1024).toFixed(1)} KiB; activations per item: ${(sizes.totalActivationBytes / 1024).toFixed(1)} KiB`,
].join('\n');
out.append(pre);
model.dispose();
