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
