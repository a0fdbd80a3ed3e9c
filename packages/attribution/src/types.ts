import type { Learner, ModelFunction, ModelGraph } from '@interp/core';
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
