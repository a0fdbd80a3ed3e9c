import {
  DepthwiseConv2dNativeBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  type ConvAxis,
  type ConvBackpropAttrs,
  convAxes,
  forwardConvInfo,
} from './conv-geometry.js';
import { type WasmKernelScope, withWasmScope } from './wasm-kernel-scope.js';

/**
 * Kernel shapes XNNPACK runs with its single-pass SIMD depthwise microkernels: other tap counts
 * fall back to a path about 8x slower (measured in tfjs-backend-wasm 4.22).
 */
const FAST_BLOCKS: readonly [number, number][] = [
  [5, 5],
  [3, 3],
  [2, 2],
  [1, 25],
  [25, 1],
  [1, 9],
  [9, 1],
  [1, 4],
  [4, 1],
];

/** How `dy` is cut into blocks along one axis, and the input patch each block needs. */
interface AxisBlocks {
  block: number;
  count: number;
  /** Patch length: (block - 1) * stride + (filter - 1) * dilation + 1. */
  patch: number;
  /** Input offset from one block's patch to the next: block * stride. */
  step: number;
}

function axisBlocks(a: ConvAxis, block: number): AxisBlocks {
  return {
    block,
    count: Math.ceil(a.outSize / block),
    patch: (block - 1) * a.stride + (a.filter - 1) * a.dilation + 1,
    step: block * a.stride,
  };
}

/** The block shape with the least data to move: input patches plus zero-padded dy. */
function chooseBlocks(ah: ConvAxis, aw: ConvAxis): [AxisBlocks, AxisBlocks] {
  let best: [AxisBlocks, AxisBlocks] | undefined;
  let bestCost = Infinity;
  for (const [bh, bw] of FAST_BLOCKS) {
    const h = axisBlocks(ah, bh);
    const w = axisBlocks(aw, bw);
    const cost = h.count * w.count * (h.patch * w.patch + 2 * bh * bw);
    if (cost < bestCost) {
      bestCost = cost;
      best = [h, w];
    }
  }
  return best!;
}

/** Gathers the overlapping patches of one spatial axis (1 or 2) of a 4-D tensor. */
function gatherPatches(s: WasmKernelScope, t: TensorInfo, axis: 1 | 2, b: AxisBlocks) {
  const indices: number[] = [];
  for (let i = 0; i < b.count; i++) {
    for (let r = 0; r < b.patch; r++) indices.push(i * b.step + r);
  }
  const length = t.shape[axis]!;
  if (indices.length === length && indices.every((v, i) => v === i)) return t;
  return s.run('GatherV2', { x: t, indices: s.int32(indices) }, { axis, batchDims: 0 });
}

const depthwiseConv2dNativeBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { filterShape: number[] };
  const info = forwardConvInfo(
    'DepthwiseConv2dNativeBackpropFilter',
    x.shape,
    a.filterShape,
    dy.shape,
    a,
    true,
  );
  const [ah, aw] = convAxes(info);
  const [fh, fw, channels, multiplier] = a.filterShape as [number, number, number, number];
  const [n, h, w] = x.shape as [number, number, number, number];
  const [bh, bw] = chooseBlocks(ah, aw);
  const groups = n * bh.count * bw.count * channels;
  return withWasmScope(backend, (s) => {
    // dw[i, j, c, m] sums x-patch * dy over the batch and all output pixels: a depthwise conv
    // whose kernel is dy itself. XNNPACK is fast only for 4, 9 or 25 taps, so dy is cut into
    // blocks of that many pixels, each (image, block, channel) becomes its own depthwise channel
    // with the input patch that block sees, and the partial sums are added up at the end.
    const xPadded = s.run(
      'PadV2',
      { x },
      {
        paddings: [
          [0, 0],
          [ah.padBefore, Math.max(0, (bh.count - 1) * bh.step + bh.patch - ah.padBefore - h)],
          [aw.padBefore, Math.max(0, (bw.count - 1) * bw.step + bw.patch - aw.padBefore - w)],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const rows = gatherPatches(s, xPadded, 1, bh);
    const patches = gatherPatches(s, rows, 2, bw);
    const patchesT = s.transpose(
      s.view(patches, [n, bh.count, bh.patch, bw.count, bw.patch, channels]),
      [2, 4, 0, 1, 3, 5],
    );
    // XNNPACK's fast depthwise path needs multiplier 1, so each patch is repeated per multiplier.
    const input =
      multiplier === 1
        ? patchesT
        : s.run(
            'Tile',
            { x: s.view(patchesT, [bh.patch * bw.patch * groups, 1]) },
            { reps: [1, multiplier] },
          );

    const [, oh, ow, outChannels] = dy.shape as [number, number, number, number];
    const dyPadded = s.run(
      'PadV2',
      { x: dy },
      {
        paddings: [
          [0, 0],
          [0, bh.count * bh.block - oh],
          [0, bw.count * bw.block - ow],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const kernel = s.transpose(
      s.view(dyPadded, [n, bh.count, bh.block, bw.count, bw.block, outChannels]),
      [2, 4, 0, 1, 3, 5],
    );
    const partial = s.run(
      'DepthwiseConv2dNative',
      {
        x: s.view(input, [1, bh.patch, bw.patch, groups * multiplier]),
        filter: s.view(kernel, [bh.block, bw.block, groups * multiplier, 1]),
      },
      { strides: [ah.dilation, aw.dilation], pad: 'valid', dilations: [ah.stride, aw.stride] },
    );
    const summed = s.run(
      'Sum',
      { x: s.view(partial, [fh * fw, n * bh.count * bw.count, channels * multiplier]) },
      { axis: [1], keepDims: false },
    );
    return s.keep(s.view(summed, [fh, fw, channels, multiplier]));
  });
};

/**
 * tfjs `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.22 has
 * none): `dy` cut into 5x5 (or 3x3, 2x2, ...) blocks becomes the kernel of one XNNPACK depthwise
 * conv over the matching input patches, and a sum adds the blocks up. Registered by
 * `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(depthwiseConv2dNativeBackpropFilterWasm); // what registerWasmKernels() does
 * ```
 */
export const depthwiseConv2dNativeBackpropFilterWasm: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
