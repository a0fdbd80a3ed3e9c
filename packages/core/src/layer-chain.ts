// The fast path of targetInputGradient: a tfjs-layers model that is a chain of layers whose input
// gradients we know, run forward once (keeping each layer's input and output) and backward by hand,
// with the kernels tf.grad would call but without its tape (no recorded nodes, no unfused replays
// of the forward convs). Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type AvgPoolAttrs, avgPoolInputGrad } from './gradients/avg-pool-grad.js';
import { cappedReluGrad } from './kernels/capped-relu-grad-wasm.js';
import { MAX_POOL_RELU_GRAD, maxPoolReluGradWasm } from './kernels/max-pool-grad-wasm.js';
import { convStep } from './layer-conv-step.js';
import { fuseChain } from './layer-step-fusion.js';
import {
  activationOf,
  type ChainActivation,
  type ChainStep,
  call,
  channelsLast,
  pair,
  UnsupportedAtRuntime,
} from './layer-step-parts.js';
import { planMoreSteps } from './layer-steps.js';
import {
  type ContainerLike,
  isContainer,
  type LayerLike,
  type SymbolicTensorLike,
  type VariableLike,
} from './layers-internals.js';

/** A model reduced to the steps of its forward and backward passes. */
export interface LayerChain {
  steps: ChainStep[];
}

/**
 * The layers from the model's input to its output when they form a single chain (each layer
 * applied to the previous one's only output; nested models are inlined), else undefined.
 */
function chainLayers(model: ContainerLike): LayerLike[] | undefined {
  if (model.inputs?.length !== 1 || model.outputs?.length !== 1) return undefined;
  const input = model.inputs[0]!;
  const layers: LayerLike[] = [];
  let t: SymbolicTensorLike = model.outputs[0]!;
  while (t.id !== input.id) {
    const layer = t.sourceLayer;
    if (!layer || t.inputs?.length !== 1 || (t.outputTensorIndex ?? 0) !== 0) return undefined;
    if (isContainer(layer)) {
      const inner = chainLayers(layer);
      if (inner === undefined) return undefined;
      layers.unshift(...inner);
    } else {
      layers.unshift(layer);
    }
    t = t.inputs[0]!;
  }
  return layers;
}

/**
 * The chain of steps for `model`, or undefined when some layer (or the model's wiring) has no
 * hand-written backward pass here; the caller then uses tf.grad.
 */
export function planLayerChain(model: LayersModel): LayerChain | undefined {
  const layers = chainLayers(model as unknown as ContainerLike);
  if (layers === undefined) return undefined;
  const steps: ChainStep[] = [];
  for (const layer of layers) {
    const step = planStep(layer);
    if (step === undefined) return undefined;
    if (step !== null) steps.push(step);
  }
  return { steps: fuseChain(steps) };
}

const passThrough = (dz: tf.Tensor) => dz;
const reshapeBack = (dz: tf.Tensor, x: tf.Tensor) => tf.reshape(dz, x.shape);

/** A step for `layer`; null for a layer that is the identity at inference; undefined if unsupported. */
export function planStep(layer: LayerLike): ChainStep | null | undefined {
  switch (layer.getClassName()) {
    case 'InputLayer':
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
      return null;
    case 'Conv2D':
      return conv2dStep(layer);
    case 'Dense':
      return denseStep(layer);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return poolStep(layer);
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return globalPoolStep(layer);
    case 'Flatten':
      return channelsLast(layer)
        ? { forward: call(layer), activation: 'linear', backward: reshapeBack }
        : undefined;
    case 'Reshape':
      return { forward: call(layer), activation: 'linear', backward: reshapeBack };
    case 'Activation': {
      const activation = activationOf(layer);
      return (
        activation && {
          forward: call(layer),
          activation,
          backward: passThrough,
          ...(activation === 'relu' || activation === 'relu6'
            ? { fusableActivation: activation }
            : {}),
        }
      );
    }
    case 'ReLU':
      return layer.maxValue === undefined || layer.maxValue === null
        ? {
            forward: call(layer),
            activation: 'relu',
            backward: passThrough,
            fusableActivation: 'relu',
          }
        : planMoreSteps(layer);
    case 'Softmax':
      return softmaxLayerStep(layer);
    case 'BatchNormalization':
      return batchNormStep(layer);
    default:
      return planMoreSteps(layer);
  }
}

