import { targetInputGradient } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { asScoreMatrix, type ResolvedModel } from './resolve-model.js';

/**
 * d(sum_r mask[r, :] . f(x)[r, :]) / dx: with a (weighted) one-hot mask, row r of the result is
 * the gradient of row r's target score times its weight. Rows are independent because the model
 * runs in inference mode, so one pass serves the whole batch. A tfjs-layers model goes through
 * core's targetInputGradient (one forward pass and a tape-free backward pass when its layers
 * allow, tf.grad otherwise), and so does a graph with its own input gradient (an ONNX model's
 * tape-free backward); a plain function through tf.grad.
 */
export function targetGradient(
  model: ResolvedModel,
  x: tf.Tensor,
  mask: tf.Tensor2D,
  where: string,
): tf.Tensor {
  if (model.layersModel !== undefined || model.graph.inputGradient !== undefined) {
    const { gradient, outputs } = targetInputGradient(model.layersModel ?? model.graph, x, mask);
    outputs.dispose();
    return gradient;
  }
  const n = x.shape[0]!;
  return tf.grad((z: tf.Tensor) => tf.sum(tf.mul(asScoreMatrix(model.forward(z), n, where), mask)))(
    x,
  );
}
