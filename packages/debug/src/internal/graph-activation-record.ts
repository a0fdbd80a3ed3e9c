import { type GraphNode, InterpError, type ModelGraph } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { activationSummary } from './activation-summary.js';

/** A batch for the graph path: a tensor (the caller's), or a data loader's `{ x, y }` (disposed). */
export type GraphBatch = tf.Tensor | { x: tf.Tensor; y?: tf.Tensor };

/**
 * Runs `graph` on `x` in inference mode tapping `nodes`, and reads back each node's
 * {@link activationSummary} (nodes x (3 or 43) values, row-major) in one transfer.
 */
export async function graphActivationRecord(
  graph: ModelGraph,
  nodes: readonly GraphNode[],
  x: tf.Tensor,
  withHist: boolean,
): Promise<Float32Array> {
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `ActivationStats.record needs a batch tensor x, got ${describe(x)}`,
    );
  }
  const values = tf.tidy(() => {
    const { taps } = graph.run(x, { taps: nodes.map((n) => n.name) });
    return tf.concat(nodes.map((n) => activationSummary(taps[n.name]!, withHist)));
  });
  try {
    return (await values.data()) as Float32Array;
  } finally {
    values.dispose();
  }
}

/** The nodes to watch: the named ones, else every node with parameters (or every node). */
export function watchedNodes(
  graph: ModelGraph,
  layers: readonly unknown[] | undefined,
  includeParamless: boolean,
): GraphNode[] {
  if (layers === undefined) return graph.nodes.filter((n) => includeParamless || n.params > 0);
  if (!Array.isArray(layers)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `layers must be an array of node names or indices, got ${describe(layers)}`,
    );
  }
  return [
    ...new Set(
      layers.map((ref) => {
        if (typeof ref === 'number') {
          const node = graph.nodes[ref];
          if (!Number.isInteger(ref) || !node) {
            throw new InterpError(
              'UNKNOWN_LAYER',
              `node index ${ref} is out of range: the graph has ${graph.nodes.length} nodes (0..${graph.nodes.length - 1})`,
            );
          }
          return node;
        }
        if (typeof ref === 'string') return graph.findNode(ref);
        throw new InterpError(
          'UNKNOWN_LAYER',
          `${describe(ref)} is not a node of this graph; pass a node name, a module path or an index`,
        );
      }),
    ),
  ];
}

/** Each batch's `x` (disposing a data loader's batch after `use`), tensors left to the caller. */
export async function forEachBatch(
  batches: Iterable<GraphBatch> | AsyncIterable<GraphBatch>,
  use: (x: tf.Tensor) => Promise<void>,
): Promise<number> {
  if (
    batches === null ||
    typeof batches !== 'object' ||
    !(Symbol.iterator in batches || Symbol.asyncIterator in batches)
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `batches must be an array of tensors or a data loader of { x, y } batches, got ${describe(batches)}`,
    );
  }
  let n = 0;
  for await (const batch of batches) {
    if (batch instanceof tf.Tensor) {
      await use(batch);
    } else {
      try {
        await use(batch?.x);
      } finally {
        if (batch?.x instanceof tf.Tensor) tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
      }
    }
    n++;
  }
  return n;
}
