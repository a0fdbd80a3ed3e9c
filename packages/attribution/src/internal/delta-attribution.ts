import type * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from '../integrated-gradients.js';
import type { AttributeOptions, Attribution } from '../types.js';

/** What `attribute` takes on a method that can also return convergence deltas. */
export interface DeltaAttributeOptions extends AttributeOptions {
  returnConvergenceDelta?: boolean;
}

/**
 * The one call shape of every method with a convergence delta (Captum's `attribute(...,
 * return_convergence_delta)`): `{ returnConvergenceDelta: true }` resolves to
 * `{ attributions, delta }`, anything else to the attributions alone. Written once here so the
 * overloads cannot drift between methods; `Args` is `[options: O]` for a method whose options
 * are required (a baseline distribution), and the optional form otherwise.
 *
 * @example
 * ```ts
 * class Method extends DeltaAttribution<MethodAttributeOptions> {
 *   protected attributeOrDelta(x: tf.Tensor, options: MethodAttributeOptions) { ... }
 * }
 * ```
 */
export abstract class DeltaAttribution<
  O extends DeltaAttributeOptions,
  Args extends [options?: O] = [options?: O],
> implements Attribution<O>
{
  attribute(
    x: tf.Tensor,
    options: O & { returnConvergenceDelta: true },
  ): Promise<AttributionsWithDelta>;
  attribute(x: tf.Tensor, ...options: Args): Promise<tf.Tensor>;
  // Not async: attributeOrDelta is, so a throw while validating still rejects the promise.
  attribute(x: tf.Tensor, options?: O): Promise<tf.Tensor | AttributionsWithDelta> {
    return this.attributeOrDelta(x, options ?? ({} as O));
  }

  /**
   * The attributions, with the deltas as well when `options.returnConvergenceDelta` says so.
   * Rejects rather than throws (an async method, or one returning an async call's promise).
   */
  protected abstract attributeOrDelta(
    x: tf.Tensor,
    options: O,
  ): Promise<tf.Tensor | AttributionsWithDelta>;
}
