import type * as tf from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { describe, keyword } from '../validate.js';
import { applyHook } from './apply-hook.js';
import { findNode } from './find-node.js';
import type { Dim, GraphNode, GraphRunOptions, ImageLayout, ModelGraph } from './model-graph.js';

/** Options of {@link functionGraph}. */
export interface FunctionGraphOptions {
  /**
   * The input shape with its batch axis (`[null, 28, 28, 1]`). Default: unknown item shape,
   * written `[null]` (only the batch axis), so inputs are not checked against it.
   */
  inputShape?: readonly Dim[];
  /** The image layout of the input. Default: `NHWC` for a 4-D `inputShape`, else `none`. */
  layout?: ImageLayout;
}

const LAYOUTS: readonly ImageLayout[] = ['NHWC', 'NCHW', 'none'];

/** The name of the one node of a {@link functionGraph}: the function's output. */
export const FUNCTION_NODE_NAME = 'output';

/**
 * A {@link ModelGraph} around a plain function `(x) => y`: one node (named `output`, op
 * `Function`) whose output is the function's, with no parameters and nothing inside to tap. A
 * hook on that node sees and may replace the output. Use it to explain any differentiable tfjs
 * computation.
 *
 * @example
 * ```ts
 * const graph = functionGraph((x) => tf.matMul(x, w), { inputShape: [null, 4] });
 * const y = graph.predict(tf.ones([2, 4]));
 * ```
 */
export function functionGraph(
  fn: (x: tf.Tensor) => tf.Tensor,
  options: FunctionGraphOptions = {},
): ModelGraph {
  if (typeof fn !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `functionGraph needs a function (x) => y, got ${describe(fn)}`,
    );
  }
  const inputShape = checkShape(options.inputShape ?? [null]);
  const layout = keyword(
    options.layout,
    'layout',
    LAYOUTS,
    inputShape.length === 4 ? 'NHWC' : 'none',
  );
  const node: GraphNode = {
    name: FUNCTION_NODE_NAME,
    op: 'Function',
    inputs: ['input'],
    outputs: [FUNCTION_NODE_NAME],
    outputShape: undefined,
    params: 0,
    trainableParams: 0,
  };
  const nodes = [node];
  const find = (query: string) => findNode(nodes, query);
  return {
    kind: 'function',
    nodes,
    inputShape,
    outputShape: [null],
    layout,
    run(x: tf.Tensor, runOptions: GraphRunOptions = {}) {
      const { taps = [], hooks = {} } = runOptions;
      for (const query of [...taps, ...Object.keys(hooks)]) find(query);
      const hook = Object.values(hooks)[0];
      const raw = fn(x);
      const output = hook ? applyHook(hook, raw, { node, inputs: [x] }) : raw;
      return { output, taps: Object.fromEntries(taps.map((q) => [q, output])) };
    },
    predict: (x) => fn(x),
    findNode: find,
    dispose: () => {},
  };
}

function checkShape(shape: readonly Dim[]): Dim[] {
  const ok =
    Array.isArray(shape) &&
    shape.length > 0 &&
    shape.every((d, i) => (d === null && i === 0) || (Number.isInteger(d) && (d as number) > 0));
  if (!ok) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid inputShape: ${Array.isArray(shape) ? JSON.stringify(shape) : describe(shape)}; write the shape with its batch axis first, e.g. [null, 28, 28, 1]`,
    );
  }
  return [...shape];
}
