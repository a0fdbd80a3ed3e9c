// Model builders shared by the CLI demo and the docs site. Browser-safe (no Node modules), and
// the caller passes its tfjs-layers module, so the CLI can load tfjs lazily and the docs bundle
// keeps one copy of it.
import type * as tfjsLayers from '@tensorflow/tfjs-layers';

/**
 * The demo's MNIST classifier: conv(16, 3x3, relu) - maxpool - conv(32, 3x3, relu) - maxpool -
 * flatten - dense(10), outputting logits (trained with per-item cross-entropy from logits).
 * `seed` seeds the He-normal initializers, so the same seed gives the same weights.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = mnistCnn(tfl, 0); // [N, 28, 28, 1] -> [N, 10] logits, 20,490 parameters
 * ```
 */
export function mnistCnn(tfl: typeof tfjsLayers, seed = 0): tfjsLayers.Sequential {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  const model = tfl.sequential({ name: 'mnist_cnn' });
  model.add(
    tfl.layers.conv2d({
      name: 'conv1',
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: init(1),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(
    tfl.layers.conv2d({
      name: 'conv2',
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: init(2),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: 'logits', units: 10, kernelInitializer: init(3) }));
  return model;
}

/**
 * A small MNIST CNN whose Grad-CAM maps mean something: conv(16) - maxpool - conv(32) - maxpool -
 * conv(32) - global average pool - dense(10) logits (all 3x3 convs with relu, padding 'same').
 * With a global-average-pool head each channel's Grad-CAM weight is exactly its dense weight
 * (CAM, Zhou et al. 2016), so the last conv layer's map shows where the class's evidence is. A
 * flatten + dense head (as {@link mnistCnn}) averages position-specific weights, mostly those of
 * empty background positions, and its maps are usually all zero after the ReLU.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * const model = mnistCamCnn(tfl, 0); // [N, 28, 28, 1] -> [N, 10] logits, 14,378 parameters
 * ```
 */
export function mnistCamCnn(tfl: typeof tfjsLayers, seed = 0): tfjsLayers.Sequential {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  const conv = (name: string, filters: number, s: number, inputShape?: number[]) =>
    tfl.layers.conv2d({
      name,
      ...(inputShape ? { inputShape } : {}),
      filters,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: init(s),
    });
  const model = tfl.sequential({ name: 'mnist_cam_cnn' });
  model.add(conv('conv1', 16, 1, [28, 28, 1]));
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(conv('conv2', 32, 2));
  model.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(conv('conv3', 32, 3));
  model.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(tfl.layers.dense({ name: 'logits', units: 10, kernelInitializer: init(4) }));
  return model;
}
