import type * as tf from '@tensorflow/tfjs-core';
import type { Attributes } from '../attributes.js';
import type { HostTensor } from '../host-tensor.js';

/**
 * A tensor flowing through the graph. `nhwc` marks a 4-D tensor held channels-last although ONNX
 * sees it as NCHW: conv and pool produce them so that chains of conv, pool and element-wise nodes
 * run without a transpose between every node. `host` holds the values of constants (initializers,
 * folded shape arithmetic) so shape-like inputs are read without touching the backend.
 */
export interface Value {
  tensor: tf.Tensor;
  nhwc?: boolean;
  host?: HostTensor;
  /** Fixed for the model's lifetime (initializers, folded constants): safe to derive memos from. */
  constant?: boolean;
}

/** A graph node as the executor sees it. */
export interface OnnxNode {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: Attributes;
}

/** What an op implementation receives. */
export interface OpContext {
  readonly node: OnnxNode;
  /** Opset version of the default domain. */
  readonly opset: number;
  /** Inputs in order; undefined for omitted optional inputs (empty names). */
  readonly inputs: readonly (Value | undefined)[];
  /** Input `i` in ONNX's own layout (NCHW for images); throws when absent. */
  input(i: number): tf.Tensor;
  /** Integer values of a shape-like input (constants are read on the host), or undefined if absent. */
  ints(i: number): number[] | undefined;
  /** Float values of a small input (Clip bounds, Resize scales), or undefined if absent. */
  floats(i: number): number[] | undefined;
  /** True when input `i` is a constant (initializer or folded). */
  isConstant(i: number): boolean;
  /**
   * A tensor derived from constant inputs only (a conv filter in tfjs order), made once and kept
   * until the model is disposed.
   */
  memo<T extends tf.Tensor>(key: string, make: () => T): T;
  /**
   * Set by the executor when this conv may apply the activation node after it itself (a fused
   * conv; forward passes only, see `recordingGradients`).
   */
  readonly fuseActivation: FusedActivation | undefined;
}

/** Activations a tfjs fused conv applies. */
export type FusedActivation = 'relu' | 'relu6';

/** An op implementation: returns the node's outputs in order. */
export type OpKernel = (ctx: OpContext) => Value | Value[];
