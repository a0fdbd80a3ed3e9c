import type { GraphNode, ModelGraph } from '@interp/core';

/** The nonlinearities DeepLift and the ReLU rules know, by Captum's module classes. */
export type NodeActivation =
  | 'relu'
  | 'elu'
  | 'leakyrelu'
  | 'sigmoid'
  | 'tanh'
  | 'softplus'
  | 'softmax'
  | 'maxpool';

/**
 * What a node computes, as far as the gradient rules care: one of Captum's supported
 * nonlinearities (`SUPPORTED_NON_LINEAR`: ReLU, ELU, LeakyReLU, Sigmoid, Tanh, Softplus,
 * Softmax, MaxPool), `fused` for a tfjs layer that applies a nonlinear activation inside itself
 * (Dense or Conv2D with `activation: 'relu'`: no separate node to hook), or undefined.
 */
export function nodeActivation(
  node: GraphNode,
  graph: ModelGraph,
  layersModel?: unknown,
): NodeActivation | 'fused' | undefined {
  if (graph.kind !== 'layers') return ONNX_OPS[node.op];
  const config = layerConfig(layersModel, node.name);
  switch (node.op) {
    case 'ReLU':
      return config?.maxValue === null || config?.maxValue === undefined ? 'relu' : undefined;
    case 'ELU':
      return 'elu';
    case 'LeakyReLU':
      return 'leakyrelu';
    case 'Softmax':
      return 'softmax';
    case 'MaxPooling2D':
      return 'maxpool';
    case 'Activation':
      return ACTIVATIONS[String(config?.activation)];
    default: {
      const activation = config?.activation;
      if (typeof activation === 'string' && activation !== 'linear') return 'fused';
      return undefined;
    }
  }
}

const ONNX_OPS: Record<string, NodeActivation> = {
  Relu: 'relu',
  Elu: 'elu',
  LeakyRelu: 'leakyrelu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
  Softmax: 'softmax',
  MaxPool: 'maxpool',
};

const ACTIVATIONS: Record<string, NodeActivation> = {
  relu: 'relu',
  elu: 'elu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softplus: 'softplus',
  softmax: 'softmax',
};

interface LayerLike {
  name: string;
  layers?: LayerLike[];
  getConfig(): Record<string, unknown>;
}

/** The config of the layer named `name` in a LayersModel, nested models searched too. */
/**
 * The activation a tfjs layer applies inside itself (`'relu'` for `dense({ activation: 'relu' })`),
 * or undefined for a separate activation layer, a linear layer or a non-layers graph.
 */
export function fusedActivation(
  node: GraphNode,
  graph: ModelGraph,
  layersModel?: unknown,
): string | undefined {
  if (nodeActivation(node, graph, layersModel) !== 'fused') return undefined;
  return String(layerConfig(layersModel, node.name)?.activation);
}

function layerConfig(model: unknown, name: string): Record<string, unknown> | undefined {
  const layers = (model as { layers?: LayerLike[] } | undefined)?.layers;
  if (!Array.isArray(layers)) return undefined;
  for (const layer of layers) {
    if (layer.name === name) return layer.getConfig();
    const inner = layerConfig(layer, name);
    if (inner) return inner;
  }
  return undefined;
}
