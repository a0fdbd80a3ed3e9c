import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradient of a node's input and of its output given the gradient `dy` reaching its
 * output, and the node's input and output tensors.
 */
export type NodeGradientRule = (
  dy: tf.Tensor,
  input: tf.Tensor,
  output: tf.Tensor,
) => [forInput: tf.Tensor, forOutput: tf.Tensor];

/**
 * Returns the node's output unchanged but with its backward pass rewritten: `rule` splits dy
 * into a part sent straight to the node's input (bypassing the node's own gradient) and a part
 * sent to its output (which then flows through the node's own gradient). The total reaching the
 * input is their sum. This is how a forward hook replaces a module's backward, as Captum's
 * backward hooks do.
 *
 * @example
 * ```ts
 * // guided backprop on a ReLU node: relu(dy) through the ReLU's own mask
 * const hook: NodeHook = (out, { inputs }) =>
 *   withNodeGradient(inputs[0]!, out, (dy, inp) => [tf.zerosLike(inp), tf.relu(dy)]);
 * ```
 */
export function withNodeGradient(
  input: tf.Tensor,
  output: tf.Tensor,
  rule: NodeGradientRule,
): tf.Tensor {
  const f = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [inp, out, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([inp, out]);
    return {
      value: tf.clone(out),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        rule(dy as tf.Tensor, saved[0]!, saved[1]!),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return f(input, output);
}
