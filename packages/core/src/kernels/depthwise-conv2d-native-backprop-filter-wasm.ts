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

/**
 * Copies the overlapping input patch of every block into `[patchH, n * countH, countW, patchW * c]`
 * order, with the conv's zero padding. Each patch row is a contiguous run of `patchW * c` values
 * in NHWC, so this is one `TypedArray.set` per row (the wasm backend's GatherV2 and rank-6
 * transposes are ~30x slower).
 */
function copyPatches(
  s: WasmKernelScope,
  x: TensorInfo,
  ah: ConvAxis,
  aw: ConvAxis,
  bh: AxisBlocks,
  bw: AxisBlocks,
) {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const run = bw.patch * c;
  const out = s.make([bh.patch, n * bh.count, bw.count, run], 'float32');
  // One Float32Array over all of wasm memory: copyWithin moves each run without allocating a
  // subarray per run (there are n * rows * blocks of them).
  const dst = s.heap(out);
  const heap = new Float32Array(dst.buffer);
  const src = s.heap(x).byteOffset / 4;
  const base = dst.byteOffset / 4;
  const covered =
    ah.padBefore === 0 &&
    aw.padBefore === 0 &&
    (bh.count - 1) * bh.step + bh.patch <= h &&
    (bw.count - 1) * bw.step + bw.patch <= w;
  if (!covered) dst.fill(0);
  let o = base;
  for (let r = 0; r < bh.patch; r++) {
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < bh.count; i++) {
        const row = i * bh.step + r - ah.padBefore;
        if (row < 0 || row >= h) {
          o += bw.count * run;
          continue;
        }
        const rowStart = src + (b * h + row) * w * c;
        for (let j = 0; j < bw.count; j++) {
          const col = j * bw.step - aw.padBefore;
          const from = Math.max(col, 0);
          const to = Math.min(col + bw.patch, w);
          if (to > from)
            heap.copyWithin(o + (from - col) * c, rowStart + from * c, rowStart + to * c);
          o += run;
        }
      }
    }
  }
  return out;
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
  const n = x.shape[0]!;
  const [bh, bw] = chooseBlocks(ah, aw);
  const blocks = n * bh.count * bw.count;
  const groups = blocks * channels;
  return withWasmScope(backend, (s) => {
    // dw[i, j, c, m] sums x-patch * dy over the batch and all output pixels: a depthwise conv
    // whose kernel is dy itself. XNNPACK is fast only for 4, 9 or 25 taps, so dy is cut into
    // blocks of that many pixels, each (image, block, channel) becomes its own depthwise channel
    // with the input patch that block sees, and the partial sums are added up at the end.
    const rows = copyPatches(s, x, ah, aw, bh, bw);
    // [patchH, blocks, patchW, c] -> [patchH, patchW, blocks, c]: channels (image, block, c).
    const patches = s.transpose(s.view(rows, [bh.patch, blocks, bw.patch, channels]), [0, 2, 1, 3]);
    const patchPixels = bh.patch * bw.patch;
    // XNNPACK's fast depthwise path needs multiplier 1: with m > 1, the patches repeat once per
    // multiplier as channels (m, image, block, c), matching dy's layout below.
    let input = patches;
    if (multiplier > 1) {
      input = s.make([patchPixels, multiplier * groups], 'float32');
      const src = s.heap(patches);
      const dst = s.heap(input);
      for (let p = 0; p < patchPixels; p++) {
        const from = src.subarray(p * groups, (p + 1) * groups);
        for (let m = 0; m < multiplier; m++) dst.set(from, (p * multiplier + m) * groups);
      }
    }

    const [, oh, ow] = dy.shape as [number, number, number, number];
    // dy [n, oh, ow, c * m] -> [m * n, oh, ow, c] (a 2-D transpose), then zero-padded to whole
    // blocks and reordered to [blockH, blockW, (m, image, block), c] by two rank-4 transposes.
    const dyByM = s.transpose(s.view(dy, [n * oh * ow * channels, multiplier]), [1, 0]);
    const dyPadded = s.run(
      'PadV2',
      { x: s.view(dyByM, [multiplier * n, oh, ow, channels]) },
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
    const kernelRows = s.transpose(
      s.view(dyPadded, [multiplier * n * bh.count, bh.block, bw.count, bw.block * channels]),
      [1, 0, 2, 3],
    );
    const kernel = s.transpose(
      s.view(kernelRows, [bh.block, multiplier * blocks, bw.block, channels]),
      [0, 2, 1, 3],
    );
    const partial = s.conv(
      'DepthwiseConv2dNative',
      s.view(input, [1, bh.patch, bw.patch, multiplier * groups]),
      s.view(kernel, [bh.block, bw.block, multiplier * groups, 1]),
      [ah.dilation, aw.dilation],
      'valid',
      [ah.stride, aw.stride],
    );
    const summed = s.run(
      'Sum',
      { x: s.view(partial, [fh * fw, multiplier, blocks, channels]) },
      { axis: [2], keepDims: false },
    );
    // [fh * fw, m, c] -> [fh, fw, c, m].
    const dw = s.transpose(summed, [0, 2, 1]);
    return s.keep(s.view(dw, [fh, fw, channels, multiplier]));
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
