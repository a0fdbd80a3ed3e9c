import type * as tf from '@tensorflow/tfjs-core';

/**
 * The image layout a model expects: channels last (tfjs), channels first (most ONNX exports from
 * PyTorch), or no image axes at all (tables, vectors).
 */
export type ImageLayout = 'NHWC' | 'NCHW' | 'none';

/** A dimension of a shape; `null` where the model leaves it free (the batch axis). */
export type Dim = number | null;

/** One node of a model graph: a layer of a LayersModel, a node of an ONNX or GraphModel graph. */
export interface GraphNode {
  /** Unique name: the layer name (tfjs) or the node name (ONNX, `/layer4/layer4.1/relu_1/Relu`). */
  readonly name: string;
  /** Op type as the framework names it: `Conv2D`, `Dense` (tfjs layers), `Conv`, `Relu` (ONNX). */
  readonly op: string;
  /** Names of the tensors the node reads. */
  readonly inputs: readonly string[];
  /** Names of the tensors the node writes; the first is the node's main output. */
  readonly outputs: readonly string[];
  /** Shape of the main output, batch axis `null`; `undefined` when it cannot be known statically. */
  readonly outputShape: readonly Dim[] | undefined;
  /** Number of parameters the node holds (weights and biases), for `summary`. */
  readonly params: number;
  /** Trainable parameters (equal to `params` where the framework does not say otherwise). */
  readonly trainableParams: number;
  /**
   * Module path of the node (`layer4.1.conv1`, `features.18`), where the export keeps one; a
   * `layer` query may name any prefix of it.
   */
  readonly modulePath?: string;
}

/** A parameter tensor a node reads: a weight or bias, an ONNX initializer, a GraphModel weight. */
export interface GraphParameter {
  /** Name of the tensor (`fc1.weight`, `dense_1/kernel`). */
  readonly name: string;
  /** The node that reads it (the first reader when several do). */
  readonly node: string;
  /** Its values, owned by the model: read them, do not dispose them. */
  readonly value: tf.Tensor;
  /**
   * True for a `tf.Variable` the model trains (LayersModel trainable weights); false for frozen
   * weights and for constants (ONNX initializers, GraphModel weights), which have no optimizer.
   */
  readonly trainable: boolean;
}

/** What a hook sees besides the node's output. */
export interface NodeHookContext {
  readonly node: GraphNode;
  /** The tensors the node read, in `node.inputs` order (for rules such as DeepLift's rescale). */
  readonly inputs: readonly tf.Tensor[];
}

/**
 * A forward hook, as PyTorch's `register_forward_hook`: receives a node's main output and may
 * return a tensor that replaces it downstream (same shape). Returning `undefined` keeps the output.
 * A hook may wrap the output in `tf.customGrad` to change the node's gradient (guided backprop,
 * deconvolution, DeepLift rules).
 */
export type NodeHook = (
  output: tf.Tensor,
  context: NodeHookContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing keeps the output
) => tf.Tensor | undefined | void;

export interface GraphRunOptions {
  /** Node names (or layer queries, see `ModelGraph.findNode`) whose outputs to return. */
  taps?: readonly string[];
  /** Hooks by node name, run on that node's main output. */
  hooks?: Readonly<Record<string, NodeHook>>;
  /** Training mode (dropout, batch statistics); default false. */
  training?: boolean;
}

export interface GraphRunResult {
  /** The model's (first) output. */
  output: tf.Tensor;
  /** Each tapped node's output (after its hook), by the node name that was asked for. */
  taps: Record<string, tf.Tensor>;
}

/**
 * One interface for every model interp runs: tfjs LayersModels, tfjs GraphModels and ONNX models.
 * `run` is differentiable (it builds on tfjs ops inside the caller's `tf.grad` or `tf.tidy`).
 * Tensors returned by `run` belong to the caller.
 */
