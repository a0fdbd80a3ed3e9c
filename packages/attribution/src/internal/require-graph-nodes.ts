import { InterpError, type ModelGraph } from '@interp/core';

/**
 * Methods that change gradients node by node (DeepLift, guided backprop, deconvolution, LRP)
 * need a model whose nodes are visible; a plain function has none, and running it would
 * silently give a plain-gradient result under the method's name.
 */
export function requireGraphNodes(graph: ModelGraph, where: string): void {
  if (graph.kind === 'function' || graph.nodes.length === 0) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where} applies its rules to the model's nodes, and a plain function has none; pass a tfjs-layers LayersModel, a Learner wrapping one, or a model graph such as an ONNX model`,
    );
  }
}
