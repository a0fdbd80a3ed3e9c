// The one backward walk of the tape-free input gradients (ONNX models, GraphModels, tfjs-layers
// models with fan-out): seed the output's gradient, visit the nodes in reverse execution order,
// call each node's vector-Jacobian product, sum the gradients that reach the same value, and free
// what nothing holds any more. What differs between the executors (how a node names the values it
// reads and writes, its vjp, which values carry a gradient, which forward values a node's visit
// spends) comes in as a BackwardGraph. Exported through `@interp/core/backward`.
import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from './errors.js';

/**
 * A model's nodes as the backward walk sees them: `N` a node, `K` the key of a value (a tensor
 * name, a slot number).
 */
export interface BackwardGraph<N, K> {
  /** The nodes in execution (topological) order. */
  readonly nodes: readonly N[];
  /** The keys of the values the node reads, one per input slot (a missing input: any key that is not active). */
  inputs(node: N): readonly K[];
  /** The node's outputs: the first is the one gradients flow back from. */
  outputs(node: N): readonly K[];
  /** True for a value whose gradient is wanted (one that depends on the model's input). */
  active(key: K): boolean;
  /**
   * d(score)/d(input k) for the slots marked in `which`, given d(score)/d(first output) `dy`;
   * entries for unmarked slots are ignored, missing ones at the end mean none. Handing `dy` itself on is allowed (the walk frees it
   * once nothing holds it); so is one tensor to several slots. `dySpent`: no other value's
   * gradient and nothing {@link holds} holds `dy`, so the walk frees it after this call unless
   * the vjp hands it on; a vjp that does not may write over its data (activationBackward's).
   */
  vjp(
    node: N,
    dy: tf.Tensor,
    which: readonly boolean[],
    index: number,
    dySpent: boolean,
  ): readonly (tf.Tensor | undefined)[];
  /**
   * Before each node (reached by a gradient or not): `gradientAt` tells which values hold a
   * gradient now. Throw here to reject a node (e.g. one whose other outputs get a gradient).
   */
  enter?(node: N, index: number, gradientAt: (key: K) => boolean): void;
  /**
   * After each node: the forward values nothing reads any more (every reader came later in
   * execution order), each freed unless a gradient or {@link holds} holds it.
   */
  spent?(node: N, index: number): tf.Tensor | readonly tf.Tensor[] | undefined;
  /** Tensors the walk must never free (the input, the outputs, weights, live forward values). */
  holds?(t: tf.Tensor): boolean;
}

/**
 * Walks `graph` backwards from `seeds` (d(score)/d(value) per value key, usually the output's):
 * returns the gradients left when the first node is done, the model input's among them (absent
 * when no gradient reaches it). Call inside tf.tidy: intermediate gradients are freed as soon as
 * nothing holds them, the returned ones are the caller's. Throws an InterpError for a vjp that
 * returns more gradients than the node has inputs.
 *
 * @example
 * ```ts
 * const grads = walkBackward(graph, new Map([['y', dy]]));
 * const dx = grads.get('x') ?? tf.zerosLike(x);
 * ```
 */
export function walkBackward<N, K>(
  graph: BackwardGraph<N, K>,
  seeds: ReadonlyMap<K, tf.Tensor>,
): Map<K, tf.Tensor> {
  const grads = new Map(seeds);
  const holds = graph.holds ?? (() => false);
  const gradientAt = (key: K) => grads.has(key);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    graph.enter?.(node, i, gradientAt);
    const output = graph.outputs(node)[0]!;
    const dy = grads.get(output);
    if (dy !== undefined) {
      grads.delete(output);
      const inputs = graph.inputs(node);
      const which = inputs.map((key) => graph.active(key));
      // Add's vjp hands one tensor to several values: dy may still be another value's gradient.
      const dySpent = !holds(dy) && ![...grads.values()].includes(dy);
      const dxs = graph.vjp(node, dy, which, i, dySpent);
      if (dxs.length > inputs.length) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `walkBackward: node ${i}'s vjp returned ${dxs.length} gradients for ${inputs.length} inputs; return at most one per input, in input order (undefined or left off: none)`,
        );
      }
      // Freed once nothing holds them: a vjp may hand dy itself to several inputs (Add).
      const spent = new Set([dy]);
      inputs.forEach((key, k) => {
        const dx = dxs[k];
        if (!which[k] || dx === undefined) return;
        const before = grads.get(key);
        grads.set(key, before === undefined ? dx : tf.add(before, dx));
        if (before !== undefined) spent.add(before).add(dx);
      });
      const held = new Set(grads.values());
      for (const t of spent) if (!held.has(t) && !holds(t)) t.dispose();
    }
    const ys = graph.spent?.(node, i);
    if (ys === undefined) continue;
    const held = new Set(grads.values());
    for (const y of ys instanceof tf.Tensor ? [ys] : ys) if (!holds(y) && !held.has(y)) y.dispose();
  }
  return grads;
}

/**
 * The keys of the values that depend on `inputs` in a forward run of `nodes`: a node reading one
 * makes its outputs that `carries` (float values: an integer value has no gradient) depend too.
 *
 * @example
 * ```ts
 * const active = activeValues(graph, ['x'], (key) => values.get(key)?.dtype === 'float32');
 * ```
 */
export function activeValues<N, K>(
  graph: Pick<BackwardGraph<N, K>, 'nodes' | 'inputs' | 'outputs'>,
  inputs: readonly K[],
  carries: (key: K) => boolean,
): Set<K> {
  const active = new Set(inputs);
  for (const node of graph.nodes) {
    if (!graph.inputs(node).some((key) => active.has(key))) continue;
    for (const key of graph.outputs(node)) if (carries(key)) active.add(key);
  }
  return active;
}
