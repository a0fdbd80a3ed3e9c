// The hand-written vector-Jacobian products of the GraphModel input gradient
// (graph-model-input-gradient.ts), one per hot op of conv nets: the input halves of tfjs's own
// gradients, on the kernels the layers models' path uses. Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import { cappedReluGrad } from '../kernels/capped-relu-grad-wasm.js';
import { activationBackward, denseInputGradient, globalMeanInputGradient } from '../layer-chain.js';
import { convInputGradient } from '../layer-conv-step.js';
import { spatialPadInputGradient } from '../layer-steps.js';

/** The parts of tfjs-converter's internal graph node the backward walk reads. */
export interface ConverterNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: ConverterNode[];
  /** The signature's name for the node, when the model has a signature naming it. */
  signatureKey?: string;
  /** Parsed attributes (`strides`, `pad`, `fusedOps`, ...): `{ value }` each. */
  attrParams?: Record<string, { value?: unknown } | undefined>;
}

/** A node of the plan: the converter node and, per input, its weight (undefined: computed). */
export interface PlanNode {
  node: ConverterNode;
  weights: (tf.Tensor | undefined)[];
}

/**
 * A node's vector-Jacobian product: d(score)/d(input k) for the inputs marked in `which`, given
 * d(score)/d(output) `dy`; `inputs` are the node's input values (weights included), `y` its
 * output. Undefined: not covered here, differentiate the node with tf.grad.
 */
type Vjp = (
  step: PlanNode,
  inputs: tf.Tensor[],
  which: readonly boolean[],
  y: tf.Tensor,
  dy: tf.Tensor,
  /** walkBackward's: nothing else holds dy, so an activation's mask may write over it. */
  dySpent: boolean,
) => (tf.Tensor | undefined)[] | undefined;

const attr = (node: ConverterNode, name: string): unknown => node.attrParams?.[name]?.value;

/** Conv2D, DepthwiseConv2dNative and their fused forms with BiasAdd and ReLU/ReLU6 (NHWC). */
const convVjp: Vjp = (step, inputs, which, y, dy, dySpent) => {
  const { node } = step;
  const depthwise = node.op.includes('Depthwise');
  const fused = (attr(node, 'fusedOps') as string[] | undefined) ?? [];
  const [extra, activation] = fused;
  const fits =
    !which[1] &&
    which.slice(2).every((w) => !w) &&
    step.weights[1] !== undefined &&
    String(attr(node, 'dataFormat') ?? 'nhwc').toLowerCase() === 'nhwc' &&
    fused.length <= 2 &&
    (extra === undefined || extra === 'biasadd') &&
    (activation === undefined || activation === 'relu' || activation === 'relu6');
  const strides = attr(node, 'strides') as number[] | undefined;
  const dilations = (attr(node, 'dilations') as number[] | undefined) ?? [1, 1, 1, 1];
  const pad = convPadding(node);
  if (!fits || strides?.length !== 4 || dilations.length !== 4 || pad === undefined) {
    return undefined;
  }
  // The tape differentiates a fused conv as conv + bias + activation: the activation's derivative
  // (read off y: relu6 then differs from tfjs's only where its input is exactly 6) comes first.
  // Its masks are this fused forward's: where the tape's unfused forward rounds an input within
  // ~1e-5 of 0 or 6 to the other side, the gradients part (see activationBackward's relu6).
  const dz = activationBackward(activation ?? 'linear', dy, y, dySpent);
  const spec = {
    kind: depthwise ? ('depthwise' as const) : ('conv2d' as const),
    strides: [strides[1]!, strides[2]!] as [number, number],
    dilations: [dilations[1]!, dilations[2]!] as [number, number],
  };
  const dx = convInputGradient(spec, dz, inputs[0]!.shape, step.weights[1]!, pad);
  if (dz !== dy) dz.dispose();
  return [dx];
};

/** The converter's padding of a conv node: 'same', 'valid' or explicit NHWC pairs. */
function convPadding(
  node: ConverterNode,
): 'same' | 'valid' | tf.backend_util.ExplicitPadding | undefined {
  const pad = String(attr(node, 'pad') ?? '').toLowerCase();
  if (pad === 'same' || pad === 'valid') return pad;
  const explicit = attr(node, 'explicitPaddings') as number[] | undefined;
  if (pad !== 'explicit' || explicit?.length !== 8) return undefined;
  return [0, 2, 4, 6].map((k) => [explicit[k]!, explicit[k + 1]!]) as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
}

/**
 * MatMul and _FusedMatMul (BiasAdd, then Relu or Relu6) of an input by a weight matrix: the
 * activation's derivative, then dz times the weight transposed, as tfjs's gradients.
 */
