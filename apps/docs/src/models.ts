import { mnistCnn as demoMnistCnn, mnistCamCnn } from '@interp/example-data/models';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The CLI demo's MNIST classifier (`interp demo` trains it): conv(16) - maxpool - conv(32) -
 * maxpool - flatten - dense(10) logits.
 */
export function mnistCnn(seed = 0): tfl.Sequential {
  return demoMnistCnn(tfl, seed);
}

/**
 * The site's MNIST classifier (the MNIST page trains it, the landing page's hero loads committed
 * weights of it): conv(16) - pool - conv(32) - pool - conv(32) - global average pool - dense(10)
 * logits. The global-average-pool head makes Grad-CAM on the last conv layer a class activation
 * map; the CLI demo's flatten + dense head gave all-zero maps.
 */
export function mnistClassifier(seed = 0): tfl.Sequential {
  return mnistCamCnn(tfl, seed);
}

/**
 * A small segmentation net for MNIST masks (11 classes: background + one per digit): local
 * features at full resolution, concatenated with a global summary of the digit broadcast to
 * every pixel (which digit it is needs the whole image), then a 1x1 conv to per-pixel logits.
 */
export function mnistSegmenter(seed = 0): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  const input = tfl.input({ shape: [28, 28, 1] });
  const conv = (filters: number, s: number) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(s),
    });
  const local = conv(8, 1).apply(input) as tfl.SymbolicTensor;
  let x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(local) as tfl.SymbolicTensor;
  x = conv(16, 2).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = conv(32, 3).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({ units: 16, activation: 'relu', kernelInitializer: init(4) })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reshape({ targetShape: [1, 1, 16] }).apply(x) as tfl.SymbolicTensor;
  const global = tfl.layers.upSampling2d({ size: [28, 28] }).apply(x) as tfl.SymbolicTensor;
  const both = tfl.layers.concatenate().apply([global, local]) as tfl.SymbolicTensor;
  const logits = tfl.layers
    .conv2d({ filters: 11, kernelSize: 1, kernelInitializer: init(5) })
    .apply(both) as tfl.SymbolicTensor;
  return tfl.model({ name: 'mnist_segmenter', inputs: input, outputs: logits });
}
