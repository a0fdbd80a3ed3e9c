import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  compareWithOrt,
  f,
  type InitTensor,
  randomNormal,
  singleOp,
} from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const w = (name: string, dims: number[], seed: number): InitTensor => ({
  name,
  dims,
  data: randomNormal(
    dims.reduce((a, b) => a * b, 1),
    seed,
  ),
});
const ints = (name: string, data: number[]): InitTensor => ({
  name,
  dims: [data.length],
  data,
  type: 'int64',
});
const x4 = [2, 3, 4, 5];

/** [title, model, input dims] */
const cases: [string, Uint8Array, number[]][] = [
  [
    'Add broadcasting [C, 1, 1]',
    singleOp('Add', x4, { initializers: [w('b', [3, 1, 1], 1)], extraInputs: ['b'] }),
    x4,
  ],
  [
    'Sub broadcasting [W]',
    singleOp('Sub', x4, { initializers: [w('b', [5], 2)], extraInputs: ['b'] }),
    x4,
  ],
  ['Mul scalar', singleOp('Mul', x4, { initializers: [w('b', [], 3)], extraInputs: ['b'] }), x4],
  [
    'Div full shape',
    singleOp('Div', [2, 3], {
      initializers: [{ name: 'b', dims: [2, 3], data: [1, 2, -3, 4, 5, -0.5] }],
      extraInputs: ['b'],
    }),
    [2, 3],
  ],
  [
    'Pow by 2',
    singleOp('Pow', [2, 3], {
      initializers: [{ name: 'b', dims: [], data: [2] }],
      extraInputs: ['b'],
    }),
    [2, 3],
  ],
  [
    'Equal',
    singleOp('Equal', [3, 4], {
      initializers: [{ name: 'b', dims: [], data: [0] }],
      extraInputs: ['b'],
      outputType: 'bool',
    }),
    [3, 4],
  ],
  [
    'Greater',
    singleOp('Greater', [3, 4], {
      initializers: [w('b', [4], 4)],
      extraInputs: ['b'],
      outputType: 'bool',
    }),
    [3, 4],
  ],
  [
    'Less',
    singleOp('Less', [3, 4], {
      initializers: [w('b', [3, 1], 5)],
      extraInputs: ['b'],
      outputType: 'bool',
    }),
    [3, 4],
  ],
  [
    'Reshape with 0 and -1',
    singleOp('Reshape', x4, { initializers: [ints('s', [0, -1, 5])], extraInputs: ['s'] }),
    x4,
  ],
  ['Flatten axis 2', singleOp('Flatten', x4, { attrs: { axis: 2 } }), x4],
  ['Transpose perm', singleOp('Transpose', x4, { attrs: { perm: [0, 2, 3, 1] } }), x4],
  ['Transpose default (reverse)', singleOp('Transpose', [2, 3, 4]), [2, 3, 4]],
  [
    'Squeeze axes attribute (opset 11)',
    singleOp('Squeeze', [2, 1, 3, 1], { opset: 11, attrs: { axes: [1, -1] } }),
    [2, 1, 3, 1],
  ],
  [
    'Squeeze axes input (opset 13)',
    singleOp('Squeeze', [2, 1, 3, 1], { initializers: [ints('a', [3])], extraInputs: ['a'] }),
    [2, 1, 3, 1],
  ],
  ['Squeeze all ones', singleOp('Squeeze', [2, 1, 3, 1]), [2, 1, 3, 1]],
  [
    'Unsqueeze axes attribute (opset 11)',
    singleOp('Unsqueeze', [2, 3], { opset: 11, attrs: { axes: [0, 3] } }),
    [2, 3],
  ],
  [
    'Unsqueeze axes input (opset 13), negative',
    singleOp('Unsqueeze', [2, 3], { initializers: [ints('a', [-1, 1])], extraInputs: ['a'] }),
    [2, 3],
  ],
  [
    'Concat axis 1',
    singleOp('Concat', x4, {
      attrs: { axis: 1 },
      initializers: [w('b', [2, 2, 4, 5], 6)],
      extraInputs: ['b'],
    }),
    x4,
  ],
  [
    'Slice steps 2, negative ends',
    singleOp('Slice', x4, {
      initializers: [
        ints('s', [1, 0]),
        ints('e', [-1, 100]),
        ints('a', [2, 3]),
        ints('st', [1, 2]),
      ],
      extraInputs: ['s', 'e', 'a', 'st'],
    }),
    x4,
  ],
  [
    'Slice negative step (reverse)',
    singleOp('Slice', x4, {
      initializers: [ints('s', [-1]), ints('e', [-1000]), ints('a', [3]), ints('st', [-2])],
      extraInputs: ['s', 'e', 'a', 'st'],
    }),
    x4,
  ],
  [
    'Slice INT64_MAX end, no axes',
    singleOp('Slice', [4, 3], {
      initializers: [ints('s', [1]), ints('e', [Number.MAX_SAFE_INTEGER])],
      extraInputs: ['s', 'e'],
    }),
    [4, 3],
  ],
  [
    'Gather axis 1 with negative indices',
    singleOp('Gather', x4, {
      attrs: { axis: 1 },
      initializers: [ints('i', [2, -3, 0])],
      extraInputs: ['i'],
    }),
    x4,
  ],
  [
    'Gather scalar index',
    singleOp('Gather', [4, 3], {
      initializers: [{ name: 'i', dims: [], data: [2], type: 'int64' }],
      extraInputs: ['i'],
    }),
    [4, 3],
  ],
  [
    'Pad constant (opset 13, input pads)',
    singleOp('Pad', [2, 3, 4], {
      initializers: [ints('p', [0, 1, 2, 0, 2, 1]), { name: 'v', dims: [], data: [0.5] }],
      extraInputs: ['p', 'v'],
    }),
    [2, 3, 4],
  ],
  [
    'Pad reflect',
    singleOp('Pad', [1, 2, 4, 4], {
      attrs: { mode: 'reflect' },
      initializers: [ints('p', [0, 0, 1, 2, 0, 0, 2, 1])],
      extraInputs: ['p'],
    }),
    [1, 2, 4, 4],
  ],
  [
    'Pad edge',
    singleOp('Pad', [1, 2, 3, 4], {
      attrs: { mode: 'edge' },
      initializers: [ints('p', [0, 0, 2, 1, 0, 1, 1, 3])],
      extraInputs: ['p'],
    }),
    [1, 2, 3, 4],
  ],
  ['ReduceMean axes [2, 3] keepdims', singleOp('ReduceMean', x4, { attrs: { axes: [2, 3] } }), x4],
  [
    'ReduceMax axis -1, keepdims 0',
    singleOp('ReduceMax', x4, { attrs: { axes: [-1], keepdims: 0 } }),
    x4,
  ],
  [
    'ReduceSum axes input (opset 13)',
    singleOp('ReduceSum', x4, { initializers: [ints('a', [1])], extraInputs: ['a'] }),
    x4,
  ],
  [
    'ReduceSum all axes (opset 11)',
    singleOp('ReduceSum', [3, 4], { opset: 11, attrs: { keepdims: 0 } }),
    [3, 4],
  ],
  [
    'Resize nearest x2 (asymmetric, floor: PyTorch)',
    singleOp('Resize', [1, 2, 3, 4], {
      attrs: {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      },
      initializers: [{ name: 's', dims: [4], data: [1, 1, 2, 2] }],
      extraInputs: ['', 's'],
    }),
    [1, 2, 3, 4],
  ],
  [
    'Resize linear x2 (half_pixel)',
    singleOp('Resize', [1, 2, 3, 4], {
      attrs: { mode: 'linear' },
      initializers: [{ name: 's', dims: [4], data: [1, 1, 2, 2] }],
      extraInputs: ['', 's'],
    }),
    [1, 2, 3, 4],
  ],
  [
    'Resize linear to sizes (align_corners)',
    singleOp('Resize', [1, 2, 3, 4], {
      attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
      initializers: [ints('z', [1, 2, 5, 7])],
      extraInputs: ['', '', 'z'],
    }),
    [1, 2, 3, 4],
  ],
  [
    'Cast float -> int64 (truncates)',
    singleOp('Cast', [3, 4], { attrs: { to: 7 }, outputType: 'int64' }),
    [3, 4],
  ],
  ['Shape', singleOp('Shape', x4, { outputType: 'int64' }), x4],
];