const matMulVjp: Vjp = (step, inputs, which, y, dy, dySpent) => {
  const { node } = step;
  const [extra, activation] = (attr(node, 'fusedOps') as string[] | undefined) ?? [];
  const fits =
    which[0] &&
    !which.slice(1).some((w) => w) &&
    step.weights[1]?.rank === 2 &&
    inputs[0]!.rank === 2 &&
    attr(node, 'transposeA') !== true &&
    (extra === undefined || extra === 'biasadd') &&
    (activation === undefined || activation === 'relu' || activation === 'relu6');
  if (!fits) return undefined;
  const dz = activationBackward(activation ?? 'linear', dy, y, dySpent);
  const w = step.weights[1]!;
  const dx = attr(node, 'transposeB') === true ? tf.matMul(dz, w) : denseInputGradient(dz, w);
  if (dz !== dy) dz.dispose();
  return [dx];
};

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** dy to each marked input shaped like the output (no broadcast to sum over); else undefined. */
function passToSameShaped(
  inputs: tf.Tensor[],
  which: readonly boolean[],
  y: tf.Tensor,
  dy: tf.Tensor,
  sign: (k: number) => 1 | -1 = () => 1,
): (tf.Tensor | undefined)[] | undefined {
  if (inputs.some((t, k) => which[k] && !sameShape(t.shape, y.shape))) return undefined;
  return inputs.map((_, k) => (which[k] ? (sign(k) === 1 ? dy : tf.neg(dy)) : undefined));
}

const reshapeBack: Vjp = (_, inputs, which, _y, dy) =>
  which.slice(1).some((w) => w) ? undefined : [tf.reshape(dy, inputs[0]!.shape)];

export const vjps: Readonly<Record<string, Vjp>> = {
  Conv2D: convVjp,
  _FusedConv2D: convVjp,
  DepthwiseConv2dNative: convVjp,
  DepthwiseConv2d: convVjp,
  FusedDepthwiseConv2dNative: convVjp,
  MatMul: matMulVjp,
  _FusedMatMul: matMulVjp,
  Relu: (_, _inputs, which, y, dy, dySpent) =>
    which[0] ? [activationBackward('relu', dy, y, dySpent)] : undefined,
  // tf.relu6's gradient passes where 0 < x <= 6, x its input: one fused pass on wasm.
  // An unfused Relu6 has its input x: tf.relu6's own gradient, 0 < x <= 6 (a fused one reads
  // the output y, 0 < y < 6: see activationBackward's relu6).
  Relu6: (_, inputs, which, _y, dy, dySpent) =>
    which[0]
      ? [cappedReluGrad(dy, inputs[0]!, { max: 6, form: 'clipByValue', overwriteDy: dySpent })]
      : undefined,
  Add: (_, inputs, which, y, dy) => passToSameShaped(inputs, which, y, dy),
  AddV2: (_, inputs, which, y, dy) => passToSameShaped(inputs, which, y, dy),
  Sub: (_, inputs, which, y, dy) =>
    passToSameShaped(inputs, which, y, dy, (k) => (k === 0 ? 1 : -1)),
  BiasAdd: (_, inputs, which, y, dy) =>
    which[1] ? undefined : passToSameShaped(inputs, which, y, dy),
  // Times a constant (the input scaling of image models): dy * the constant, as tfjs's gradient.
  Mul: (_, inputs, which, y, dy) => {
    if (which[0] === which[1]) return undefined;
    const k = which[0] ? 0 : 1;
    if (!sameShape(inputs[k]!.shape, y.shape)) return undefined;
    return inputs.map((_t, j) => (j === k ? tf.mul(dy, inputs[1 - k]!) : undefined));
  },
  Identity: (_, inputs, which, y, dy) => passToSameShaped(inputs, which, y, dy),
  // tfjs's Concat gradient: dy split back into the inputs' sizes along the axis (the last input).
  ConcatV2: (step, inputs, which, _y, dy) => {
    const last = inputs.length - 1;
    const axisValue = step.weights[last]?.dataSync()[0];
    if (axisValue === undefined || which[last] || last < 1) return undefined;
    const axis = axisValue < 0 ? axisValue + dy.rank : axisValue;
    const parts = tf.split(
      dy,
      inputs.slice(0, last).map((t) => t.shape[axis]!),
      axis,
    );
    return [...parts.map((part, k) => (which[k] ? part : undefined)), undefined];
  },
  // Over the height and width of an NHWC tensor (global pooling): dy / (h * w) everywhere.
  Mean: (step, inputs, which, _y, dy) => {
    const x = inputs[0]!;
    const axes = step.weights[1]?.dataSync();
    const spatial = x.rank === 4 && axes?.length === 2 && [1, 2].every((a) => axes.includes(a));
    return which[0] && !which[1] && spatial ? [globalMeanInputGradient(dy, x.shape)] : undefined;
  },
  AvgPool: (step, inputs, which, y, dy) => {
    const x = inputs[0]!;
    const window = attr(step.node, 'kernelSize') as number[] | undefined;
    const global =
      x.rank === 4 &&
      String(attr(step.node, 'pad')).toLowerCase() === 'valid' &&
      window?.[1] === x.shape[1] &&
      window?.[2] === x.shape[2] &&
      y.shape[1] === 1 &&
      y.shape[2] === 1;
    return which[0] && global ? [globalMeanInputGradient(dy, x.shape)] : undefined;
  },
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  ExpandDims: reshapeBack,
  Pad: (step, inputs, which, _y, dy) => {
    const paddings = step.weights[1];
    if (which[1] || paddings === undefined || !which[0]) return undefined;
    const pairs = paddings.arraySync() as number[][];
    const xShape = inputs[0]!.shape;
    const spatial =
      xShape.length === 4 && pairs[0]!.every((p) => p === 0) && pairs[3]!.every((p) => p === 0);
    if (spatial) return [spatialPadInputGradient(dy, xShape, pairs[1]![0]!, pairs[2]![0]!)];
    return [
      tf.slice(
        dy,
        pairs.map((p) => p[0]!),
        xShape,
      ),
    ];
  },
};
