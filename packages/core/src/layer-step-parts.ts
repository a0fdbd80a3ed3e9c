// The parts every step of the tape-free input gradient shares (layer-chain.ts plans chains,
// layer-steps.ts adds MobileNet-style layers, layer-dag.ts walks graphs). Internal to @interp/core.
import type * as tf from '@tensorflow/tfjs-core';
import type { ConvFolds, ConvSpec } from './layer-conv-step.js';
import type { LayerLike, VariableLike } from './layers-internals.js';

/** Activations whose derivative the backward pass computes from the layer's output alone. */
export type ChainActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'softmax';

/** One layer of the chain. */
export interface ChainStep {
  /** The layer's output, activation included, in inference mode. */
  forward(x: tf.Tensor): tf.Tensor;
  /** Applied last in `forward`; its derivative comes first in the backward pass. */
  activation: ChainActivation;
  /** The gradient w.r.t. the layer's input given the gradient w.r.t. its pre-activation output. */
  backward(dz: tf.Tensor, x: tf.Tensor, y: tf.Tensor): tf.Tensor;
  /** Pool geometry when the step is a max pool (to fuse the ReLU mask of the step before it). */
  maxPool?: tf.NamedAttrMap;
  /** A conv or depthwise conv step: the layer and what is folded into it (layer-conv-step.ts). */
  conv?: { spec: ConvSpec; folds: ConvFolds };
  /** ZeroPadding2D: its `[[top, bottom], [left, right]]` padding. */
  zeroPadding?: SpatialPadding;
  /** BatchNormalization over the last axis: its inference pass as a per-channel affine map. */
  affine?: ChannelAffine;
  /** An activation-only step a fused conv can apply (its derivative then comes from y). */
  fusableActivation?: 'relu' | 'relu6';
}

/** An inference BatchNormalization over the channels: y = x * scale + shift. */
export interface ChannelAffine {
  /** The weights scale and shift are computed from (their data ids key cached folds). */
  sources: VariableLike[];
  /** Tells layers with the same weights but other constants (epsilon, scale, center) apart. */
  tag: string;
  read(): { scale: tf.Tensor; shift: tf.Tensor };
}

/** `[[top, bottom], [left, right]]` zeros around an NHWC tensor's height and width. */
export type SpatialPadding = [[number, number], [number, number]];

/** A 'valid' conv's padding attr with a folded ZeroPadding2D's zeros (explicit NHWC padding). */
export function foldedPadding(
  padding: 'valid' | 'same',
  pad: SpatialPadding | undefined,
): 'valid' | 'same' | tf.backend_util.ExplicitPadding {
  if (pad === undefined) return padding;
  const [[top, bottom], [left, right]] = pad;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

const INFERENCE = { training: false } as const;

/** Thrown by a step that meets an input it does not handle; the caller falls back to tf.grad. */
export class UnsupportedAtRuntime extends Error {}

export function activationOf(layer: LayerLike): ChainActivation | undefined {
  const a = layer.activation as { getClassName(): string } | undefined | null;
  if (a === undefined || a === null) return 'linear';
  const name = a.getClassName();
  return (['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const).find(
    (n) => n === name,
  );
}

export function pair(v: unknown): [number, number] | undefined {
  const a = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(a) || a.length !== 2 || !a.every((d) => Number.isInteger(d) && d > 0)) {
    return undefined;
  }
  return a as [number, number];
}

export function channelsLast(layer: LayerLike): boolean {
  return layer.dataFormat === undefined || layer.dataFormat === 'channelsLast';
}

export const call = (layer: LayerLike) => (x: tf.Tensor) =>
  layer.call(x, { ...INFERENCE }) as tf.Tensor;
