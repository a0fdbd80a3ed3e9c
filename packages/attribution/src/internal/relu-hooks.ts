import type { GraphNode, ModelGraph, NodeHook } from '@interp/core';
import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { fusedActivation, nodeActivation } from './node-activation.js';
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
 * const hooks = reluRuleHooks(graph, 'guided', layersModel, 'GuidedBackprop'); // every ReLU node
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

/**
 * Hooks by node name applying `rule` on every ReLU node of the graph. A tfjs layer with a ReLU
 * inside it (`dense({ activation: 'relu' })`) has no separate ReLU node: guided backprop's rule
 * still holds there (relu(dy) sent to the layer's output flows back through the layer's own
 * backward, which masks by the ReLU and applies the weights), but deconvolution's (relu(dy) past
 * the mask, still through the weights) cannot be expressed, so it is refused with the fix rather
 * than silently giving the plain gradient.
 */
export function reluRuleHooks(
  graph: ModelGraph,
  rule: ReluRule,
  layersModel: unknown,
  where: string,
): Record<string, NodeHook> {
  const hooks: Record<string, NodeHook> = {};
  for (const node of graph.nodes) {
    const fused = fusedActivation(node, graph, layersModel) === 'relu';
    if (fused && rule === 'deconv') {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: layer ${JSON.stringify(node.name)} (${node.op}) applies its relu inside the layer, so the deconvolution ReLU rule cannot reach it; build the layer with activation 'linear' followed by a separate tf.layers.reLU or tf.layers.activation layer`,
      );
    }
    if (fused || isReluNode(node, graph, layersModel)) hooks[node.name] = reluRuleHook(rule);
  }
  return hooks;
}
