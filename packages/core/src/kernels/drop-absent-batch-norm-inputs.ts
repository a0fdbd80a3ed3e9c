import {
  FusedBatchNorm,
  getKernel,
  type KernelFunc,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

const wrapped = new WeakSet<KernelFunc>();

/**
 * Wraps `backend`'s `FusedBatchNorm` kernel so that absent inputs (`scale` or `offset`, as
 * tfjs-layers' BatchNormalization passes with `scale: false` / `center: false`) are removed from
 * the inputs map before tfjs records it on the gradient tape: tfjs-core 4.22's tape reads `.id`
 * of every recorded input and crashed with "Cannot read properties of undefined (reading 'id')".
 * The kernel itself computes the same thing (a missing key reads as `undefined` as before).
 * Idempotent; does nothing when `backend` has no such kernel.
 *
 * @example
 * ```ts
 * dropAbsentBatchNormInputs('wasm');
 * tf.grad((x) => tf.sum(tf.batchNorm(x, mean, variance)))(x); // no crash without scale
 * ```
 */
export function dropAbsentBatchNormInputs(backend: string): void {
  const existing = getKernel(FusedBatchNorm, backend);
  if (existing === undefined || wrapped.has(existing.kernelFunc)) return;
  const inner = existing.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as Record<string, unknown>;
    for (const name of Object.keys(inputs)) if (inputs[name] == null) delete inputs[name];
    return inner(args);
  };
  wrapped.add(kernelFunc);
  unregisterKernel(FusedBatchNorm, backend);
  registerKernel({ ...existing, kernelFunc });
}
