// Small GraphModels written as tensorflowjs_converter writes them (a graph-model topology, a
// weights manifest and their bytes), for the GraphModel adapter's tests. The input node is `x`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** A weight: its shape, its values and (default float32) its dtype. */
export type TestWeight = [shape: number[], values: number[], dtype?: 'float32' | 'int32'];

const dims = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
const base64 = (s: string) => Buffer.from(s).toString('base64');

/** The attrs every float op carries. */
export const float = { T: { type: 'DT_FLOAT' } };
/** A string attr (`padding`, `data_format`). */
export const str = (s: string) => ({ s: base64(s) });
/** A list-of-ints attr (`strides`, `dilations`). */
export const ints = (...i: number[]) => ({ list: { i: i.map(String) } });

export const matMul = (name: string, input: string[]) => ({
  name,
  op: 'MatMul',
  input,
  attr: { ...float, transpose_a: { b: false }, transpose_b: { b: false } },
});

/**
 * A conv node: `op` Conv2D, DepthwiseConv2dNative, _FusedConv2D or FusedDepthwiseConv2dNative
 * (`fused`: the fused ops, `['BiasAdd', 'Relu6']`; the bias is the third input), NHWC.
 */
export function conv(
  op: string,
  name: string,
  input: string[],
  {
    strides = 1,
    dilation = 1,
    padding = 'SAME',
    explicit = [] as number[],
    fused = [] as string[],
  }: {
    strides?: number;
    dilation?: number;
    padding?: string;
    explicit?: number[];
    fused?: string[];
  } = {},
) {
  return {
    name,
    op,
    input,
    attr: {
      ...float,
      strides: ints(1, strides, strides, 1),
      dilations: ints(1, dilation, dilation, 1),
      padding: str(padding),
      data_format: str('NHWC'),
      explicit_paddings: ints(...explicit),
      ...(fused.length > 0
        ? { fused_ops: { list: { s: fused.map(base64) } }, num_args: { i: '1' } }
        : {}),
    },
  };
}

/** The model files (topology, manifest, bytes) of a graph of `ops` over weights and input `x`. */
export function graphModelArtifacts(
  weights: Record<string, TestWeight>,
  ops: object[],
  inputShape: number[] = [-1, 2],
): tf.io.ModelArtifacts {
  const dtypeName = (d?: string) => (d === 'int32' ? 'DT_INT32' : 'DT_FLOAT');
  const consts = Object.entries(weights).map(([name, [shape, , dtype]]) => ({
    name,
    op: 'Const',
    attr: {
      value: { tensor: { dtype: dtypeName(dtype), tensorShape: dims(...shape) } },
      dtype: { type: dtypeName(dtype) },
    },
  }));
  const input = {
    name: 'x',
    op: 'Placeholder',
    attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(...inputShape) } },
  };
  // Both dtypes are 4 bytes a value: one buffer, each weight's values in its own type.
  const values = Object.values(weights);
  const buffer = new ArrayBuffer(4 * values.reduce((a, [, v]) => a + v.length, 0));
  let at = 0;
  for (const [, v, dtype] of values) {
    (dtype === 'int32'
      ? new Int32Array(buffer, at, v.length)
      : new Float32Array(buffer, at, v.length)
    ).set(v);
    at += 4 * v.length;
  }
  return {
    modelTopology: { node: [input, ...consts, ...ops], versions: { producer: 1 } },
    weightSpecs: Object.entries(weights).map(([name, [shape, , dtype]]) => ({
      name,
      shape,
      dtype: dtype ?? 'float32',
    })),
    weightData: buffer,
  };
}

/**
 * The GraphModel of {@link graphModelArtifacts}.
 *
 * @example
 * ```ts
 * const m = await graphModel({ w: [[2, 1], [1, -1]] }, [matMul('out', ['x', 'w'])]);
 * ```
 */
export function graphModel(
  weights: Record<string, TestWeight>,
  ops: object[],
  inputShape?: number[],
): Promise<GraphModel> {
  return loadGraphModel(tf.io.fromMemory(graphModelArtifacts(weights, ops, inputShape)));
}

/** `n` values in [-1, 1) from a seeded linear congruential generator (same in every process). */
export function seededValues(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647) * 2 - 1;
  });
}

