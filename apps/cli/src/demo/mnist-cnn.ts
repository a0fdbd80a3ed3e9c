import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * The demo CNN: conv(16, 3x3, relu) - maxpool - conv(32, 3x3, relu) - maxpool - flatten - dense(10),
 * outputting logits (trained with per-item cross-entropy from logits).
 */
export function mnistCnn(tf: typeof tfl, seed = 0): tfl.Sequential {
  const init = (s: number) => tf.initializers.heNormal({ seed: seed + s });
  const model = tf.sequential({ name: 'mnist_cnn' });
  model.add(
    tf.layers.conv2d({
      name: 'conv1',
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: init(1),
    }),
  );
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(
    tf.layers.conv2d({
      name: 'conv2',
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: init(2),
    }),
  );
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: init(3) }));
  return model;
}
