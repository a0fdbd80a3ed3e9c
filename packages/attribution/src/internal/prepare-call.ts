import { InterpError } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { AttributeOptions } from '../types.js';
import type { ResolvedModel } from './resolve-model.js';
import { resolveTargets } from './targets.js';
import { validateInput } from './validate-input.js';

/** A validated `attribute` call: x as float32, one target per item, and what to free after. */
export interface PreparedCall {
  x: tf.Tensor;
  targets: Int32Array;
  numClasses: number;
  /** Frees x when validation made a float32 copy. */
  release(): void;
}

/**
 * Checks an `attribute` call's x, target and additionalForwardArgs the same way for every
 * method, and resolves the targets (predicted classes when none is given).
 */
export async function prepareCall(
  model: ResolvedModel,
  x: tf.Tensor,
  options: AttributeOptions,
  where: string,
): Promise<PreparedCall> {
  const input = prepareInput(model, x, options, where);
  try {
    const { targets, numClasses } = await resolveTargets(model, input.x, options.target, where);
    return { ...input, targets, numClasses };
  } catch (e) {
    input.release();
    throw e;
  }
}

/**
 * prepareCall's checks of x and additionalForwardArgs without resolving the targets, for a
 * method that reads the predicted classes off a forward pass it runs anyway.
 */
export function prepareInput(
  model: ResolvedModel,
  x: tf.Tensor,
  options: AttributeOptions,
  where: string,
): Pick<PreparedCall, 'x' | 'release'> {
  const extra = options.additionalForwardArgs;
  if (extra !== undefined && !(Array.isArray(extra) && extra.length === 0)) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where}: additionalForwardArgs is not supported: interp's models take a single input tensor; fold extra inputs into the model (a closure) and pass only x`,
    );
  }
  const input = validateInput(x, where, model.graph);
  const release = () => {
    if (input.owned) input.x.dispose();
  };
  return { x: input.x, release };
}