/**
 * A MobileNetV2-style graph as the converter writes one, on a [N, size, size, 3] input: input scaling
 * (Mul, Sub), Pad, a strided 'VALID' _FusedConv2D (BiasAdd + Relu6), a FusedDepthwiseConv2dNative
 * (BiasAdd + Relu), a linear 1x1 _FusedConv2D, a residual AddV2, an explicit-padding Conv2D, a
 * BiasAdd, a Relu6, a 'SAME' AvgPool, a depthwise conv, Relu, Mean, Reshape, MatMul and Softmax;
 * seeded weights.
 */
export function mobileNetStyleArtifacts(size = 9): tf.io.ModelArtifacts {
  let seed = 3;
  const w = (shape: number[], scale = 0.5): TestWeight => [
    shape,
    seededValues(
      shape.reduce((a, d) => a * d, 1),
      seed++,
    ).map((v) => v * scale),
  ];
  const weights: Record<string, TestWeight> = {
    scale: [[], [2]],
    shift: [[], [1]],
    paddings: [[4, 2], [0, 0, 1, 1, 0, 1, 0, 0], 'int32'],
    c1w: w([3, 3, 3, 4]),
    c1b: w([4], 1),
    dww: w([3, 3, 4, 1]),
    dwb: w([4], 0.3),
    pw: w([1, 1, 4, 4]),
    pb: w([4], 0.3),
    c2w: w([2, 2, 4, 6]),
    c2b: w([6], 0.3),
    dw2w: w([3, 3, 6, 1]),
    axes: [[2], [1, 2], 'int32'],
    shape: [[2], [-1, 6], 'int32'],
    dense: w([6, 5], 1),
  };
  const ops = [
    { name: 'scaled', op: 'Mul', input: ['scale', 'x'], attr: float },
    { name: 'centred', op: 'Sub', input: ['scaled', 'shift'], attr: float },
    { name: 'padded', op: 'Pad', input: ['centred', 'paddings'], attr: { ...float } },
    conv('_FusedConv2D', 'c1', ['padded', 'c1w', 'c1b'], {
      strides: 2,
      padding: 'VALID',
      fused: ['BiasAdd', 'Relu6'],
    }),
    conv('FusedDepthwiseConv2dNative', 'dw', ['c1', 'dww', 'dwb'], { fused: ['BiasAdd', 'Relu'] }),
    conv('_FusedConv2D', 'project', ['dw', 'pw', 'pb'], { fused: ['BiasAdd'] }),
    { name: 'residual', op: 'AddV2', input: ['c1', 'project'], attr: float },
    conv('Conv2D', 'c2', ['residual', 'c2w'], {
      padding: 'EXPLICIT',
      explicit: [0, 0, 1, 0, 0, 1, 0, 0],
    }),
    {
      name: 'c2bias',
      op: 'BiasAdd',
      input: ['c2', 'c2b'],
      attr: { ...float, data_format: str('NHWC') },
    },
    { name: 'c2act', op: 'Relu6', input: ['c2bias'], attr: float },
    {
      name: 'smooth',
      op: 'AvgPool',
      input: ['c2act'],
      attr: { ...float, ksize: ints(1, 3, 3, 1), strides: ints(1, 1, 1, 1), padding: str('SAME') },
    },
    conv('DepthwiseConv2dNative', 'dw2', ['smooth', 'dw2w'], { strides: 2 }),
    { name: 'dw2act', op: 'Relu', input: ['dw2'], attr: float },
    {
      name: 'pool',
      op: 'Mean',
      input: ['dw2act', 'axes'],
      attr: { ...float, keep_dims: { b: true } },
    },
    { name: 'flat', op: 'Reshape', input: ['pool', 'shape'], attr: float },
    matMul('logits', ['flat', 'dense']),
    { name: 'probs', op: 'Softmax', input: ['logits'], attr: float },
  ];
  return graphModelArtifacts(weights, ops, [-1, size, size, 3]);
}

/**
 * A branching graph, mostly of ops the walk differentiates with tf.grad of the one node, on a
 * [N, 8, 8, 3] input: Conv2D, FusedBatchNormV3, LeakyRelu, MaxPool, then a _FusedConv2D (BiasAdd +
 * Relu) branch and a depthwise conv, Sigmoid, Mul(s, s) branch, ConcatV2, AddV2(c, c) (one input
 * read twice), Mean without kept dims, _FusedMatMul (BiasAdd) and Softmax; seeded weights.
 */
