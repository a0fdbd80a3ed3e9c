import { type GraphNode, InterpError, type ModelGraph, type NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { nodeActivation } from './node-activation.js';
import { withNodeGradient } from './node-gradient.js';

/** Captum's default stabilizer of the epsilon rule (`EpsilonRule(epsilon=1e-9)`). */
export const lrpEpsilon = 1e-9;

/** How LRP treats a node (Captum's SUPPORTED_LAYERS_WITH_RULES and SUPPORTED_NON_LINEAR_LAYERS). */
export type LrpNodeKind = 'rule' | 'pass-relevance' | 'reshape';

const ONNX_KINDS: Record<string, LrpNodeKind> = {
  Gemm: 'rule',
  MatMul: 'rule',
  Conv: 'rule',
  BatchNormalization: 'rule',
  MaxPool: 'rule',
  AveragePool: 'rule',
  GlobalAveragePool: 'rule',
  Add: 'rule',
  Relu: 'pass-relevance',
  Tanh: 'pass-relevance',
  Dropout: 'pass-relevance',
  Flatten: 'reshape',
  Reshape: 'reshape',
  Identity: 'reshape',
  // A bias-free nn.Linear exports as Transpose(weight) -> MatMul inside the module.
  Transpose: 'reshape',
  Squeeze: 'reshape',
  Unsqueeze: 'reshape',
};

const LAYER_KINDS: Record<string, LrpNodeKind> = {
  Dense: 'rule',
  Conv2D: 'rule',
  BatchNormalization: 'rule',
  MaxPooling2D: 'rule',
  AveragePooling2D: 'rule',
  GlobalAveragePooling2D: 'rule',
  Add: 'rule',
  ReLU: 'pass-relevance',
  Dropout: 'pass-relevance',
  Flatten: 'reshape',
  Reshape: 'reshape',
};

/**
 * LRP's kind of a node: a layer with a rule (linear, conv, batch norm, pooling, add: epsilon
 * rule), a nonlinearity that passes relevance through unchanged (ReLU, Tanh, Dropout), or a node
 * whose plain gradient applies (reshapes; functional ops of a PyTorch export, which Captum does
 * not see). Any other module is unsupported, as in Captum (which raises on layers without a rule).
 */
export function lrpNodeKind(
  node: GraphNode,
  graph: ModelGraph,
  layersModel?: unknown,
): LrpNodeKind | undefined {
  if (graph.kind !== 'layers') {
    // In a PyTorch export with module scopes, a node outside any module is a functional op
    // (torch.cat, slicing, flatten): Captum hooks modules only, so its plain gradient applies.
    const scoped = graph.nodes.some((n) => n.modulePath);
    if (scoped && !node.modulePath) return 'reshape';
    return ONNX_KINDS[node.op];
  }
  const activation = nodeActivation(node, graph, layersModel);
  if (activation === 'fused') return undefined;
  if (node.op === 'Activation')
    return activation === 'relu' || activation === 'tanh' ? 'pass-relevance' : undefined;
  return LAYER_KINDS[node.op];
}

/**
 * The hooks that make the gradient of the target score carry LRP's normalized relevance, as
 * Captum's PropagationRule hooks do: on a rule node's output the gradient is divided by
 * (z + epsilon sign(z)) (sign 0 counted as +1) and goes through the node's own gradient; on a
 * tensor a rule node reads it is multiplied by that tensor; ReLU/Tanh/Dropout pass it straight
 * to their input. The model input's multiplication (it feeds the first rule node) and the final
 * scaling by the target score are the caller's. Throws NOT_SUPPORTED naming the unsupported ops.
 *
 * @example
 * ```ts
 * const { hooks, inputFeedsRule } = lrpHooks(graph, 'LRP', layersModel);
 * ```
 */
export function lrpHooks(
  graph: ModelGraph,
  where: string,
  layersModel?: unknown,
  epsilon = lrpEpsilon,
): { hooks: Record<string, NodeHook>; inputFeedsRule: boolean } {
  const kinds = new Map<GraphNode, LrpNodeKind>();
  const unsupported = new Set<string>();
  for (const node of graph.nodes) {
    const kind = lrpNodeKind(node, graph, layersModel);
    const fused = graph.kind === 'layers' && nodeActivation(node, graph, layersModel) === 'fused';
    if (kind === undefined) unsupported.add(fused ? `${node.op} with a fused activation` : node.op);
    else kinds.set(node, kind);
  }
  if (unsupported.size > 0) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where}: LRP has no rule for node op(s) ${[...unsupported].join(', ')} (as Captum's LRP); supported: linear, convolution, batch norm, max/average pooling, add, ReLU, Tanh, dropout, flatten (a tfjs layer's activation must be a separate layer)`,
    );
  }
  const producer = new Map<string, GraphNode>();
  for (const node of graph.nodes) for (const out of node.outputs) producer.set(out, node);
  const multiplies = new Set<GraphNode>();
  let inputFeedsRule = false;
  for (const [node, kind] of kinds) {
    if (kind !== 'rule') continue;
    for (const name of node.inputs) {
      const p = producer.get(name);
      if (p) multiplies.add(p);
      else if (isGraphInput(name, graph)) inputFeedsRule = true;
    }
  }
  const hooks: Record<string, NodeHook> = {};
  for (const [node, kind] of kinds) {
    const times = multiplies.has(node);
    if ((kind === 'reshape' && !times) || node.inputs.length === 0) continue;
    hooks[node.name] = (output, { inputs }) =>
      withNodeGradient(inputs[0]!, output, (dy, inp, out) => {
        const g = times ? tf.mul(dy, out) : dy;
        if (kind === 'pass-relevance') return [g, tf.zerosLike(out)];
        if (kind === 'reshape') return [tf.zerosLike(inp), g];
        const sign = tf.sub(tf.mul(tf.cast(tf.greaterEqual(out, 0), 'float32'), 2), 1);
        return [tf.zerosLike(inp), tf.div(g, tf.add(out, tf.mul(sign, epsilon)))];
      });
  }
  return { hooks, inputFeedsRule };
}

/** Whether a tensor name is the graph's input rather than a weight (ONNX initializers are named too). */
function isGraphInput(name: string, graph: ModelGraph): boolean {
  // Weights are read only by the nodes that own them; the model input is read by the first
  // node(s) as their first input.
  return (
    graph.nodes.some((n) => n.inputs[0] === name) &&
    !graph.nodes.some((n) => n.outputs.includes(name))
  );
}