function conv2dStep(layer: LayerLike): ChainStep | undefined {
  const activation = activationOf(layer);
  const strides = pair(layer.strides);
  const dilations = pair(layer.dilationRate ?? 1);
  const padding = layer.padding;
  const kernel = layer.kernel as VariableLike | undefined;
  if (
    activation === undefined ||
    strides === undefined ||
    dilations === undefined ||
    (padding !== 'valid' && padding !== 'same') ||
    layer.rank !== 2 ||
    !channelsLast(layer) ||
    kernel === undefined
  ) {
    return undefined;
  }
  return convStep({
    kind: 'conv2d',
    kernel,
    bias: (layer.bias as VariableLike | null | undefined) ?? undefined,
    strides,
    dilations,
    padding,
    activation,
    call: call(layer),
  });
}

function denseStep(layer: LayerLike): ChainStep | undefined {
  const activation = activationOf(layer);
  const kernel = layer.kernel as VariableLike | undefined;
  if (activation === undefined || kernel === undefined) return undefined;
  return {
    forward: (x) => {
      // Dense on rank > 2 inputs contracts the last axis through reshapes: not handled here.
      if (x.rank !== 2) throw new UnsupportedAtRuntime();
      return call(layer)(x);
    },
    activation,
    backward: (dz) => denseInputGradient(dz, kernel.read()),
  };
}

function poolStep(layer: LayerLike): ChainStep | undefined {
  const filterSize = pair(layer.poolSize);
  const strides = pair(layer.strides);
  if (filterSize === undefined || strides === undefined || !channelsLast(layer)) return undefined;
  const attrs = { filterSize, strides, pad: layer.padding === 'same' ? 'same' : 'valid' };
  const max = layer.getClassName() === 'MaxPooling2D';
  return {
    forward: call(layer),
    activation: 'linear',
    backward: (dz, x, y) =>
      max
        ? (tf
            .engine()
            .runKernel('MaxPoolGrad', { dy: dz, input: x, output: y }, attrs) as tf.Tensor)
        : avgPoolInputGrad(dz, x, attrs as AvgPoolAttrs),
    ...(max ? { maxPool: attrs } : {}),
  };
}

function globalPoolStep(layer: LayerLike): ChainStep | undefined {
  if (!channelsLast(layer) || layer.keepDims === true) return undefined;
  const max = layer.getClassName() === 'GlobalMaxPooling2D';
  return {
    forward: call(layer),
    activation: 'linear',
    backward: (dz, x, y) => {
      if (!max) return globalMeanInputGradient(dz, x.shape);
      // As tfjs's Max gradient: every maximum gets dy.
      const [n, , , c] = x.shape as [number, number, number, number];
      const expanded = tf.reshape(dz, [n, 1, 1, c]);
      return tf.mul(expanded, tf.cast(tf.equal(x, tf.reshape(y, [n, 1, 1, c])), 'float32'));
    },
  };
}

/**
 * The input gradient of x W (x [n, k], `kernel` W [k, m]) given `dz` [n, m]: tf.grad's
 * matMul(dz, W, false, true), as a transpose of the small weight matrix and a plain matmul (wasm's
 * transposed-B matmul is ~5x slower).
 *
 * @example
 * ```ts
 * const dx = denseInputGradient(dz, layer.kernel.read());
 * ```
 */
export function denseInputGradient(dz: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
  return tf.matMul(dz, tf.transpose(kernel));
}

