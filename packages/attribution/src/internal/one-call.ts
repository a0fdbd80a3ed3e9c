import type * as tf from '@tensorflow/tfjs-core';
import type { AttributeOptions, AttributionModel } from '../types.js';

/** A primary attribution method's class: built from the model alone, `attribute` gives a tensor. */
type PrimaryMethod<O extends AttributeOptions> = new (
  model: AttributionModel,
) => { attribute(x: tf.Tensor, options?: O): Promise<tf.Tensor> };

/**
 * The one-call form of a primary method, `(model, x, options) => new Method(model).attribute(x,
 * options)`: what saliencyMap and gradientTimesInput are.
 */
export function oneCall<O extends AttributeOptions>(
  Method: PrimaryMethod<O>,
): (model: AttributionModel, x: tf.Tensor, options?: O) => Promise<tf.Tensor> {
  // async, so a bad model rejects the promise (as every attribute call does) instead of throwing.
  return async (model, x, options) => new Method(model).attribute(x, options ?? ({} as O));
}
