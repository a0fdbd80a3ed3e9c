import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { modulePathOf } from './module-path.js';
import type { OnnxModel } from './onnx-model.js';
import { onnx } from './onnx-proto.js';
import { TEST_MODELS } from './test-external-data.js';

let cnn: OnnxModel;
const x = () => tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 5);

beforeAll(async () => {
  await setupBackend('wasm');
  cnn = await loadOnnxModel(join(TEST_MODELS, 'small-cnn.onnx'));
});
afterAll(() => cnn.dispose());

describe('OnnxModel', () => {
  it('describes the graph: kind, layout, shapes, node names, module paths, params', () => {
    expect(cnn.kind).toBe('onnx');
    expect(cnn.layout).toBe('NCHW');
    expect(cnn.opset).toBe(11);
    expect(cnn.inputShape).toEqual([null, 3, 8, 8]);
    expect(cnn.outputShape).toEqual([null, 5]);
    const conv1 = cnn.nodes.find((n) => n.name === '/conv1/Conv')!;
    expect(conv1).toMatchObject({ op: 'Conv', modulePath: 'conv1', params: 4 * 3 * 3 * 3 + 4 });
    expect(conv1.outputShape).toEqual([null, 4, 8, 8]);
    expect(cnn.findNode('bn').outputShape).toEqual([null, 4, 4, 4]);
    expect(cnn.findNode('/gap/GlobalAveragePool').outputShape).toEqual([null, 8, 1, 1]);
    expect(cnn.findNode('fc').params).toBe(8 * 5 + 5);
  });

  it('findNode(query) by node name, output tensor name or module path; close names on a miss', () => {
    const relu = cnn.findNode('/relu1/Relu');
    expect(cnn.findNode(relu.outputs[0]!).name).toBe('/relu1/Relu');
    expect(cnn.findNode('relu2').name).toBe('/relu2/Clip');
    expect(() => cnn.findNode('relu3')).toThrowError(
      /no node or layer named "relu3"; closest: .*relu/,
    );
  });

  it('run(x, { taps }) returns NCHW taps by the name asked for; taps agree with each other', async () => {
    const result = await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const input = x();
        const { output, taps } = cnn.run(input, { taps: ['/conv1/Conv', 'relu1', 'gap'] });
        const reluOfConv = tf.relu(taps['/conv1/Conv']!);
        const diff = tf.max(tf.abs(tf.sub(reluOfConv, taps.relu1!))).dataSync()[0]!;
        return { shapes: [output.shape, ...Object.values(taps).map((t) => t.shape)], diff };
      }),
    );
    expect(result.shapes).toEqual([
      [2, 5],
      [2, 4, 8, 8],
      [2, 4, 8, 8],
      [2, 8, 1, 1],
    ]);
    expect(result.diff).toBe(0);
  });

  it('run(x, { hooks }) substitutes a node output downstream (zeros at the pool -> fc bias)', async () => {
    const proto = onnx.ModelProto.decode(await readFile(join(TEST_MODELS, 'small-cnn.onnx')));
    const bias = proto.graph!.initializer!.find((t) => t.name === 'fc.bias')!;
    // torch writes raw little-endian bytes
    const expected = [...new Float32Array(new Uint8Array(bias.rawData!).buffer)];
    expect(expected).toHaveLength(5);
    const out = await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const { output } = cnn.run(x(), { hooks: { gap: (o) => tf.zerosLike(o) } });
        return output.arraySync() as number[][];
      }),
    );
    for (const row of out) {
      for (const [i, v] of row.entries()) expect(v).toBeCloseTo(expected[i]!, 6);
    }
  });

  it('a hook that keeps the output changes nothing; a hook may replace the gradient of a ReLU', () => {
    tf.tidy(() => {
      const input = x();
      const plain = cnn.predict(input);
      const seen: number[][] = [];
      const hooked = cnn.run(input, { hooks: { relu1: (o) => void seen.push(o.shape) } }).output;
      expect(seen).toEqual([[2, 4, 8, 8]]);
      expect(tf.max(tf.abs(tf.sub(plain, hooked))).dataSync()[0]).toBe(0);
      // Every path from input to output crosses relu1: a zero gradient there zeroes the input gradient.
      const blockGrad = (o: tf.Tensor) =>
        tf.customGrad((t) => ({
          value: tf.clone(t as tf.Tensor),
          gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
        }))(o);
      const f = (hooks: Record<string, (o: tf.Tensor) => tf.Tensor>) => (t: tf.Tensor) =>
        tf.sum(cnn.run(t, { hooks }).output);
      const g = tf.grad(f({}))(input);
      const blocked = tf.grad(f({ relu1: blockGrad }))(input);
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
      expect(tf.max(tf.abs(blocked)).dataSync()[0]).toBe(0);
    });
  });

  it('rejects an input of the wrong shape, a hook of the wrong shape, an unknown tap, training mode', async () => {
    await expectNoLeakedTensors(() => {
      const wrong = tf.zeros([2, 8, 8, 3]);
      const right = tf.zeros([1, 3, 8, 8]);
      try {
        expect(() => cnn.predict(wrong)).toThrowError(InterpError);
        expect(() => cnn.predict(wrong)).toThrowError(
          /expects an input of shape \[any, 3, 8, 8\] \(NCHW.*got \[2, 8, 8, 3\]/,
        );
        expect(() => cnn.run(right, { hooks: { gap: () => tf.zeros([1]) } })).toThrowError(
          /returned shape \[1\] for an output of shape \[1, 8, 1, 1\]/,
        );
        expect(() => cnn.run(right, { taps: ['nope'] })).toThrowError(
          /no node or layer named "nope"/,
        );
        expect(() => cnn.run(right, { training: true })).toThrowError(
          /training mode is not supported/,
        );
      } finally {
        tf.dispose([wrong, right]);
      }
    });
  });

  it('a forward pass never reads tensor data back: shape-like constants were folded at load', () => {
    const spy = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    try {
      tf.tidy(() => cnn.predict(x()));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('dispose() frees the weights; a disposed model refuses to run', async () => {
    const before = tf.memory().numTensors;
    const model = await loadOnnxModel(join(TEST_MODELS, 'mlp.onnx'));
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const input = tf.zeros([1, 8]);
    expect(() => model.predict(input)).toThrowError(/was disposed/);
    input.dispose();
  });
});

describe('OnnxModel.parameters()', () => {
  it("lists the float initializers with the node reading them, as python onnx's graph.initializer", async () => {
    const mlp = await loadOnnxModel(join(TEST_MODELS, 'mlp.onnx'));
    try {
      const before = tf.memory().numTensors;
      const params = mlp.parameters();
      expect(tf.memory().numTensors).toBe(before);
      expect(params.map((p) => [p.name, p.node, p.value.shape, p.trainable])).toEqual([
        ['fc1.weight', '/fc1/Gemm', [16, 8], false],
        ['fc1.bias', '/fc1/Gemm', [16], false],
        ['fc2.weight', '/fc2/Gemm', [16, 16], false],
        ['fc2.bias', '/fc2/Gemm', [16], false],
        ['head.weight', '/head/Gemm', [3, 16], false],
        ['head.bias', '/head/Gemm', [3], false],
      ]);
      // numpy_helper.to_array of head.bias in mlp.onnx
      const bias = Array.from(await params[5]!.value.data());
      [0.07969105243682861, 0.13420170545578003, 0.03482732176780701].forEach((v, i) => {
        expect(bias[i]).toBeCloseTo(v, 6);
      });
    } finally {
      mlp.dispose();
    }
    expect(() => mlp.parameters()).toThrow(/disposed/);
  });
});

describe('modulePathOf(nodeName)', () => {
  it.each([
    ['/layer4/layer4.1/conv1/Conv', 'layer4.1.conv1'],
    ['/layer4/layer4.1/relu_1/Relu', 'layer4.1.relu_1'],
    ['/features/features.18/features.18.0/Conv', 'features.18.0'],
    ['/features/features.1/conv/conv.0/conv.0.0/Conv', 'features.1.conv.0.0'],
    ['/fc/Gemm', 'fc'],
    ['/Flatten', undefined],
    ['Conv_12', undefined],
  ])('%s -> %s', (name, path) => {
    expect(modulePathOf(name)).toBe(path);
  });
});

describe('OnnxModel.layout', () => {
  it('is NHWC when the input is transposed to NCHW first (tf2onnx), none for 2-D inputs', async () => {
    const { buildModel } = await import('./test-onnx-builder.js');
    const nhwc = await loadOnnxModel(
      buildModel({
        nodes: [
          { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [0, 3, 1, 2] } },
          { op: 'GlobalAveragePool', inputs: ['t'], outputs: ['y'] },
        ],
        input: { name: 'x', dims: ['n', 8, 8, 3] },
        output: { name: 'y' },
      }),
    );
    const mlp = await loadOnnxModel(join(TEST_MODELS, 'mlp.onnx'));
    try {
      expect(nhwc.layout).toBe('NHWC');
      expect(mlp.layout).toBe('none');
      expect(cnn.layout).toBe('NCHW');
    } finally {
      nhwc.dispose();
      mlp.dispose();
    }
  });
});
