// Neighbouring steps of the tape-free input gradient merged into one (layer-chain.ts and
// layer-dag.ts call this): a ZeroPadding2D before a 'valid' conv, BatchNormalizations after a
// linear conv (layer-conv-step.ts builds the merged step). The padding becomes the conv's
// explicit padding (no slice of dz; no Pad in the forward once a BN is folded too); a BN becomes
// part of the conv's filter and bias, so the forward is one fused conv and the backward one
// backprop through the folded filter (no multiply over dz). Internal to @interp/core.
import { convStep } from './layer-conv-step.js';
import type { ChainStep } from './layer-step-parts.js';

/** `first` then `second` as one step, or undefined when no fold applies. */
export function fuseSteps(first: ChainStep, second: ChainStep): ChainStep | undefined {
  const conv = second.conv;
  if (
    first.zeroPadding !== undefined &&
    conv !== undefined &&
    conv.spec.padding === 'valid' &&
    conv.folds.pad === undefined &&
    conv.folds.affines.length === 0
  ) {
    const pad = { padding: first.zeroPadding, forward: first.forward };
    return convStep(conv.spec, { ...conv.folds, pad });
  }
  const convFirst = first.conv;
  if (convFirst === undefined || convFirst.spec.activation !== 'linear') return undefined;
  const { folds } = convFirst;
  // After a BN: the fused conv applies a ReLU(6) too (one pass less over its output).
  if (folds.affines.length > 0 && folds.activation === undefined && second.fusableActivation) {
    return convStep(convFirst.spec, { ...folds, activation: second.fusableActivation });
  }
  if (folds.activation === undefined && second.affine) {
    return convStep(convFirst.spec, {
      ...convFirst.folds,
      affines: [...convFirst.folds.affines, second.affine],
    });
  }
  return undefined;
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
