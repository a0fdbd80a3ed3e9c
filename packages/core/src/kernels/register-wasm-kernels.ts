import {
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input-wasm.js';
import { depthwiseConv2dNativeBackpropFilterWasm } from './depthwise-conv2d-native-backprop-filter-wasm.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
import { maxPoolGradWasm } from './max-pool-grad-wasm.js';
import { maxPoolWasm } from './max-pool-wasm.js';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum-wasm.js';
import { registerWinogradConvKernels } from './winograd-conv-wasm.js';

/** The kernels {@link registerWasmKernels} installs for the `wasm` backend. */
export const wasmKernelConfigs: readonly KernelConfig[] = [
  conv2dBackpropInputWasm,
  conv2dBackpropFilterWasm,
  depthwiseConv2dNativeBackpropInputWasm,
  depthwiseConv2dNativeBackpropFilterWasm,
  unsortedSegmentSumWasm,
  maxPoolGradWasm,
  maxPoolWasm,
];

/**
 * Registers, for the `wasm` backend, the kernels tfjs-backend-wasm 4.22 lacks
 * (`Conv2DBackpropFilter`, both depthwise-conv backprops, `UnsortedSegmentSum`), and fast
 * `Conv2DBackpropInput` and `MaxPoolGrad` in place of its built-in ones (the latter also fixes
 * a lost gradient for windows without a positive value), and a `MaxPool` that keeps NaN (the
 * built-in one turns a NaN window into -Infinity, hiding NaN weights); and wraps its `Conv2D` and
 * `FusedConv2D` so that 3x3 stride-1 convs with 32+ channels take a Winograd F(4x4, 3x3) conv
 * (winograd-conv-wasm.ts). The convolution kernels are built on the
 * wasm backend's own XNNPACK kernels; the other two are single passes over wasm memory. Idempotent; `setupBackend('wasm')` calls it before switching backends.
 *
 * @example
 * ```ts
 * registerWasmKernels();
 * await tf.setBackend('wasm');
 * const g = tf.grad((x) => tf.sum(tf.conv2d(x, w, 1, 'same')))(x); // runs on wasm
 * ```
 */
export function registerWasmKernels(): void {
  for (const config of wasmKernelConfigs) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    // tfjs warns on double registration; replacing the built-in one is the point here.
    if (existing !== undefined) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
  registerWinogradConvKernels();
}
