// Test helpers: tiny ONNX models written with onnx-proto's encoder, and onnxruntime-node as the
// oracle they are checked against. Never imported by library code.
import { createRng } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { loadOnnxModel } from './load-onnx-model.js';
import { onnx } from './onnx-proto.js';

/** Float attribute marker (a JS number is written as an INT attribute otherwise). */
export const f = (value: number) => ({ float: value });
/** Float list attribute marker. */
export const fs = (value: number[]) => ({ floats: value });

export type AttrValue =
  | number
  | number[]
  | string
  | { float: number }
  | { floats: number[] }
  | { tensor: InitTensor };

export interface InitTensor {
  name: string;
  dims: number[];
  data: ArrayLike<number>;
  /** 'float' (default), 'int64', 'bool'. */
  type?: 'float' | 'int64' | 'bool';
}

const ELEM = { float: 1, int64: 7, bool: 9 } as const;

function attribute(name: string, v: AttrValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  return { name, type: T.TENSOR, t: tensorProto(v.tensor) };
}

function tensorProto(t: InitTensor) {
  const type = t.type ?? 'float';
  const base = { name: t.name, dims: t.dims, dataType: ELEM[type] };
  if (type === 'float') return { ...base, floatData: Array.from(t.data) };
  if (type === 'int64') return { ...base, int64Data: Array.from(t.data) };
  return { ...base, int32Data: Array.from(t.data) };
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
  name?: string;
}

export interface ModelSpec {
  nodes: NodeSpec[];
  input: { name: string; dims: (number | string)[]; type?: 'float' | 'int64' | 'bool' };
  output: { name: string; type?: 'float' | 'int64' | 'bool'; dims?: (number | string)[] };
  initializers?: InitTensor[];
  opset?: number;
}

/** Encodes a one-input, one-output ONNX model. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const valueInfo = (name: string, type: keyof typeof ELEM, dims?: (number | string)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: ELEM[type],
        ...(dims
          ? {
              shape: {
                dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
              },
            }
          : {}),
      },
    },
  });
  const model = {
    irVersion: 8,
    producerName: 'interp-test',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'test',
      node: spec.nodes.map((n, i) => ({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: (spec.initializers ?? []).map(tensorProto),
      input: [valueInfo(spec.input.name, spec.input.type ?? 'float', spec.input.dims)],
      output: [valueInfo(spec.output.name, spec.output.type ?? 'float', spec.output.dims)],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

/** A single-op model reading `x` (plus initializers) and writing `y`. */
export function singleOp(
  op: string,
  dims: number[],
  options: {
    attrs?: Record<string, AttrValue>;
    initializers?: InitTensor[];
    /** Node inputs after x (initializer names, or '' for an omitted optional input). */
    extraInputs?: string[];
    opset?: number;
    outputType?: 'float' | 'int64' | 'bool';
    inputType?: 'float' | 'int64' | 'bool';
  } = {},
): Uint8Array {
  return buildModel({
    nodes: [
      {
        op,
        inputs: ['x', ...(options.extraInputs ?? [])],
        outputs: ['y'],
        attrs: options.attrs ?? {},
      },
    ],
    input: { name: 'x', dims, type: options.inputType ?? 'float' },
    output: { name: 'y', type: options.outputType ?? 'float' },
    initializers: options.initializers ?? [],
    opset: options.opset ?? 13,
  });
}

/** Seeded standard normal values, times `scale`. */
export function randomNormal(size: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => scale * rng.normal());
}

/** Seeded uniform values in [lo, hi). */
export function randomUniform(size: number, seed: number, lo: number, hi: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * rng.random());
}

/** onnxruntime-node's output for one float input. */
export async function ortRun(
  model: Uint8Array | string,
  input: Float32Array,
  dims: number[],
  options: { threads?: number } = {},
): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(model as Uint8Array, {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
  });
  try {
    const result = await session.run({
      [session.inputNames[0]!]: new ort.Tensor('float32', input, dims),
    });
    const out = result[session.outputNames[0]!]!;
    const data = Float32Array.from(out.data as ArrayLike<number | bigint | boolean>, (v) =>
      Number(v),
    );
    return { data, dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

/** Largest |ours - oracle| / (1 + |oracle|) over two arrays of the same length. */
export function relativeError(ours: ArrayLike<number>, oracle: ArrayLike<number>): number {
  if (ours.length !== oracle.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < ours.length; i++) {
    const e = Math.abs(ours[i]! - oracle[i]!) / (1 + Math.abs(oracle[i]!));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

/** Runs a model on a seeded random input with ours and onnxruntime; returns shapes and the error. */
export async function compareWithOrt(model: Uint8Array, dims: number[], seed = 1, scale = 1) {
  const input = randomNormal(
    dims.reduce((a, b) => a * b, 1),
    seed,
    scale,
  );
  const oracle = await ortRun(model, input, dims);
  const loaded = await loadOnnxModel(model);
  try {
    const x = tf.tensor(input, dims);
    const y = loaded.predict(x);
    x.dispose();
    const ours = { data: Float32Array.from(await y.data(), Number), dims: [...y.shape] };
    y.dispose();
    return { ours, oracle, error: relativeError(ours.data, oracle.data) };
  } finally {
    loaded.dispose();
  }
}