describe('ONNX tensor ops match onnxruntime on seeded random inputs', () => {
  it.each(cases)('%s', async (_, model, dims) => {
    const { ours, oracle, error } = await expectNoLeakedTensors(() =>
      compareWithOrt(model, dims, 7, 2),
    );
    expect(ours.dims).toEqual(oracle.dims);
    expect(error).toBeLessThan(1e-4);
  });

  it('Split (attribute before opset 13, input from 13) writes every part', async () => {
    for (const opset of [11, 13]) {
      const split =
        opset === 13
          ? { inputs: ['x', 'sp'] }
          : { inputs: ['x'], attrs: { axis: 1, split: [1, 3] } };
      const model = buildModel({
        opset,
        nodes: [
          {
            op: 'Split',
            ...split,
            attrs: { axis: 1, ...(opset === 11 ? { split: [1, 3] } : {}) },
            outputs: ['a', 'b'],
          },
          { op: 'Concat', inputs: ['b', 'a'], outputs: ['y'], attrs: { axis: 1 } },
        ],
        input: { name: 'x', dims: [2, 4, 3] },
        output: { name: 'y' },
        initializers: opset === 13 ? [ints('sp', [1, 3])] : [],
      });
      expect((await compareWithOrt(model, [2, 4, 3])).error).toBeLessThan(1e-4);
    }
  });

  it('Where, Constant, ConstantOfShape and Shape arithmetic in one graph', async () => {
    const model = buildModel({
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['zero'], attrs: { value_float: f(0) } },
        { op: 'Greater', inputs: ['x', 'zero'], outputs: ['pos'] },
        { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
        {
          op: 'ConstantOfShape',
          inputs: ['shape'],
          outputs: ['ones'],
          attrs: { value: { tensor: { name: 'v', dims: [1], data: [1] } } },
        },
        { op: 'Where', inputs: ['pos', 'x', 'ones'], outputs: ['w'] },
        { op: 'Gather', inputs: ['shape', 'i0'], outputs: ['n'] },
        { op: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['w', 'target'], outputs: ['y'] },
      ],
      input: { name: 'x', dims: ['batch', 3, 4] },
      output: { name: 'y' },
      initializers: [
        { name: 'i0', dims: [], data: [0], type: 'int64' },
        ints('ax', [0]),
        ints('minus1', [-1]),
      ],
    });
    const { ours, oracle, error } = await compareWithOrt(model, [2, 3, 4]);
    expect(ours.dims).toEqual([2, 12]);
    expect(ours.dims).toEqual(oracle.dims);
    expect(error).toBeLessThan(1e-4);
  });

  it('supportedOps() covers every op of the ONNX exports interp targets', async () => {
    const { supportedOps } = await import('./ops/registry.js');
    const wanted =
      `Conv ConvTranspose Gemm MatMul Add Sub Mul Div Pow Sqrt Exp Log Neg Abs Erf Relu LeakyRelu
      Elu Selu Sigmoid Tanh HardSigmoid HardSwish Softplus Clip Softmax LogSoftmax BatchNormalization
      InstanceNormalization LayerNormalization MaxPool AveragePool GlobalAveragePool GlobalMaxPool Flatten
      Reshape Transpose Squeeze Unsqueeze Concat Split Slice Gather Shape Constant ConstantOfShape Identity
      Dropout Pad ReduceMean ReduceSum ReduceMax Resize Cast Where Equal Greater Less`.split(/\s+/);
    const ops = supportedOps();
    expect(wanted.filter((op) => !ops.includes(op))).toEqual([]);
    expect([...ops].sort()).toEqual(ops);
  });
});
