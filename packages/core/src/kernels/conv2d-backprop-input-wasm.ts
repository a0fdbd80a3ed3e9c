import {
  Conv2DBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { type Col2imSimd, col2imRowSpans, col2imSimd } from './col2im-simd.js';
import {
  type ConvAxis,
  type ConvBackpropAttrs,
  convAxes,
  explicitPad,
  forwardConvInfo,
  signedPadding,
} from './conv-geometry.js';
import { releasePackedWeights } from './derived-weight-cache.js';
import { spreadDyForInputGrad } from './spread-dy-for-input-grad.js';
import { type WasmKernelScope, withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';
import { winogradFlippedConv } from './winograd-conv-wasm.js';

/** One way to compute dx from dy and the (flipped, maybe channel-swapped) filter. */
type InputGrad = (
  s: WasmKernelScope,
  dy: TensorInfo,
  filter: TensorInfo,
  ah: ConvAxis,
  aw: ConvAxis,
) => TensorInfo;

/**
 * Stride 1 (or dilated): dx is the stride-1 correlation of dy (zero-spread when strided) with
 * the spatially flipped filter whose in/out channels are swapped, the forward conv's cost.
 */
const spreadInputGrad: InputGrad = (s, dy, swapped, ah, aw) => {
  const { dy: spread, pad } = spreadDyForInputGrad(s, dy, ah, aw);
  return s.conv('Conv2D', spread, swapped, [1, 1], pad, [ah.dilation, aw.dilation]);
};

/** Filter tap counts XNNPACK's single-pass depthwise microkernels handle (others are ~8x slower). */
const FAST_DEPTHWISE_TAPS = new Set([4, 9, 25]);

/**
 * One input channel (grayscale first layers): XNNPACK's conv is inefficient with a single output
 * channel, so dx is a depthwise conv of the (zero-spread) dy by the flipped per-channel filters,
 * summed over channels.
 */
const singleChannelInputGrad: InputGrad = (s, dy, flipped, ah, aw) => {
  const [fh, fw, , outChannels] = flipped.shape as [number, number, number, number];
  const { dy: spread, pad } = spreadDyForInputGrad(s, dy, ah, aw);
  const perChannel = s.conv(
    'DepthwiseConv2dNative',
    spread,
    s.view(flipped, [fh, fw, outChannels, 1]),
    [1, 1],
    pad,
    [ah.dilation, aw.dilation],
  );
  return s.run('Sum', { x: perChannel }, { axis: [3], keepDims: true });
};

/**
 * dx as col2im of the per-tap products: cols[pixel, tap, ci] = sum_co dy[pixel, co] w[tap, ci, co]
 * is one XNNPACK matmul doing exactly the forward conv's multiply-adds (a transposed conv also
 * multiplies the zeros it pads dy with), and one SIMD pass adds each product into the input
 * position it came from. Any stride, dilation or padding.
 */
function gemmInputGrad(
  s: WasmKernelScope,
  col2im: Col2imSimd,
  dy: TensorInfo,
  filter: TensorInfo,
  ah: ConvAxis,
  aw: ConvAxis,
): TensorInfo {
  const [n, oh, ow, outChannels] = dy.shape as [number, number, number, number];
  const [fh, fw, inChannels] = filter.shape as [number, number, number, number];
  const k = fh * fw * inChannels;
  // The filter as a [Cout, k] matrix, transposed in JS: the wasm matmul's transposeB is slow.
  const wT = s.derived(filter, 'gemm', (d) => {
    const t = d.make([1, outChannels, k], 'float32');
    const src = d.heap(filter);
    const dst = d.heap(t);
    for (let r = 0; r < k; r++) {
      for (let co = 0; co < outChannels; co++) dst[co * k + r] = src[r * outChannels + co]!;
    }
    return t;
  });
  const cols = s.run(
    'BatchMatMul',
    { a: s.view(dy, [1, n * oh * ow, outChannels]), b: wT },
    { transposeA: false, transposeB: false },
  );
  // XNNPACK packed wT: its bytes are dead (only ever this matmul's b).
  releasePackedWeights(s.backend, [wT]);
  // col2im zeroes out itself (memory.fill; a JS fill of shared memory is ~10x slower).
  const out = s.make([n, ah.inSize, aw.inSize, inChannels], 'float32');
  const at = (t: TensorInfo) => heapOffset(s.backend, t.dataId);
  col2im(
    at(cols),
    at(out),
    n,
    oh,
    ow,
    fh,
    fw,
    inChannels,
    ah.inSize,
    aw.inSize,
    ah.stride,
    aw.stride,
    ah.dilation,
    aw.dilation,
    ah.padBefore,
    aw.padBefore,
    col2imRowSpans(),
  );
  return out;
}

/**
 * One residue class r of dx positions (h + padBefore = q * stride + r) along one axis: it only
 * sees the filter taps r, r + stride, ..., so it is a stride-1 conv of dy with that sub-filter.
 */
interface Phase {
  /** Number of filter taps in this phase (0 when r >= filter). */
  taps: number;
  /** Index of the phase's first tap in the flipped filter. */
  first: number;
  /** Signed zeros before dy (negative: rows of dy to drop). */
  padBefore: number;
}

/** The phases of one axis and where dx sits in their interleaved outputs. */
interface AxisPhases {
  phases: Phase[];
  /** Outputs per phase: q runs over [q0, q0 + count). */
  count: number;
  /** Signed zeros after dy, the same for every phase. */
  padAfter: number;
  /** Offset of dx[0] in the interleaved outputs. */
  offset: number;
}

function axisPhases(a: ConvAxis): AxisPhases {
  const q0 = Math.floor(a.padBefore / a.stride);
  const count = Math.ceil((a.padBefore + a.inSize) / a.stride) - q0;
  const phases: Phase[] = [];
  for (let r = 0; r < a.stride; r++) {
    const taps = r < a.filter ? Math.ceil((a.filter - r) / a.stride) : 0;
    phases.push({
      taps,
      first: a.filter - 1 - r - (taps - 1) * a.stride,
      padBefore: taps - 1 - q0,
    });
  }
  return { phases, count, padAfter: count + q0 - a.outSize, offset: a.padBefore - q0 * a.stride };
}

/**
 * Strided: instead of spreading dy with zeros (stride^2 times the work), each of the
 * stride_h * stride_w phases of dx is a stride-1 conv of dy with a sub-filter; together they do
 * exactly the forward conv's work. The phase outputs are then interleaved and cropped.
 */
const phasedInputGrad: InputGrad = (s, dy, swapped, ah, aw) => {
  const [n, oh, ow] = dy.shape as [number, number, number, number];
  const [, , outChannels, inChannels] = swapped.shape as [number, number, number, number];
  const ph = axisPhases(ah);
  const pw = axisPhases(aw);
  const phaseShape = [n, ph.count, pw.count, inChannels];
  const phaseSize = util.sizeFromShape(phaseShape);
  const outputs: (TensorInfo | undefined)[] = [];
  for (const rh of ph.phases) {
    for (const rw of pw.phases) {
      if (rh.taps === 0 || rw.taps === 0) {
        outputs.push(undefined);
        continue;
      }
      const begin = [rh.first, rw.first, 0, 0];
      const end = [
        rh.first + (rh.taps - 1) * ah.stride + 1,
        rw.first + (rw.taps - 1) * aw.stride + 1,
        outChannels,
        inChannels,
      ];
      const strides = [ah.stride, aw.stride, 1, 1];
      const sub = s.derived(swapped, `phase ${begin} ${end} ${strides}`, (d) =>
        d.run(
          'StridedSlice',
          { x: swapped },
          {
            begin,
            end,
            strides,
            beginMask: 0,
            endMask: 0,
            ellipsisMask: 0,
            newAxisMask: 0,
            shrinkAxisMask: 0,
          },
        ),
      );
      const padH = signedPadding(rh.padBefore, ph.padAfter);
      const padW = signedPadding(rw.padBefore, pw.padAfter);
      const cropped = s.crop4d(
        dy,
        [padH.cropBefore, padW.cropBefore],
        [oh - padH.cropBefore - padH.cropAfter, ow - padW.cropBefore - padW.cropAfter],
      );
      outputs.push(
        s.conv(
          'Conv2D',
          cropped,
          s.view(sub, [rh.taps, rw.taps, outChannels, inChannels]),
          [1, 1],
          explicitPad(padH, padW),
          [1, 1],
        ),
      );
    }
  }
  const stacked = s.make([ah.stride, aw.stride, ...phaseShape], 'float32');
  outputs.forEach((out, k) => {
    const dst = s.heap(stacked);
    if (out === undefined) dst.fill(0, k * phaseSize, (k + 1) * phaseSize);
    else dst.set(s.heap(out), k * phaseSize);
  });
  // [rh, rw, n, q_h, q_w, c] -> [n, q_h, rh, q_w, rw, c] puts phase r of q at q * stride + r.
  // Two rank-4/3 transposes: the wasm backend's rank-5+ transpose is about 50x slower.
  const pixels = n * ph.count * pw.count;
  const byRow = s.transpose(
    s.view(stacked, [ah.stride, aw.stride, pixels, inChannels]),
    [0, 2, 1, 3],
  );
  const rowLength = pw.count * aw.stride * inChannels;
  const interleaved = s.transpose(s.view(byRow, [ah.stride, n * ph.count, rowLength]), [1, 0, 2]);
  const full = s.view(interleaved, [n, ph.count * ah.stride, pw.count * aw.stride, inChannels]);
  return s.crop4d(full, [ph.offset, pw.offset], [ah.inSize, aw.inSize]);
};

/**
 * Which way to compute dx, from measurements on the wasm backend (batch 16-64, 28x28 and 32x32
 * images): the matmul + col2im path whenever the transposed conv would do extra work (strided:
 * the phased convs are 2-5x the forward conv; 'valid' padding: the zero border of dy costs
 * in*in/(out*out) times the forward multiply-adds) or XNNPACK's conv is poor (2-4 output
 * channels), provided the matmul's inner dimension (dy's channels) is at least 16. A single input
 * channel keeps the depthwise path for up to 16 dy channels (it is 10-25% faster there).
 */
export function chooseInputGradPath(
  dyShape: number[],
  filterShape: number[],
  ah: ConvAxis,
  aw: ConvAxis,
): 'gemm' | 'conv' {
  const [, oh, ow, outChannels] = dyShape as [number, number, number, number];
  const [fh, fw, inChannels] = filterShape as [number, number, number, number];
  if (outChannels < 16) return 'conv';
  if (inChannels === 1 && FAST_DEPTHWISE_TAPS.has(fh * fw) && outChannels < 32) return 'conv';
  const strided = ah.stride > 1 || aw.stride > 1;
  const paddingWork = (ah.inSize * aw.inSize) / (oh * ow);
  return strided || inChannels <= 4 || paddingWork >= 1.15 ? 'gemm' : 'conv';
}

/** Test hook: forces one path (`undefined`: choose by shape). Internal to @interp/core. */
export const inputGradPath: { force: 'gemm' | 'conv' | undefined } = { force: undefined };

const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { inputShape: number[] };
  const info = forwardConvInfo(
    'Conv2DBackpropInput',
    a.inputShape,
    filter.shape,
    dy.shape,
    a,
    false,
  );
  const [ah, aw] = convAxes(info);
  return withWasmScope(backend, (s) => {
    const [fh, fw, inChannels] = filter.shape as [number, number, number, number];
    const strided = ah.stride > 1 || aw.stride > 1;
    const path = inputGradPath.force ?? chooseInputGradPath(dy.shape, filter.shape, ah, aw);
    const col2im = path === 'gemm' ? col2imSimd(backend) : undefined;
    if (col2im !== undefined) return s.keep(gemmInputGrad(s, col2im, dy, filter, ah, aw));
    if (inChannels === 1 && FAST_DEPTHWISE_TAPS.has(fh * fw)) {
      return s.keep(singleChannelInputGrad(s, dy, s.flippedFilter(filter, false), ah, aw));
    }
    const dilated = ah.dilation > 1 || aw.dilation > 1;
    if (!strided && !dilated) {
      const { dy: cropped, pad } = spreadDyForInputGrad(s, dy, ah, aw);
      const winograd = winogradFlippedConv(backend, cropped, filter, pad);
      if (winograd !== undefined) return winograd;
    }
    const swapped = s.flippedFilter(filter, true);
    return s.keep(
      strided && !dilated
        ? phasedInputGrad(s, dy, swapped, ah, aw)
        : spreadInputGrad(s, dy, swapped, ah, aw),
    );
  });
};

/**
 * tfjs `Conv2DBackpropInput` for the wasm backend, replacing the built-in loop kernel (about 10x
 * the forward conv) with XNNPACK convs doing the forward conv's work: one conv for stride 1, one
 * per stride phase otherwise. Registered by `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(conv2dBackpropInputWasm); // what registerWasmKernels() does
 * ```
 */
export const conv2dBackpropInputWasm: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