/**
 * The input gradient of a mean over the height and width of an NHWC tensor shaped `xShape`,
 * given `dz` ([n, c], or [n, 1, 1, c] with kept dims): dy / (h * w) at every position, computed
 * as tfjs's Mean gradient computes it.
 *
 * @example
 * ```ts
 * const dx = globalMeanInputGradient(dz, [2, 7, 7, 1280]);
 * ```
 */
export function globalMeanInputGradient(dz: tf.Tensor, xShape: readonly number[]): tf.Tensor {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const expanded = tf.reshape(dz, [n, 1, 1, c]);
  return tf.div(tf.mul(expanded, tf.ones([...xShape], 'float32')), h * w);
}

function softmaxLayerStep(layer: LayerLike): ChainStep | undefined {
  const axis = Array.isArray(layer.axis) && layer.axis.length === 1 ? layer.axis[0] : layer.axis;
  if (typeof axis !== 'number') return undefined;
  return {
    forward: (x) => {
      if (axis !== -1 && axis !== x.rank - 1) throw new UnsupportedAtRuntime();
      return call(layer)(x);
    },
    activation: 'softmax',
    backward: passThrough,
  };
}

function batchNormStep(layer: LayerLike): ChainStep | undefined {
  const variance = layer.movingVariance as VariableLike | undefined;
  const mean = layer.movingMean as VariableLike | undefined;
  const gamma = layer.gamma as VariableLike | null | undefined;
  const beta = layer.beta as VariableLike | null | undefined;
  const epsilon = layer.epsilon;
  if (
    typeof layer.axis !== 'number' ||
    variance === undefined ||
    mean === undefined ||
    typeof epsilon !== 'number'
  ) {
    return undefined;
  }
  const axis = layer.axis;
  const scaled = layer.scale !== false && gamma ? gamma : undefined;
  const centered = layer.center !== false && beta ? beta : undefined;
  // scale = gamma / sqrt(variance + epsilon), shift = beta - mean * scale: y = x * scale + shift.
  const factor = () => {
    const r = tf.rsqrt(tf.add(variance.read(), epsilon));
    return scaled ? tf.mul(r, scaled.read()) : r;
  };
  return {
    forward: call(layer),
    activation: 'linear',
    // tfjs's FusedBatchNorm gradient w.r.t. x: dy * rsqrt(variance + epsilon) * scale.
    backward: (dz, x) => {
      const at = axis < 0 ? axis + x.rank : axis;
      const shape = x.shape.map((d, i) => (i === at ? d : 1));
      return tf.mul(dz, tf.reshape(factor(), shape));
    },
    // Only the channels axis of the NHWC conv output it may be folded into (axis 3 is last there).
    ...(axis === -1 || axis === 3
      ? {
          affine: {
            sources: [variance, mean, ...(scaled ? [scaled] : []), ...(centered ? [centered] : [])],
            tag: `bn ${epsilon} ${scaled !== undefined} ${centered !== undefined}`,
            read: () => {
              const scale = factor();
              const shifted = tf.neg(tf.mul(mean.read(), scale));
              return { scale, shift: centered ? tf.add(shifted, centered.read()) : shifted };
            },
          },
        }
      : {}),
  };
}

/**
 * d(activation)/d(input) applied to `dy`, from the activation's output `y`, as tfjs's gradients.
 * `dySpent`: the caller frees `dy` right after and nothing else reads it (a backward walk's own
 * gradient, see walkBackward's vjp): the ReLU masks may then write over dy's buffer on wasm.
 */
