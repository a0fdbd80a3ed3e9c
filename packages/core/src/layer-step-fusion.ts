// Neighbouring steps of the tape-free input gradient merged into one (layer-chain.ts and
// layer-dag.ts call this): a ZeroPadding2D before a 'valid' conv, a BatchNormalization after a
// linear conv. The merged forward runs both layers and frees the intermediate at once (the
// forward keeps fewer activations); the backward is the conv's backprop alone, with the padding
// as its explicit padding (no slice of dz) and the BN's per-channel factor in its filter (no
// multiply over dz). Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import type { ChainStep, ConvFold } from './layer-step-parts.js';

/** `first` then `second` as one step, or undefined when no fold applies. */
export function fuseSteps(first: ChainStep, second: ChainStep): ChainStep | undefined {
  const conv = second.convBackward;
  if (first.zeroPadding !== undefined && conv !== undefined && second.foldsPadding) {
    const pad = first.zeroPadding;
    return foldedConvStep(first, second, (dz, shape, fold) => conv(dz, shape, { ...fold, pad }));
  }
  const convFirst = first.convBackward;
  const channelScale = second.channelScale;
  if (convFirst !== undefined && first.activation === 'linear' && channelScale !== undefined) {
    const merged = foldedConvStep(first, second, (dz, shape, fold) => {
      const scale = channelScale();
      return convFirst(dz, shape, {
        ...fold,
        // A later fold's factor applies to dz after this BN's: their product scales the filter.
        scale: fold.scale === undefined ? scale : tf.mul(fold.scale, scale),
      });
    });
    return { ...merged, foldsPadding: first.foldsPadding };
  }
  return undefined;
}

function foldedConvStep(
  first: ChainStep,
  second: ChainStep,
  convBackward: (dz: tf.Tensor, shape: number[], fold: ConvFold) => tf.Tensor,
): ChainStep {
  return {
    forward: (x) => {
      const mid = first.forward(x);
      const y = second.forward(mid);
      if (mid !== x && mid !== y) mid.dispose();
      return y;
    },
    activation: second.activation,
    backward: (dz, x) => convBackward(dz, x.shape, {}),
    convBackward,
  };
}

/** `steps` with every foldable neighbour pair merged (left to right, so folds chain). */
export function fuseChain(steps: readonly ChainStep[]): ChainStep[] {
  const fused: ChainStep[] = [];
  for (const step of steps) {
    const last = fused[fused.length - 1];
    const merged = last && fuseSteps(last, step);
    if (merged) fused[fused.length - 1] = merged;
    else fused.push(step);
  }
  return fused;
}
