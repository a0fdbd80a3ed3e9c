import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  compareWithOrt,
  f,
  type InitTensor,
  randomNormal,
  randomUniform,
  singleOp,
} from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const w = (name: string, dims: number[], seed: number, scale = 0.5): InitTensor => ({
  name,
  dims,
  data: randomNormal(
    dims.reduce((a, b) => a * b, 1),
    seed,
    scale,
  ),
});

/** [title, model, input dims]: every case runs on seeded random inputs against onnxruntime. */
const cases: [string, Uint8Array, number[]][] = [
  [
    'Conv 3x3 pads 1, bias',
    singleOp('Conv', [2, 3, 7, 6], {
      attrs: { pads: [1, 1, 1, 1] },
      initializers: [w('w', [4, 3, 3, 3], 2), w('b', [4], 3)],
      extraInputs: ['w', 'b'],
    }),
    [2, 3, 7, 6],
  ],
  [
    'Conv stride 2, asymmetric pads, no bias',
    singleOp('Conv', [1, 2, 9, 8], {
      attrs: { strides: [2, 2], pads: [0, 1, 2, 1] },
      initializers: [w('w', [3, 2, 3, 2], 4)],
      extraInputs: ['w'],
    }),
    [1, 2, 9, 8],
  ],
  [
    'Conv dilations 2',
    singleOp('Conv', [1, 2, 9, 9], {
      attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] },
      initializers: [w('w', [2, 2, 3, 3], 5)],
      extraInputs: ['w'],
    }),
    [1, 2, 9, 9],
  ],
  [
    'Conv auto_pad SAME_UPPER stride 2',
    singleOp('Conv', [1, 2, 7, 7], {
      attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] },
      initializers: [w('w', [3, 2, 4, 4], 6)],
      extraInputs: ['w'],
    }),
    [1, 2, 7, 7],
  ],
  [
    'Conv auto_pad SAME_LOWER',
    singleOp('Conv', [1, 2, 6, 6], {
      attrs: { auto_pad: 'SAME_LOWER' },
      initializers: [w('w', [3, 2, 2, 2], 7)],
      extraInputs: ['w'],
    }),
    [1, 2, 6, 6],
  ],
  [
    'Conv depthwise (group = channels), multiplier 2',
    singleOp('Conv', [2, 3, 6, 6], {
      attrs: { group: 3, pads: [1, 1, 1, 1] },
      initializers: [w('w', [6, 1, 3, 3], 8), w('b', [6], 9)],
      extraInputs: ['w', 'b'],
    }),
    [2, 3, 6, 6],
  ],
  [
    'Conv depthwise, uneven pads',
    singleOp('Conv', [1, 4, 6, 6], {
      attrs: { group: 4, pads: [0, 1, 1, 0], strides: [2, 2] },
      initializers: [w('w', [4, 1, 3, 3], 10)],
      extraInputs: ['w'],
    }),
    [1, 4, 6, 6],
  ],
  [
    'Conv groups 2',
    singleOp('Conv', [1, 4, 5, 5], {
      attrs: { group: 2 },
      initializers: [w('w', [6, 2, 3, 3], 11), w('b', [6], 12)],
      extraInputs: ['w', 'b'],
    }),
    [1, 4, 5, 5],
  ],
  [
    'ConvTranspose stride 2, pads, output_padding',
    singleOp('ConvTranspose', [1, 3, 4, 5], {
      attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] },
      initializers: [w('w', [3, 2, 3, 3], 13), w('b', [2], 14)],
      extraInputs: ['w', 'b'],
    }),
    [1, 3, 4, 5],
  ],
  [
    'Conv 1-D (torch Conv1d): stride 2, pads, bias',
    singleOp('Conv', [2, 3, 11], {
      attrs: { strides: [2], pads: [1, 2], kernel_shape: [3] },
      initializers: [w('w', [4, 3, 3], 40), w('b', [4], 41)],
      extraInputs: ['w', 'b'],
    }),
    [2, 3, 11],
  ],
  [
    'MaxPool 1-D and AveragePool 1-D',
    buildModel({
      nodes: [
        {
          op: 'MaxPool',
          inputs: ['x'],
          outputs: ['m'],
          attrs: { kernel_shape: [3], strides: [2], pads: [1, 1] },
        },
        { op: 'AveragePool', inputs: ['m'], outputs: ['y'], attrs: { kernel_shape: [2] } },
      ],
      input: { name: 'x', dims: [2, 3, 10] },
      output: { name: 'y' },
    }),
    [2, 3, 10],
  ],
  [
    'Gemm transB with bias',
    singleOp('Gemm', [3, 5], {
      attrs: { transB: 1 },
      initializers: [w('w', [4, 5], 15), w('b', [4], 16)],
      extraInputs: ['w', 'b'],
    }),
    [3, 5],
  ],
  [
    'Gemm alpha, beta, transA',
    singleOp('Gemm', [5, 3], {
      attrs: { transA: 1, alpha: f(0.5), beta: f(2) },
      initializers: [w('w', [5, 4], 17), w('b', [1, 4], 18)],
      extraInputs: ['w', 'b'],
    }),
    [5, 3],
  ],
  [
    'MatMul batched',
    singleOp('MatMul', [2, 3, 4, 5], { initializers: [w('w', [5, 6], 19)], extraInputs: ['w'] }),
    [2, 3, 4, 5],
  ],
  [
    'BatchNormalization',
    singleOp('BatchNormalization', [2, 3, 4, 4], {
      initializers: [
        w('s', [3], 20),
        w('b', [3], 21),
        w('m', [3], 22),
        { name: 'v', dims: [3], data: randomUniform(3, 23, 0.5, 1.5) },
      ],
      extraInputs: ['s', 'b', 'm', 'v'],
    }),
    [2, 3, 4, 4],
  ],
  [
    'InstanceNormalization',
    singleOp('InstanceNormalization', [2, 3, 4, 5], {
      initializers: [w('s', [3], 24), w('b', [3], 25)],
      extraInputs: ['s', 'b'],
    }),
    [2, 3, 4, 5],
  ],
  [
    'LayerNormalization axis -1 (opset 17)',
    singleOp('LayerNormalization', [2, 3, 6], {
      opset: 17,
      initializers: [w('s', [6], 26), w('b', [6], 27)],
      extraInputs: ['s', 'b'],
    }),
    [2, 3, 6],
  ],
  [
    'MaxPool 3x3 stride 2 pads 1',
    singleOp('MaxPool', [2, 3, 8, 8], {
      attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
    }),
    [2, 3, 8, 8],
  ],
  [
    'MaxPool ceil_mode',
    singleOp('MaxPool', [1, 2, 7, 7], {
      attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 },
    }),
    [1, 2, 7, 7],
  ],
  [
    'AveragePool pads, count_include_pad 0',
    singleOp('AveragePool', [1, 2, 6, 6], { attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }),
    [1, 2, 6, 6],
  ],
  [
    'AveragePool pads, count_include_pad 1',
    singleOp('AveragePool', [1, 2, 6, 6], {
      attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 },
    }),
    [1, 2, 6, 6],
  ],
  [
    'AveragePool ceil_mode stride 2',
    singleOp('AveragePool', [1, 2, 7, 7], {
      attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 },
    }),
    [1, 2, 7, 7],
  ],
  ['GlobalAveragePool', singleOp('GlobalAveragePool', [2, 3, 5, 4]), [2, 3, 5, 4]],
  ['GlobalMaxPool', singleOp('GlobalMaxPool', [2, 3, 5, 4]), [2, 3, 5, 4]],
  [
    'Gemm transB 1, constant weights (kept transposed once), bias',
    singleOp('Gemm', [3, 6], {
      attrs: { transB: 1 },
      initializers: [w('w', [4, 6], 41), w('b', [4], 42)],
      extraInputs: ['w', 'b'],
    }),
    [3, 6],
  ],
  [
    'Gemm transB 1, alpha 0.5, beta 2',
    singleOp('Gemm', [2, 5], {
      attrs: { transB: 1, alpha: f(0.5), beta: f(2) },
      initializers: [w('w', [3, 5], 43), w('b', [3], 44)],
      extraInputs: ['w', 'b'],
    }),
    [2, 5],
  ],
  ['Softmax axis 1 (opset 11: flattens)', singleOp('Softmax', [2, 3, 4], { opset: 11 }), [2, 3, 4]],
  [
    'Softmax axis 1 (opset 13: one axis)',
    singleOp('Softmax', [2, 3, 4], { opset: 13, attrs: { axis: 1 } }),
    [2, 3, 4],
  ],
  ['LogSoftmax default axis (opset 13)', singleOp('LogSoftmax', [2, 5]), [2, 5]],
  [
    'LogSoftmax axis 1 (opset 12: flattens)',
    singleOp('LogSoftmax', [2, 3, 2], { opset: 12 }),
    [2, 3, 2],
  ],
];

