import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { describe } from '../validate.js';
import type { NodeHook } from './model-graph.js';

const replacements = new WeakMap<NodeHook, tf.Tensor>();

/**
 * A hook that replaces a node's output with a given tensor, whatever the node computes. An
 * adapter that sees one may skip the node and every node only it needs (GradCAM feeds an
 * activation back in and differentiates the head alone); one that does not still gets the same
 * numbers, since the hook ignores the output it is given.
 *
 * @example
 * ```ts
 * const head = graph.run(x, { hooks: { conv5: replaceOutput(activation) } }).output;
 * ```
 */
export function replaceOutput(value: tf.Tensor): NodeHook {
  if (!(value instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `replaceOutput: value must be a tf.Tensor shaped like the node's output, got ${describe(value)}`,
    );
  }
  const hook: NodeHook = () => value;
  replacements.set(hook, value);
  return hook;
}

/**
 * The tensor a {@link replaceOutput} hook stands for, or `undefined` for any other hook (whose
 * node must then run, since the hook reads its output).
 *
 * @example
 * ```ts
 * replacementOf(replaceOutput(a)) === a; // true
 * ```
 */
export function replacementOf(hook: NodeHook): tf.Tensor | undefined {
  return replacements.get(hook);
}
