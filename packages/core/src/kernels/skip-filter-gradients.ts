import {
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  getBackend,
  getKernel,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';

const FILTER_GRADIENT_KERNELS = [Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter];
const wrapped = new WeakSet<KernelFunc>();
let depth = 0;

/** A zero tensor of `shape` made by the kernel's backend (wasm's has no makeTensorInfo). */
function zerosOn(backend: unknown, shape: number[]): TensorInfo {
  const b = backend as {
    makeTensorInfo?: (s: number[], d: 'float32', v: Float32Array) => TensorInfo;
    makeOutput?: (s: number[], d: 'float32') => TensorInfo;
    typedArrayFromHeap?: (t: TensorInfo) => Float32Array;
  };
  if (b.makeOutput !== undefined && b.typedArrayFromHeap !== undefined) {
    const out = b.makeOutput(shape, 'float32');
    b.typedArrayFromHeap(out).fill(0);
    return out;
  }
  return b.makeTensorInfo!(shape, 'float32', new Float32Array(util.sizeFromShape(shape)));
}

/** Wraps `backend`'s filter-gradient kernels so that inside {@link withoutFilterGradients} they return zeros. */
function wrapFilterGradientKernels(backend: string): void {
  for (const name of FILTER_GRADIENT_KERNELS) {
    const existing = getKernel(name, backend);
    if (existing === undefined || wrapped.has(existing.kernelFunc)) continue;
    const inner = existing.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      if (depth === 0) return inner(args);
      const shape = args.attrs?.filterShape as number[];
      return zerosOn(args.backend, shape);
    };
    wrapped.add(kernelFunc);
    unregisterKernel(name, backend);
    registerKernel({ ...existing, kernelFunc });
  }
}

/**
 * Runs `fn` with the filter gradients of convolutions not computed (zeros in their place).
 * tfjs-core 4.22's fused conv ops (what tfjs-layers' Conv2D and DepthwiseConv2D run with a
 * linear activation, as in MobileNet and ResNet blocks) differentiate through `customGrad`,
 * which computes the filter gradient eagerly even when only the input gradient is wanted: ~110 ms
 * of a MobileNetV2 saliency pass. Only for input gradients of models whose filters are weights
 * (not functions of the differentiated input): a filter gradient taken inside is zero.
 *
 * @example
 * ```ts
 * const dx = withoutFilterGradients(() => tf.grad((x) => score(model.predict(x)))(images));
 * ```
 */
export function withoutFilterGradients<T>(fn: () => T): T {
  wrapFilterGradientKernels(getBackend());
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}
