import type { Learner, ModelFunction, ModelGraph } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * What the attribution methods explain: a core `Learner`, a tfjs-layers `LayersModel`, a
 * `ModelGraph` (an ONNX model from `@interp/onnx`, any adapter of core's model graph), or any
 * function from a batch of inputs to a batch of outputs. The differentiated "score" is the raw
 * output at the target class (logits or probabilities: whatever the model returns), as for
 * Captum's `forward_func`.
 *
 * @example
 * ```ts
 * saliencyMap(learn, x);            // a Learner
 * saliencyMap(model, x);            // a LayersModel
 * saliencyMap(await loadOnnxModel('net.onnx'), x); // a ModelGraph
 * saliencyMap((x) => f(x), x);      // a function
 * ```
 */
export type AttributionModel = Learner | LayersModel | ModelFunction | ModelGraph;

/**
 * The class whose score is explained: one class index for every item, one index per item, or
 * undefined for each item's predicted class (argmax of the model's output, ties to the lower
 * index).
 *
 * @example
 * ```ts
 * const t: Target = [3, 7]; // item 0 explains class 3, item 1 class 7
 * ```
 */
export type Target = number | readonly number[] | Int32Array | undefined;

/**
 * What every `attribute` call takes besides x (Captum's common arguments).
 *
 * @example
 * ```ts
 * const options: AttributeOptions = { target: [3, 7] };
 * ```
 */
export interface AttributeOptions {
  /** Class to explain: an index, one per item, or (default) each item's predicted class. */
  target?: Target;
  /**
   * Captum's `additional_forward_args`. interp's models take one input tensor, so only an
   * empty list (or nothing) is accepted; anything else is an InterpError.
   */
  additionalForwardArgs?: readonly unknown[];
}

/**
 * One call shape for every method (Captum's `Attribution`): `new Method(model, construction)`,
 * then `attribute(x, options)` resolving to attributions shaped like x (layer methods: like the
 * layer's output), the caller's to dispose.
 *
 * @example
 * ```ts
 * const methods: Attribution[] = [new Saliency(model), new DeepLift(model)];
 * for (const m of methods) (await m.attribute(x, { target: 0 })).dispose();
 * ```
 */
export interface Attribution<O extends AttributeOptions = AttributeOptions> {
  attribute(x: tf.Tensor, options?: O): Promise<unknown>;
}
