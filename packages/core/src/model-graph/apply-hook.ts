import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { describe } from '../validate.js';
import type { NodeHook, NodeHookContext } from './model-graph.js';

/**
 * Runs a forward hook on a node's output and returns what flows downstream: the hook's
 * replacement, or the output itself when the hook returns nothing. A replacement must be a
 * tensor of the output's shape, since every node after it was built for that shape. Shared by
 * the model-graph adapters.
 *
 * @example
 * ```ts
 * const y = applyHook((out) => tf.relu(out), output, { node, inputs });
 * ```
 */
export function applyHook(hook: NodeHook, output: tf.Tensor, context: NodeHookContext): tf.Tensor {
  const replaced: unknown = hook(output, context);
  if (replaced === undefined) return output;
  const name = JSON.stringify(context.node.name);
  if (!(replaced instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `the hook on ${name} returned ${describe(replaced)}; a hook returns a tensor shaped like the node's output, or nothing to keep it`,
    );
  }
  const same =
    replaced.rank === output.rank &&
    replaced.shape.every((d: number, i: number) => d === output.shape[i]);
  if (!same) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `the hook on ${name} returned shape [${replaced.shape.join(', ')}] for an output of shape [${output.shape.join(', ')}]; a replacement must keep the shape`,
    );
  }
  return replaced;
}
