import type { GraphNode, ModelGraph, NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { nodeActivation } from './node-activation.js';
import { withNodeGradient } from './node-gradient.js';

/** Which ReLU backward rule to apply: guided backprop's or deconvolution's. */
export type ReluRule = 'guided' | 'deconv';

/**
 * A hook that changes a ReLU node's gradient, as Captum's ModifiedReluGradientAttribution does
 * with a backward hook on every `nn.ReLU`: `guided` passes relu(dy) back through the ReLU's own
 * gradient (relu(dy) where the input was positive, 0 elsewhere: guided backprop), `deconv` passes
 * relu(dy) straight to the input whatever its sign (deconvolution). The node's output is unchanged.
 *
 * @example
 * ```ts
 * const hooks = reluRuleHooks(graph, 'guided', layersModel); // every ReLU node
 * graph.run(x, { hooks });
 * ```
 */
export function reluRuleHook(rule: ReluRule): NodeHook {
  return (output, { inputs }) => {
    // Sending relu(dy) to the output lets it flow through the ReLU's own backward (which masks
    // by input > 0); sending it to the input bypasses that mask.
    return withNodeGradient(inputs[0]!, output, (dy, inp, out) => {
      const g = tf.relu(dy);
      return rule === 'guided' ? [tf.zerosLike(inp), g] : [g, tf.zerosLike(out)];
    });
  };
}

/** True for a node that is a ReLU (ONNX `Relu`, a tfjs `ReLU` layer or `Activation('relu')`). */
export function isReluNode(node: GraphNode, graph: ModelGraph, layersModel?: unknown): boolean {
  return nodeActivation(node, graph, layersModel) === 'relu';
}

/** Hooks by node name applying `rule` on every ReLU node of the graph. */
export function reluRuleHooks(
  graph: ModelGraph,
  rule: ReluRule,
  layersModel?: unknown,
): Record<string, NodeHook> {
  const hooks: Record<string, NodeHook> = {};
  for (const node of graph.nodes) {
    if (isReluNode(node, graph, layersModel)) hooks[node.name] = reluRuleHook(rule);
  }
  return hooks;
}
