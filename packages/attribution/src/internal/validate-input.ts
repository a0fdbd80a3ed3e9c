import { InterpError, type ModelGraph } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Checks that `x` is a non-empty float batch (items along axis 0) that fits the model's declared
 * input shape, and returns it as float32 (a new tensor only when a cast was needed: `owned`).
 */
export function validateInput(
  x: unknown,
  where: string,
  graph?: ModelGraph,
): { x: tf.Tensor; owned: boolean } {
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: x must be a tfjs tensor with items along axis 0, got ${describe(x)}`,
    );
  }
  if (x.isDisposed) {
    throw new InterpError('INVALID_ARGUMENT', `${where}: x has been disposed`);
  }
  if (x.rank < 2) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: x has shape [${x.shape.join(', ')}]; pass a batch [N, ...item shape] (add a batch axis with tf.expandDims(x, 0))`,
    );
  }
  if (x.shape[0] === 0 || x.size === 0) {
    throw new InterpError('EMPTY_INPUT', `${where}: x is empty (shape [${x.shape.join(', ')}])`);
  }
  if (graph && graph.kind !== 'function') checkModelInputShape(x.shape, graph, where);
  if (x.dtype === 'float32') return { x, owned: false };
  if (x.dtype === 'string' || x.dtype === 'complex64') {
    throw new InterpError('INVALID_ARGUMENT', `${where}: x must be numeric, got dtype ${x.dtype}`);
  }
  return { x: tf.cast(x, 'float32'), owned: true };
}

function checkModelInputShape(shape: readonly number[], graph: ModelGraph, where: string): void {
  const expected = graph.inputShape;
  const fits =
    expected.length === shape.length &&
    expected.every((d, i) => i === 0 || d === null || d === shape[i]);
  if (!fits) {
    const want = expected.map((d) => (d === null ? 'N' : String(d))).join(', ');
    const layout = graph.layout === 'none' ? '' : ` (${graph.layout} layout)`;
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: x has shape [${shape.join(', ')}] but the model expects [${want}]${layout}; reshape the input to the model's input shape`,
    );
  }
}

/** Checks an optional positive integer option. */
export function optionalPositiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be a positive integer, got ${describe(value)}`,
    );
  }
  return value;
}

/** Checks an optional progress callback `(done, total) => void`. */
export function optionalCallback(
  value: unknown,
  name: string,
  where: string,
): ((done: number, total: number) => void) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be a function (done, total) => void, got ${describe(value)}`,
    );
  }
  return value as (done: number, total: number) => void;
}
