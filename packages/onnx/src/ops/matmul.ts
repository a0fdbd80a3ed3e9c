import * as tf from '@tensorflow/tfjs-core';
import type { OpContext, OpKernel } from './op-types.js';
import { recordingGradients } from './recording-gradients.js';

/**
 * Gemm: alpha * A' B' + beta * C. Under tf.grad (GradCAM's head, the tape method) with constant
 * B and C, A's gradient is {@link gemmInputGradient}: tfjs's matMul gradient would multiply dY by
 * the kept transposed B transposed again, the slow orientation on wasm.
 */
const gemm: OpKernel = (ctx) => {
  const A = ctx.input(0) as tf.Tensor2D;
  if (!recordingGradients() || !inputGradientCovered(ctx)) return { tensor: gemmForward(ctx, A) };
  const op = tf.customGrad((input) => ({
    value: gemmForward(ctx, input as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor) => gemmInputGradient(ctx, dy)!,
  }));
  return { tensor: op(A) };
};

function gemmForward(ctx: OpContext, A: tf.Tensor2D): tf.Tensor {
  const a = ctx.node.attrs;
  const transposeA = a.int('transA', 0) === 1;
  let transposeB = a.int('transB', 0) === 1;
  const alpha = a.float('alpha', 1);
  const beta = a.float('beta', 1);
  let B = ctx.input(1) as tf.Tensor2D;
  // tfjs-wasm multiplies by a transposed B about 7x slower than by a plain one (a 1280 x 1000
  // classifier head: 2.9 ms vs 0.4 ms), so a constant B is transposed once and kept.
  if (transposeB && ctx.isConstant(1)) {
    const weights = B;
    B = ctx.memo('b-transposed', () => tf.transpose(weights));
    transposeB = false;
  }
  const C = ctx.inputs[2] ? ctx.input(2) : undefined;
  // Not tf.fused.matMul: its bias is applied wrongly on WASM with transposeB (tfjs 4.22).
  if (alpha === 1) {
    const y = tf.matMul(A, B, transposeA, transposeB);
    return C ? tf.add(y, beta === 1 ? C : tf.mul(C, beta)) : y;
  }
  let y: tf.Tensor = tf.mul(tf.matMul(A, B, transposeA, transposeB), alpha);
  if (C) y = tf.add(y, tf.mul(C, beta));
  return y;
}

/** True when {@link gemmInputGradient} covers the node: transA 0, constant B and C. */
function inputGradientCovered(ctx: OpContext): boolean {
  const constantC = ctx.inputs[2] === undefined || ctx.isConstant(2);
  return ctx.node.attrs.int('transA', 0) === 0 && ctx.isConstant(1) && constantC;
}

/**
 * A's share of a Gemm node's vector-Jacobian product, for the tape-free backward pass:
 * alpha * dY B'^T for a constant B (and C). With transB = 1 that is dY times B as stored, the
 * fast orientation on wasm (tf.grad of the node would rerun it and multiply by the transposed
 * memo transposed again: 1.4 ms for MobileNetV2's 1280 x 1000 head against 0.3 ms); with
 * transB = 0, B transposed once and kept. Undefined for transA = 1 or a B or C computed at run
 * time: the caller differentiates the node with tf.grad.
 *
 * @example
 * ```ts
 * const dA = gemmInputGradient(ctx, dy); // shaped like A
 * ```
 */
export function gemmInputGradient(ctx: OpContext, dy: tf.Tensor): tf.Tensor | undefined {
  const a = ctx.node.attrs;
  if (!inputGradientCovered(ctx)) return undefined;
  const B = ctx.input(1);
  const stored = a.int('transB', 0) === 1;
  const b = stored ? B : ctx.memo('b-for-input-gradient', () => tf.transpose(B));
  const dA = tf.matMul(dy as tf.Tensor2D, b as tf.Tensor2D);
  const alpha = a.float('alpha', 1);
  return alpha === 1 ? dA : tf.mul(dA, alpha);
}

/** MatMul with numpy semantics: 1-D operands are promoted, then the promoted axis dropped. */
const matMul: OpKernel = (ctx) => {
  let a = ctx.input(0);
  let b = ctx.input(1);
  const vecA = a.rank === 1;
  const vecB = b.rank === 1;
  if (vecA) a = tf.expandDims(a, 0);
  if (vecB) b = tf.expandDims(b, 1);
  let y: tf.Tensor = tf.matMul(a, b);
  if (vecA) y = tf.squeeze(y, [y.rank - 2]);
  if (vecB) y = tf.squeeze(y, [y.rank - 1]);
  return { tensor: y };
};

/** Matrix products. */
export const matMulOps: Record<string, OpKernel> = { Gemm: gemm, MatMul: matMul };