const unary: [string, Record<string, unknown>?][] = [
  ['Relu'],
  ['Sigmoid'],
  ['Tanh'],
  ['Exp'],
  ['Neg'],
  ['Abs'],
  ['Erf'],
  ['Softplus'],
  ['HardSwish'],
  ['LeakyRelu', { alpha: f(0.2) }],
  ['Elu', { alpha: f(0.7) }],
  ['Elu'],
  ['Selu'],
  ['HardSigmoid'],
  ['HardSigmoid', { alpha: f(0.3), beta: f(0.4) }],
  ['Identity'],
  ['Dropout'],
];

describe('ONNX ops match onnxruntime on seeded random inputs', () => {
  it.each(cases)('%s', async (_, model, dims) => {
    const { ours, oracle, error } = await expectNoLeakedTensors(() => compareWithOrt(model, dims));
    expect(ours.dims).toEqual(oracle.dims);
    expect(error).toBeLessThan(1e-4);
  });

  it.each(unary)('%s (unary)', async (op, attrs) => {
    // HardSwish exists from opset 14.
    const model = singleOp(op, [2, 3, 4], {
      attrs: attrs as never,
      opset: op === 'HardSwish' ? 14 : 13,
    });
    const { ours, oracle, error } = await compareWithOrt(model, [2, 3, 4], 3, 2);
    expect(ours.dims).toEqual(oracle.dims);
    expect(error).toBeLessThan(1e-4);
  });

  it('Sqrt and Log on positive inputs', async () => {
    for (const op of ['Sqrt', 'Log']) {
      // |x| + 0.1 feeds the op positive values in a two-node graph.
      const { buildModel } = await import('./test-onnx-builder.js');
      const model = buildModel({
        nodes: [
          { op: 'Abs', inputs: ['x'], outputs: ['a'] },
          { op: 'Add', inputs: ['a', 'c'], outputs: ['p'] },
          { op, inputs: ['p'], outputs: ['y'] },
        ],
        input: { name: 'x', dims: [3, 4] },
        output: { name: 'y' },
        initializers: [{ name: 'c', dims: [], data: [0.1] }],
      });
      const { error } = await compareWithOrt(model, [3, 4]);
      expect(error).toBeLessThan(1e-4);
    }
  });

  it('Clip: ReLU6 from inputs (opset 11+), bounds from attributes (opset < 11 are rejected)', async () => {
    const model = singleOp('Clip', [2, 5], {
      initializers: [
        { name: 'lo', dims: [], data: [0] },
        { name: 'hi', dims: [], data: [6] },
      ],
      extraInputs: ['lo', 'hi'],
    });
    const { error } = await compareWithOrt(model, [2, 5], 4, 5);
    expect(error).toBeLessThan(1e-4);
    const lowOnly = singleOp('Clip', [2, 5], {
      initializers: [{ name: 'lo', dims: [], data: [-0.5] }],
      extraInputs: ['lo'],
    });
    expect((await compareWithOrt(lowOnly, [2, 5])).error).toBeLessThan(1e-4);
  });
});
