import * as tf from '@tensorflow/tfjs-core';
import { nchw } from './layout.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

/** 1-D attributes as 2-D ones over a height of 1. */
function expandAttrs(ctx: OpContext) {
  const a = ctx.node.attrs;
  const overrides: Record<string, number[]> = {};
  const pairs: [string, number][] = [
    ['kernel_shape', 1],
    ['strides', 1],
    ['dilations', 1],
  ];
  for (const [name, fill] of pairs) {
    const v = a.ints(name);
    if (v) overrides[name] = [fill, v[0]!];
  }
  const pads = a.ints('pads');
  if (pads) overrides.pads = [0, pads[0]!, 0, pads[1]!];
  return a.withInts(overrides);
}

/**
 * Runs a 2-D conv or pool kernel on a 1-D input (N x C x L, as torch's Conv1d and MaxPool1d
 * export) by viewing it as N x C x 1 x L, with weights [O, I, k] viewed as [O, I, 1, k].
 */
export function alsoOneDimensional(kernel: OpKernel): OpKernel {
  return (ctx) => {
    const x = ctx.inputs[0];
    if (x?.tensor.rank !== 3) return kernel(ctx);
    const view = (v: Value | undefined, i: number): Value | undefined => {
      if (!v || (i !== 0 && i !== 1) || (i === 1 && v.tensor.rank !== 3)) return v;
      const t = nchw(v);
      return { tensor: tf.expandDims(t, 2), ...(v.constant ? { constant: true } : {}) };
    };
    const inputs = ctx.inputs.map(view);
    const ctx2d: OpContext = {
      ...ctx,
      node: { ...ctx.node, attrs: expandAttrs(ctx) },
      inputs,
      input: (i) => nchw(inputs[i] as Value),
    };
    const result = kernel(ctx2d);
    const outputs = Array.isArray(result) ? result : [result];
    return outputs.map((v) => ({ tensor: tf.squeeze(nchw(v), [2]) }));
  };
}
