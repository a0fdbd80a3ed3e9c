import { type GraphNode, InterpError, type ModelGraph } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { watchedNodes } from './internal/graph-activation-record.js';

/** What {@link hookGraphOutputs} (and `hookOutputs` on a model graph) returns. */
export interface GraphHookedOutputs {
  readonly graph: ModelGraph;
  /** The hooked nodes, in the order asked for. */
  readonly nodes: readonly GraphNode[];
  /** The output of each hooked node from the last `run` (same order as `nodes`). */
  readonly stored: readonly (tf.Tensor | undefined)[];
  /** The last output of one hooked node, by node name or index into `nodes`. */
  get(node: string | number): tf.Tensor | undefined;
  /**
   * Runs the graph on `x` (inference mode), stores each hooked node's output (replacing the
   * previous ones) and returns the model's output, which is yours to dispose.
   */
  run(x: tf.Tensor): tf.Tensor;
  /** Disposes the stored outputs; `run` refuses afterwards. */
  remove(): void;
}

/**
 * fastai's `hook_outputs` on a model graph (an ONNX model, a GraphModel, a LayersModel graph):
 * a graph has no persistent hooks, so the outputs are recorded by running it through
 * `run(x)`, which taps `nodes` (node names, module paths or indices; default every node).
 *
 * @example
 * ```ts
 * const hooks = hookGraphOutputs(await loadOnnxModel('mlp.onnx'), ['/act1/Relu']);
 * tf.dispose(hooks.run(x));
 * hooks.get('/act1/Relu'); // the ReLU's output for x
 * hooks.remove();
 * ```
 */
export function hookGraphOutputs(
  graph: ModelGraph,
  nodes?: readonly (string | number)[],
): GraphHookedOutputs {
  const hooked = nodes === undefined ? [...graph.nodes] : watchedNodes(graph, nodes, true);
  if (hooked.length === 0) {
    throw new InterpError('EMPTY_INPUT', 'hookOutputs: the graph has no nodes to hook');
  }
  let stored: (tf.Tensor | undefined)[] = hooked.map(() => undefined);
  let removed = false;
  return {
    graph,
    nodes: hooked,
    get stored() {
      return [...stored];
    },
    get(ref) {
      const i =
        typeof ref === 'number'
          ? Number.isInteger(ref) && ref >= 0 && ref < hooked.length
            ? ref
            : -1
          : hooked.findIndex((n) => n.name === ref);
      if (i < 0) {
        throw new InterpError(
          'UNKNOWN_LAYER',
          `${describe(ref)} is not hooked; hooked nodes: ${hooked.map((n) => n.name).join(', ')}`,
        );
      }
      return stored[i];
    },
    run(x) {
      if (removed) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          'hookOutputs: these hooks were removed; hook the graph again to record',
        );
      }
      const { output, taps } = graph.run(x, { taps: hooked.map((n) => n.name) });
      tf.dispose(stored.filter((t): t is tf.Tensor => t !== undefined));
      // A tap may be the very tensor handed back as the output (the last node) or another tap:
      // copy those so that disposing one never frees what is stored.
      const seen = new Set<tf.Tensor>([output, x]);
      stored = hooked.map((n) => {
        const t = taps[n.name]!;
        if (!seen.has(t)) {
          seen.add(t);
          return t;
        }
        return tf.clone(t);
      });
      return output;
    },
    remove() {
      if (removed) return;
      removed = true;
      tf.dispose(stored.filter((t): t is tf.Tensor => t !== undefined));
      stored = hooked.map(() => undefined);
    },
  };
}
