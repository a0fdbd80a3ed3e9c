import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { nchw } from './ops/layout.js';
import type { FusedActivation, OnnxNode, OpContext, Value } from './ops/op-types.js';

/** Tensors derived from constants, per node, kept until the model is disposed. */
export type MemoStore = Map<string, tf.Tensor>;

/**
 * The context an op runs in. Shape-like inputs are read from their host copy when they are
 * constants; otherwise (shapes computed at run time) from the backend, which for these few small
 * integer tensors is cheap and unavoidable.
 */
export function makeContext(
  node: OnnxNode,
  inputs: readonly (Value | undefined)[],
  opset: number,
  memos: MemoStore,
  fuseActivation: FusedActivation | undefined,
): OpContext {
  const present = (i: number): Value => {
    const v = inputs[i];
    if (v === undefined) {
      throw new InterpError(
        'PARSE',
        `${node.name}: ${node.opType} needs input ${i}, which the node leaves empty`,
      );
    }
    return v;
  };
  const hostValues = (i: number): ArrayLike<number> | undefined => {
    const v = inputs[i];
    if (v === undefined) return undefined;
    return v.host ? v.host.data : v.tensor.dataSync();
  };
  return {
    node,
    opset,
    inputs,
    fuseActivation,
    input: (i) => nchw(present(i)),
    ints: (i) => {
      const values = hostValues(i);
      return values === undefined ? undefined : Array.from(values, (x) => Math.trunc(Number(x)));
    },
    floats: (i) => {
      const values = hostValues(i);
      return values === undefined ? undefined : Array.from(values, Number);
    },
    isConstant: (i) => inputs[i]?.constant === true,
    memo: <T extends tf.Tensor>(key: string, make: () => T): T => {
      const id = `${node.name}\u0000${key}`;
      let t = memos.get(id);
      if (t === undefined) {
        t = tf.keep(make());
        memos.set(id, t);
      }
      return t as T;
    },
  };
}
