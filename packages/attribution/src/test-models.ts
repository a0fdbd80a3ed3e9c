// Small models with attributions known in closed form, shared by the tests.
import { arrayDataLoader, DataLoaders, Learner, type ModelFunction } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** W is D x C (row-major): f(x) = x W + bias, so d f_k / d x = W[:, k]. */
export const LINEAR_W = [
  [1, -2, 0.5],
  [3, 0.25, -1],
  [-0.5, 2, 4],
  [0, -3, 1.5],
];
export const LINEAR_BIAS = [0.1, -0.2, 0.3];

/** Two items for the linear model (the tests' hand-worked values use these). */
export const LINEAR_X = [
  [1, 2, -1, 0.5],
  [-2, 0.5, 3, 1],
];

export function linearModel(): ModelFunction {
  return (x) =>
    tf.tidy(() =>
      tf.add(
        tf.matMul(tf.reshape(x, [x.shape[0]!, -1]), tf.tensor2d(LINEAR_W)),
        tf.tensor1d(LINEAR_BIAS),
      ),
    );
}

/** The same linear map as a tfjs-layers dense model. */
export function linearLayersModel(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [4], units: 3, useBias: true })],
  });
  m.layers[0]!.setWeights([tf.tensor2d(LINEAR_W), tf.tensor1d(LINEAR_BIAS)]);
  return m;
}

/** Captum's toy model: f(x1, x2) = relu(relu(x1) - 1 - relu(x2)), one output per item. */
export function captumToyModel(): ModelFunction {
  return (x) =>
    tf.tidy(() => {
      const [x1, x2] = tf.split(x, 2, 1);
      return tf.relu(tf.sub(tf.sub(tf.relu(x1!), 1), tf.relu(x2!)));
    });
}

/** A Learner around `model` with an empty-ish data pipeline (attribution never reads it). */
export function learnerFor(model: tfl.LayersModel | ModelFunction): Learner {
  const x = { data: new Float32Array(4), shape: [1, 4] };
  const y = { data: new Int32Array(1), shape: [1] };
  const dl = arrayDataLoader(x, y);
  return new Learner(model, { dls: new DataLoaders(dl, dl) });
}

/** The demo CNN: conv(16,3x3,relu)-maxpool-conv(32,3x3,relu)-maxpool-flatten-dense(10). */
export function demoCnn(seed = 0): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 10,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }),
      }),
    ],
  });
}
