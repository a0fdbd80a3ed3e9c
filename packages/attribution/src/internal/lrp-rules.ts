import { type GraphNode, InterpError, type ModelGraph } from '@interp/core';
import { EpsilonRule, isLrpRule, type LrpRule } from './lrp-rule.js';
import type { Rebuild } from './lrp-weights.js';
import { nodeActivation } from './node-activation.js';

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
  // nn.AvgPool2d with padding exports as Constant -> Pad -> AveragePool inside the module: the
  // zero padding is linear, so its plain gradient gives Captum's module-level rule.
  Pad: 'reshape',
  Constant: 'reshape',
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

/** The node types LRP handles, for error messages and docs. */
export const lrpSupportedNodes =
  'linear (Gemm, MatMul, Dense), convolution, batch norm, max/average pooling and add (epsilon rule by default), ReLU, Tanh and dropout (relevance passed through), flatten, reshape and zero padding';

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

/** How the relevance of a tensor read by rule nodes is formed (Captum's input hook). */
export type LrpTensorAction =
  | { kind: 'times' }
  // IdentityRule's input hook: the relevance of that node's output replaces the tensor's.
  | { kind: 'identity'; node: string };

/** What LRP does at every node and tensor of a graph. */
export interface LrpPlan {
  readonly kinds: ReadonlyMap<string, LrpNodeKind>;
  /** The rule of every rule node, by node name. */
  readonly rules: ReadonlyMap<string, LrpRule>;
  /** By tensor name (node outputs and the graph input): how its relevance is formed. */
  readonly tensorActions: ReadonlyMap<string, LrpTensorAction>;
  /**
   * The graph input's name as the nodes read it, if a rule node reads exactly one tensor no node
   * writes (the run also finds it by identity, for graphs that name it otherwise).
   */
  readonly inputName: string | undefined;
  /** Weight-rule rebuilds found for an input shape (checked once per shape, see lrpRebuilds). */
  readonly rebuildCache: Map<string, Map<string, Rebuild>>;
}

/** Options of {@link lrpPlan}. */
export interface LrpPlanOptions {
  /** Epsilon of the default EpsilonRule. */
  epsilon: number;
  /** Explicit rules by node name or module path. */
  rules?: Readonly<Record<string, LrpRule>>;
  layersModel?: unknown;
}

/**
 * Captum's LRP set-up on a model graph: each node's kind, the rule of each rule node (explicit
 * ones from `rules`, keyed by node name or by module path, else EpsilonRule), and for each tensor
 * a rule node reads, what the first such node (in execution order) does to its relevance, as
 * Captum registers one input hook per tensor. Throws NOT_SUPPORTED naming unsupported nodes and
 * INVALID_ARGUMENT for a rules key that names no node or a rule on a pass-through node.
 *
 * @example
 * ```ts
 * const plan = lrpPlan(graph, 'LRP', { epsilon: 1e-9, rules: { fc1: new GammaRule() } });
 * ```
 */
export function lrpPlan(graph: ModelGraph, where: string, options: LrpPlanOptions): LrpPlan {
  const explicit = explicitRules(graph, where, options.rules ?? {}, options.layersModel);
  const kinds = new Map<string, LrpNodeKind>();
  const unsupported: GraphNode[] = [];
  for (const node of graph.nodes) {
    const kind = explicit.has(node.name) ? 'rule' : lrpNodeKind(node, graph, options.layersModel);
    if (kind === undefined) unsupported.push(node);
    else kinds.set(node.name, kind);
  }
  if (unsupported.length > 0) {
    const fused = (n: GraphNode) =>
      graph.kind === 'layers' && nodeActivation(n, graph, options.layersModel) === 'fused';
    const ops = [
      ...new Set(unsupported.map((n) => (fused(n) ? `${n.op} with a fused activation` : n.op))),
    ];
    const names = unsupported.slice(0, 5).map((n) => JSON.stringify(n.name));
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where}: LRP has no rule for node op(s) ${ops.join(', ')} (node(s) ${names.join(', ')}${unsupported.length > 5 ? ', ...' : ''}), as Captum's LRP; supported: ${lrpSupportedNodes}. Give such a node an explicit rule in options.rules (as Captum's module.rule), or make a tfjs layer's activation a separate layer`,
    );
  }
  const rules = new Map<string, LrpRule>();
  const fallback = new EpsilonRule({ epsilon: options.epsilon });
  for (const node of graph.nodes) {
    if (kinds.get(node.name) === 'rule') rules.set(node.name, explicit.get(node.name) ?? fallback);
  }
  const tensorActions = new Map<string, LrpTensorAction>();
  for (const node of graph.nodes) {
    const rule = rules.get(node.name);
    if (rule === undefined) continue;
    // Captum hooks a module's inputs, not its weights: an ONNX node's data input is its first
    // (a MatMul's second is the weight), except for a sum, whose inputs all are.
    for (const name of node.op === 'Add' ? node.inputs : node.inputs.slice(0, 1)) {
      if (tensorActions.has(name)) continue;
      tensorActions.set(
        name,
        rule.kind === 'identity' ? { kind: 'identity', node: node.name } : { kind: 'times' },
      );
    }
  }
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  const unproduced = [...tensorActions.keys()].filter((name) => !produced.has(name));
  const inputName = unproduced.length === 1 ? unproduced[0] : undefined;
  return { kinds, rules, tensorActions, inputName, rebuildCache: new Map() };
}

/** The explicit rules by node name; keys are node names or module paths (every node of the module). */
function explicitRules(
  graph: ModelGraph,
  where: string,
  rules: Readonly<Record<string, LrpRule>>,
  layersModel: unknown,
): Map<string, LrpRule> {
  const out = new Map<string, LrpRule>();
  if (typeof rules !== 'object' || rules === null) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: rules must be an object from node name or module path to a rule (e.g. { fc1: new GammaRule() })`,
    );
  }
  for (const [key, rule] of Object.entries(rules)) {
    if (!isLrpRule(rule)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: rules[${JSON.stringify(key)}] is not an LRP rule; use new EpsilonRule(), new GammaRule(), new Alpha1Beta0Rule() or new IdentityRule()`,
      );
    }
    const byName = graph.nodes.filter((n) => n.name === key);
    const matched = byName.length > 0 ? byName : graph.nodes.filter((n) => n.modulePath === key);
    // A module's export may hold helper nodes (Transpose of a bias-free Linear): the rule goes to
    // the module's nodes that compute, as Captum's rule sits on the module.
    const targets = matched.filter((n) => ONNX_KINDS[n.op] !== 'reshape' || matched.length === 1);
    if (targets.length === 0) {
      const names = graph.nodes.map((n) => n.modulePath ?? n.name);
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: rules names ${JSON.stringify(key)}, which is no node name or module path of the model; use one of ${[
          ...new Set(names),
        ]
          .slice(0, 12)
          .map((s) => JSON.stringify(s))
          .join(', ')}`,
      );
    }
    for (const node of targets) {
      const kind = lrpNodeKind(node, graph, layersModel);
      if (kind === 'pass-relevance') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `${where}: rules[${JSON.stringify(key)}]: node ${JSON.stringify(node.name)} (${node.op}) passes relevance through unchanged and takes no rule (Captum ignores one there); give the rule to a linear, convolution, batch-norm, pooling or add node`,
        );
      }
      out.set(node.name, rule);
    }
  }
  return out;
}