export interface ModelGraph {
  /** Which adapter built the graph (`custom`: written by hand, e.g. a test's graph of tf ops). */
  readonly kind: 'layers' | 'graph-model' | 'onnx' | 'function' | 'custom';
  /** Nodes in execution order (inputs excluded). */
  readonly nodes: readonly GraphNode[];
  /** Shape of the model input, batch axis `null`. */
  readonly inputShape: readonly Dim[];
  /** Shape of the model's (first) output, batch axis `null`. */
  readonly outputShape: readonly Dim[];
  /** Image layout of the input (`none` for inputs that are not images). */
  readonly layout: ImageLayout;
  /** Forward pass with taps and hooks. */
  run(x: tf.Tensor, options?: GraphRunOptions): GraphRunResult;
  /** Forward pass in inference mode; same as `run(x).output`. */
  predict(x: tf.Tensor): tf.Tensor;
  /**
   * Finds a node by node name, by the name of a tensor it outputs, or by a module path prefix
   * (`layer4`, `features.18`: the last node under that prefix). Throws `InterpError` with the
   * closest names when nothing matches.
   */
  findNode(query: string): GraphNode;
  /**
   * The parameter tensors of the nodes, in node order (float weights only, each once); absent
   * where the adapter cannot see them (a plain function).
   */
  parameters?(): readonly GraphParameter[];
  /**
   * Optional: d(score)/d(x) and the outputs of the same forward pass, computed by the adapter
   * without the gradient tape (ONNX, GraphModel: a backward walk of its graph). `seed` maps the outputs to
   * d(score)/d(outputs). Returns undefined when it cannot (targetInputGradient then uses tf.grad);
   * the two tensors are the caller's.
   */
  inputGradient?(
    x: tf.Tensor,
    seed: (outputs: tf.Tensor) => tf.Tensor,
  ): { outputs: tf.Tensor; gradient: tf.Tensor } | undefined;
  /**
   * Optional: the model's affine prefix, the chain of nodes from the input up to its first
   * non-linearity (a first Conv with its bias, a BatchNormalization after it, ...), split off so
   * that a method evaluating the model along straight lines (Integrated Gradients) runs it once
   * per item instead of once per path point, and its input gradient once per item too. Undefined
   * when the model has none (its first node is not affine, or nothing follows the prefix).
   */
  affinePrefix?(): AffinePrefix | undefined;
  /** Frees what the adapter owns (ONNX initializers); a LayersModel adapter leaves the model alone. */
  dispose(): void;
}

/**
 * The affine map P the model starts with, and the rest of the model T after it: F(x) = T(P(x)).
 * Tensors of the prefix's output space ("prefix tensors") have the batch on axis 0; the layout
 * of their other axes is the adapter's own (an ONNX model keeps a conv's output channels-last):
 * combine their rows linearly, hand them back, but do not read their axes. P(b + a (x - b)) =
 * P(b) + a (P(x) - P(b)), and the input gradient of F is J_P^T of the tail's, so a straight path
 * needs P at its two ends and J_P^T once. All returned tensors are the caller's.
 *
 * @example
 * ```ts
 * const prefix = graph.affinePrefix?.();
 * const px = prefix.apply(x); // once per item
 * const r = prefix.tailGradient(rows, (out) => mask); // rows: combinations of px rows
 * const dx = prefix.transpose(r.gradient); // shaped like x
 * ```
 */
export interface AffinePrefix {
  /** Name of the prefix's last node: the tail reads its output. */
  readonly node: string;
  /**
   * Multiply-adds per value of the prefix's output (a conv: kernel height x width x input
   * channels per group; ResNet-18's first conv 147, MobileNetV2's 27): the work per path point
   * the split saves for each value, against the few element-wise passes over the (larger)
   * prefix rows it adds. A caller uses the prefix where this is large enough.
   */
  readonly macsPerOutput: number;
  /** P(x) for a batch x shaped like the model input: a prefix tensor. */
  apply(x: tf.Tensor): tf.Tensor;
  /**
   * J_P^T g for a prefix tensor g (a gradient with respect to P's output): the gradient with
   * respect to the model input, shaped like the model input with g's batch. P's offset (biases)
   * plays no part.
   */
  transpose(g: tf.Tensor): tf.Tensor;
  /**
   * The tail's outputs for prefix rows `a` (T(a): what the model outputs for an x with P(x) = a)
   * and d(score)/d(a), a prefix tensor shaped like `a`; `seed` maps the outputs to
   * d(score)/d(outputs) (a new tensor), as in `inputGradient`. Undefined when the adapter cannot
   * (the caller then differentiates the whole model).
   */
  tailGradient(
    a: tf.Tensor,
    seed: (outputs: tf.Tensor) => tf.Tensor,
  ): { outputs: tf.Tensor; gradient: tf.Tensor } | undefined;
}