export function branchyArtifacts(): tf.io.ModelArtifacts {
  let seed = 40;
  const w = (shape: number[], scale = 0.5, offset = 0): TestWeight => [
    shape,
    seededValues(
      shape.reduce((a, d) => a * d, 1),
      seed++,
    ).map((v) => offset + v * scale),
  ];
  const weights: Record<string, TestWeight> = {
    cw: w([3, 3, 3, 6]),
    gamma: w([6], 0.5, 1),
    beta: w([6], 0.3),
    mean: w([6], 0.3),
    variance: w([6], 0.4, 1),
    aw: w([1, 1, 6, 4]),
    ab: w([4], 0.3),
    bw: w([3, 3, 6, 1]),
    axis: [[], [3], 'int32'],
    axes: [[2], [1, 2], 'int32'],
    dense: w([10, 4], 1),
    denseBias: w([4], 0.3),
  };
  const ops = [
    conv('Conv2D', 'c', ['x', 'cw']),
    {
      name: 'bn',
      op: 'FusedBatchNormV3',
      input: ['c', 'gamma', 'beta', 'mean', 'variance'],
      attr: {
        ...float,
        epsilon: { f: 0.001 },
        data_format: str('NHWC'),
        is_training: { b: false },
      },
    },
    { name: 'leaky', op: 'LeakyRelu', input: ['bn'], attr: { ...float, alpha: { f: 0.1 } } },
    {
      name: 'pool',
      op: 'MaxPool',
      input: ['leaky'],
      attr: { ...float, ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1), padding: str('VALID') },
    },
    conv('_FusedConv2D', 'a', ['pool', 'aw', 'ab'], { fused: ['BiasAdd', 'Relu'] }),
    conv('DepthwiseConv2dNative', 'b', ['pool', 'bw']),
    { name: 'gate', op: 'Sigmoid', input: ['b'], attr: float },
    { name: 'squared', op: 'Mul', input: ['gate', 'gate'], attr: float },
    {
      name: 'joined',
      op: 'ConcatV2',
      input: ['a', 'squared', 'axis'],
      attr: { ...float, N: { i: '2' } },
    },
    { name: 'doubled', op: 'AddV2', input: ['joined', 'joined'], attr: float },
    {
      name: 'avg',
      op: 'Mean',
      input: ['doubled', 'axes'],
      attr: { ...float, keep_dims: { b: false } },
    },
    {
      name: 'logits',
      op: '_FusedMatMul',
      input: ['avg', 'dense', 'denseBias'],
      attr: {
        ...float,
        transpose_a: { b: false },
        transpose_b: { b: false },
        fused_ops: { list: { s: [base64('BiasAdd')] } },
        num_args: { i: '1' },
      },
    },
    { name: 'probs', op: 'Softmax', input: ['logits'], attr: float },
  ];
  return graphModelArtifacts(weights, ops, [-1, 8, 8, 3]);
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The model.json of npm's nsfwjs 4.3.0 MobileNetV2 GraphModel (mobilenet_v2_mid), extracted into
 * the cache by the repo's script (never committed).
 */
export function nsfwjsGraphModelPath(): string {
  const script = join(ROOT, 'scripts/extract-nsfwjs-models.mjs');
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n');
  return out.find((p) => p.endsWith('/mobilenet_v2_mid/model.json'))!;
}

/** The files of a model.json and its weight shards, for tf.io.fromMemory. */
export function modelFiles(path: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const data = Buffer.concat(
    json.weightsManifest.flatMap((g: { paths: string[] }) =>
      g.paths.map((p) => readFileSync(join(dirname(path), p))),
    ),
  );
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  };
}

/** ||a - b|| / ||b||. */
export function relativeL2(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const [av, bv] = [a.dataSync(), b.dataSync()];
  let d = 0;
  let r = 0;
  for (let i = 0; i < bv.length; i++) {
    d += (av[i]! - bv[i]!) ** 2;
    r += bv[i]! ** 2;
  }
  expect(r).toBeGreaterThan(0);
  return Math.sqrt(d / r);
}
