import { modelSizes, summary } from '@interp/debug';
import { mnistCnn } from '../models.js';

// fastai's summary and model sizes, for the MNIST CNN of the demo.
export default async function run(out: HTMLElement): Promise<void> {
  const model = mnistCnn();
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
}