export function activationBackward(
  activation: ChainActivation,
  dy: tf.Tensor,
  y: tf.Tensor,
  dySpent = false,
): tf.Tensor {
  const over = dySpent ? { overwriteDy: true } : {};
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      // On wasm one fused pass: with an infinite cap the clipByValue form is dy * step(y), bit
      // for bit tfjs's ReLU gradient (0, NaN and ±Inf included).
      return tf.getBackend() === 'wasm'
        ? cappedReluGrad(dy, y, { max: Number.POSITIVE_INFINITY, form: 'clipByValue', ...over })
        : tf.mul(dy, tf.step(y));
    case 'relu6':
      // Read off y, the gradient passes where 0 < y < 6 (0 < x < 6): tfjs-layers' relu6
      // (minimum(6, relu(x))) and PyTorch's ReLU6 (hardtanh's backward, what Captum runs).
      // tf.relu6's own gradient (a GraphModel's fused Relu6, unfused under tf.grad) also passes
      // at x exactly 6, which y cannot tell from x > 6: graph-model-relu6-ties.test.ts pins that
      // one difference. It never decided a measured gap: nsfwjs's MobileNetV2 (GraphModel and
      // LayersModel, 8 seeded images, 8.8M ReLU6 inputs an image) had no input of exactly 6. Their
      // gaps to tf.grad (up to 2.9e-3 and 5.6e-3 relative L2) were each 1 to 3 inputs within
      // 1e-5 of a kink (all but one at 0) that this fused forward (conv, bias and ReLU6 in one
      // kernel; BN folded in) and the tape's unfused one rounded to opposite sides: with the
      // tape's masks the walk matched tf.grad to 7e-6, and tf.grad's own gradient moves up to
      // 7e-3 when the pixels move by 5e-7.
      return cappedReluGrad(dy, y, { max: 6, form: 'minimum', ...over });
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
    case 'tanh':
      return tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy);
    case 'softmax': {
      const dyTimesY = tf.mul(dy, y);
      return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, -1, true), y));
    }
  }
}

/**
 * Runs the chain forward on `x`, then backward from `seed(outputs)` (the gradient of the score
 * w.r.t. the outputs). Call inside tf.tidy; returns the outputs and the input gradient.
 * Throws {@link UnsupportedAtRuntime} when a step cannot handle the shapes it meets.
 */
export function runLayerChain(
  chain: LayerChain,
  x: tf.Tensor,
  seed: (outputs: tf.Tensor) => tf.Tensor,
): { outputs: tf.Tensor; gradient: tf.Tensor } {
  const { steps } = chain;
  const acts: tf.Tensor[] = [x];
  for (const step of steps) acts.push(step.forward(acts[acts.length - 1]!));
  const outputs = acts[acts.length - 1]!;
  const fuseRelu = tf.getBackend() === 'wasm';
  if (fuseRelu && tf.getKernel(MAX_POOL_RELU_GRAD, 'wasm') === undefined) {
    tf.registerKernel(maxPoolReluGradWasm);
  }
  let g = seed(outputs);
  // Set when the step below already applied the ReLU derivative of this step's output.
  let masked = false;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    const input = acts[i]!;
    const output = acts[i + 1]!;
    // g is released below unless it is an activation: then the mask may write over it.
    let next = masked ? g : activationBackward(step.activation, g, output, !acts.includes(g));
    if (next !== g) release(g, acts);
    g = next;
    masked = false;
    if (fuseRelu && step.maxPool && steps[i - 1]?.activation === 'relu') {
      next = tf.engine().runKernel(MAX_POOL_RELU_GRAD, { dy: g, input }, step.maxPool) as tf.Tensor;
      masked = true;
    } else {
      next = step.backward(g, input, output);
    }
    if (next !== g) release(g, acts);
    g = next;
    // This step's output is no longer needed (the outputs are returned; x is the caller's).
    if (i + 1 < acts.length - 1 && output !== input && output !== x) output.dispose();
  }
  return { outputs, gradient: g };
}

/** Frees an intermediate gradient early (keeps activations: they are freed by the loop). */
function release(t: tf.Tensor, acts: tf.Tensor[]): void {
  if (!acts.includes(t)) t.dispose();
}
