// Test-only (not exported): the stems that the affine-prefix tests (onnx's own and attribution's IG
// through the prefix) put in front of a small CNN on [N, 3, 8, 8]. Each stem reads x and writes s.
import { buildModel, type InitTensor, type NodeSpec, randomNormal } from './test-onnx-builder.js';

/** A seeded normal initializer of the given dims. */
export function init(name: string, dims: number[], seed: number, scale = 0.3): InitTensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return { name, dims, data: randomNormal(size, seed, scale) };
}

/** Conv(x, w1, b1) -> s, 3 -> 4 channels, 3 x 3, with these strides and pads. */
export function convStem(strides: number[], pads: number[]): NodeSpec {
  return {
    op: 'Conv',
    inputs: ['x', 'w1', 'b1'],
    outputs: ['s'],
    attrs: { kernel_shape: [3, 3], strides, pads },
  };
}

/** The conv stem's weight and bias. */
export const convInits: InitTensor[] = [init('w1', [4, 3, 3, 3], 10), init('b1', [4], 11, 0.2)];

/** `conv` (writing c1) -> BatchNormalization -> Add of a constant: an affine prefix of three nodes. */
export function bnStem(conv: NodeSpec): NodeSpec[] {
  return [
    { ...conv, outputs: ['c1'] },
    {
      op: 'BatchNormalization',
      inputs: ['c1', 'scale', 'shift', 'mean', 'var'],
      outputs: ['n1'],
      attrs: { epsilon: { float: 1e-3 } },
    },
    { op: 'Add', inputs: ['n1', 'offset'], outputs: ['s'] },
  ];
}

/** The BatchNormalization stem's initializers (the conv's included). */
export const bnInits: InitTensor[] = [
  ...convInits,
  init('scale', [4], 20, 1),
  init('shift', [4], 21),
  init('mean', [4], 22),
  { name: 'var', dims: [4], data: [0.5, 1, 2, 0.8] },
  init('offset', [4, 1, 1], 23),
];

/** The pooling of {@link stemCnn}: a node reading r2 and writing p, and the features it leaves. */
export interface StemCnnPool {
  node: NodeSpec;
  features: number;
  /** Scale of the final Gemm's seeded weights. */
  scale: number;
}

/**
 * A CNN on [N, 3, 8, 8] starting with `stem` (reading x, writing s), then ReLU, a 3 x 3 conv to 5
 * channels, ReLU, `pool`, Flatten and a Gemm to 3 classes.
 */
export function stemCnn(stem: NodeSpec[], stemInits: InitTensor[], pool: StemCnnPool): Uint8Array {
  return buildModel({
    nodes: [
      ...stem,
      { op: 'Relu', inputs: ['s'], outputs: ['r'] },
      { op: 'Conv', inputs: ['r', 'w2', 'b2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      pool.node,
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'wf', 'bf'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    input: { name: 'x', dims: ['N', 3, 8, 8] },
    output: { name: 'y' },
    initializers: [
      ...stemInits,
      init('w2', [5, 4, 3, 3], 12),
      init('b2', [5], 13, 0.1),
      init('wf', [3, pool.features], 14, pool.scale),
      init('bf', [3], 15, 0.1),
    ],
  });
}
