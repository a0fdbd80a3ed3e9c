import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The model graph tests' hand-worked net: x (2) -> pre: dense, no bias,
 * W1 = [[1, -1, 2], [1, 1, -1]] -> act: relu -> out: dense, no bias, W2 = [2, 3, -1].
 */
export function tinyReluNet(): tfl.LayersModel {
  const x = tfl.input({ shape: [2] });
  const pre = tfl.layers
    .dense({
      name: 'pre',
      units: 3,
      useBias: false,
      weights: [
        tf.tensor2d([
          [1, -1, 2],
          [1, 1, -1],
        ]),
      ],
    })
    .apply(x) as tfl.SymbolicTensor;
  const act = tfl.layers.activation({ name: 'act', activation: 'relu' }).apply(pre);
  const out = tfl.layers
    .dense({ name: 'out', units: 1, useBias: false, weights: [tf.tensor2d([[2], [3], [-1]])] })
    .apply(act as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out });
}
