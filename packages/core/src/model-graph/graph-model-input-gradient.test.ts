// The GraphModel adapter's tape-free input gradient (graph-model-input-gradient.ts). Oracles:
// tf.grad through GraphModel.execute (targetInputGradient's 'tape'), central finite differences
// of the forward pass; npm's nsfwjs MobileNetV2 GraphModel is in graph-model-input-gradient-nsfwjs.test.ts.
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { isInterpError } from '../errors.js';
import { targetInputGradient } from '../target-input-gradient.js';
import { expectFiniteDifferences } from '../test-target-input-gradient.js';
import { expectNoLeakedTensors } from '../testing.js';
import { graphModelGraph } from './graph-model-graph.js';
import {
  branchyArtifacts,
  conv,
  float,
  graphModel,
  matMul,
  mobileNetStyleArtifacts,
  relativeL2,
  seededValues,
} from './test-graph-model.js';

function expectInterpError(fn: () => unknown, code: string, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isInterpError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(pattern);
}

const mobileNetStyle = () => loadGraphModel(tf.io.fromMemory(mobileNetStyleArtifacts()));
const images = (n: number, seed: number) =>
  tf.tensor4d(seededValues(n * 9 * 9 * 3, seed), [n, 9, 9, 3]);

describe.each(['cpu', 'wasm'])('graphModelGraph(model).inputGradient on %s', (backend) => {
  let model: GraphModel;
  beforeAll(async () => {
    await setupBackend(backend as 'cpu' | 'wasm');
    model = await mobileNetStyle();
  });
  afterAll(() => model.dispose());

  it('equals tf.grad through GraphModel.execute for a batch (targetInputGradient method graph)', async () => {
    const x = images(3, 11);
    await expectNoLeakedTensors(() => {
      const ours = targetInputGradient(model, x, [0, 3, 4]);
      const tape = targetInputGradient(model, x, [0, 3, 4], { method: 'tape' });
      expect(ours.method).toBe('graph');
      expect(tape.method).toBe('tape');
      expect(relativeL2(ours.gradient, tape.gradient)).toBeLessThan(1e-4);
      const predicted = model.predict(x) as tf.Tensor;
      expect(relativeL2(ours.outputs, predicted)).toBeLessThan(1e-6);
      tf.dispose([ours.gradient, ours.outputs, tape.gradient, tape.outputs, predicted]);
    });
    // A weights target (the score sum(outputs * weights)) takes the same path.
    await expectNoLeakedTensors(() => {
      const weights = tf.tensor2d(seededValues(15, 5), [3, 5]);
      const ours = targetInputGradient(model, x, weights);
      const tape = targetInputGradient(model, x, weights, { method: 'tape' });
      expect(ours.method).toBe('graph');
      expect(relativeL2(ours.gradient, tape.gradient)).toBeLessThan(1e-4);
      tf.dispose([weights, ours.gradient, ours.outputs, tape.gradient, tape.outputs]);
    });
    x.dispose();
  });

  it('runs each conv forward once: hand-written vjps, no tf.grad replay of a conv node', async () => {
    const x = images(2, 31);
    const forwardConvs = new Set([
      'Conv2D',
      'FusedConv2D',
      'DepthwiseConv2dNative',
      'FusedDepthwiseConv2D',
    ]);
    const info = await tf.profile(() => {
      const r = targetInputGradient(model, x, [0, 1]);
      expect(r.method).toBe('graph');
      return [r.gradient, r.outputs];
    });
    const ran = info.kernels.map((k) => k.name);
    // The graph's five convs, once each; the backward goes through the backprop-input kernels.
    expect(ran.filter((k) => forwardConvs.has(k))).toHaveLength(5);
    expect(ran.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(3);
    expect(ran.filter((k) => k === 'DepthwiseConv2dNativeBackpropInput')).toHaveLength(2);
    tf.dispose([x, info.result as tf.Tensor[]]);
  });

  it('takes the graph path when a signature names the output (outputNodes: its key)', async () => {
    const signed = await loadGraphModel(
      tf.io.fromMemory({
        ...mobileNetStyleArtifacts(),
        signature: {
          inputs: { image: { name: 'x:0', dtype: 'DT_FLOAT' } },
          outputs: { scores: { name: 'probs:0', dtype: 'DT_FLOAT' } },
        },
      }),
    );
    expect(signed.outputNodes).toEqual(['scores']);
    const x = images(2, 41);
    await expectNoLeakedTensors(() => {
      const ours = targetInputGradient(signed, x, [4, 1]);
      const tape = targetInputGradient(signed, x, [4, 1], { method: 'tape' });
      expect(ours.method).toBe('graph');
      expect(relativeL2(ours.gradient, tape.gradient)).toBeLessThan(1e-4);
      tf.dispose([ours.gradient, ours.outputs, tape.gradient, tape.outputs]);
    });
    x.dispose();
    signed.dispose();
  });

  it('equals central finite differences of the forward pass', async () => {
    const x = images(1, 21);
    const ours = targetInputGradient(model, x, 2);
    expect(ours.method).toBe('graph');
    // A step of 1e-3: at 1e-2 three of the 35 checked pixels cross a ReLU kink.
    await expectFiniteDifferences(model, x, await ours.gradient.data(), 2, 7, 1e-3);
    tf.dispose([x, ours.gradient, ours.outputs]);
  });
});

describe.each(['cpu', 'wasm'])(
  'graphModelGraph(model).inputGradient on %s, per-node tf.grad',
  (backend) => {
    let model: GraphModel;
    beforeAll(async () => {
      await setupBackend(backend as 'cpu' | 'wasm');
      model = await loadGraphModel(tf.io.fromMemory(branchyArtifacts()));
    });
    afterAll(() => model.dispose());

    it('equals tf.grad and finite differences through BN, LeakyRelu, MaxPool, Sigmoid, s * s, Concat, c + c', async () => {
      const x = tf.tensor4d(seededValues(2 * 8 * 8 * 3, 51), [2, 8, 8, 3]);
      await expectNoLeakedTensors(() => {
        const ours = targetInputGradient(model, x, [1, 3]);
        const tape = targetInputGradient(model, x, [1, 3], { method: 'tape' });
        expect(ours.method).toBe('graph');
        expect(relativeL2(ours.gradient, tape.gradient)).toBeLessThan(1e-4);
        tf.dispose([ours.gradient, ours.outputs, tape.gradient, tape.outputs]);
      });
      // ConcatV2's vjp is a split by hand: the concat runs once (a per-node tf.grad replays it).
      const info = await tf.profile(() => {
        const r = targetInputGradient(model, x, [1, 3]);
        return [r.gradient, r.outputs];
      });
      expect(info.kernels.filter((k) => k.name === 'Concat')).toHaveLength(1);
      tf.dispose(info.result as tf.Tensor[]);
      const one = tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 3]);
      const ours = targetInputGradient(model, one, 1);
      await expectFiniteDifferences(model, one, await ours.gradient.data(), 1, 5, 1e-3);
      tf.dispose([x, one, ours.gradient, ours.outputs]);
    });
  },
);

describe.each([
  ['cpu', 'Conv2D'],
  ['wasm', 'Conv2D'],
  ['cpu', 'DepthwiseConv2dNative'],
  ['wasm', 'DepthwiseConv2dNative'],
])('graphModelGraph(model).inputGradient on %s, dilated %s', (backend, op) => {
  // x [N, 7, 7, 2] -> 3 x 3 conv (dilation 2, SAME; 3 filters, or a depthwise multiplier of 3)
  // -> Relu -> Mean -> MatMul [6 or 3, 2]. tfjs cannot differentiate a dilated conv; the same conv
  // with its filter spread to 5 x 5 (zeros between the taps) and dilation 1 can: its tf.grad is
  // the oracle.
  const out = op === 'Conv2D' ? 3 : 6;
  const filter = seededValues(3 * 3 * 2 * 3, 61);
  const spread = new Array<number>(5 * 5 * 2 * 3).fill(0);
  filter.forEach((v, k) => {
    const [i, j, rest] = [Math.floor(k / 18), Math.floor(k / 6) % 3, k % 6];
    spread[(2 * i * 5 + 2 * j) * 6 + rest] = v;
  });
  const net = (w: number[], size: number, dilation: number) =>
    graphModel(
      {
        w: [[size, size, 2, 3], w],
        dense: [[out, 2], seededValues(out * 2, 62)],
        axes: [[2], [1, 2], 'int32'],
      },
      [
        conv(op, 'conv', ['x', 'w'], { dilation }),
        { name: 'act', op: 'Relu', input: ['conv'], attr: float },
        {
          name: 'pool',
          op: 'Mean',
          input: ['act', 'axes'],
          attr: { ...float, keep_dims: { b: false } },
        },
        matMul('out', ['pool', 'dense']),
      ],
      [-1, 7, 7, 2],
    );

  it('equals tf.grad of its zero-spread twin and finite differences', async () => {
    await setupBackend(backend as 'cpu' | 'wasm');
    const [dilated, twin] = [await net(filter, 3, 2), await net(spread, 5, 1)];
    const x = tf.tensor4d(seededValues(2 * 7 * 7 * 2, 63), [2, 7, 7, 2]);
    await expectNoLeakedTensors(() => {
      const ours = targetInputGradient(dilated, x, [0, 1]);
      const tape = targetInputGradient(twin, x, [0, 1], { method: 'tape' });
      expect(ours.method).toBe('graph');
      expect(relativeL2(ours.gradient, tape.gradient)).toBeLessThan(1e-5);
      expect(relativeL2(ours.outputs, tape.outputs)).toBeLessThan(1e-5);
      tf.dispose([ours.gradient, ours.outputs, tape.gradient, tape.outputs]);
    });
    // Item 0: item 1 has a value within 1e-2 of a ReLU kink (the finite differences step across it).
    const one = tf.slice(x, [0, 0, 0, 0], [1, 7, 7, 2]);
    const ours = targetInputGradient(dilated, one, 1);
    await expectFiniteDifferences(dilated, one, await ours.gradient.data(), 1, 3, 1e-3);
    tf.dispose([x, one, ours.gradient, ours.outputs]);
    dilated.dispose();
    twin.dispose();
  });
});

describe('graphModelGraph(model).inputGradient', () => {
  beforeAll(async () => {
    await setupBackend('cpu');
  });

  it('falls back to tf.grad (same numbers) for a node reading a second output (Split)', async () => {
    // x [N, 4] -> Split into two [N, 2] halves -> left * right (elementwise) -> MatMul [2, 3].
    const model = await graphModel(
      {
        axis: [[], [1], 'int32'],
        w: [
          [2, 3],
          [1, -2, 0.5, 3, 1, -1],
        ],
      },
      [
        {
          name: 'halves',
          op: 'Split',
          input: ['axis', 'x'],
          attr: { ...float, num_split: { i: '2' } },
        },
        { name: 'product', op: 'Mul', input: ['halves', 'halves:1'], attr: float },
        matMul('out', ['product', 'w']),
      ],
      [-1, 4],
    );
    const x = tf.tensor2d(seededValues(8, 4), [2, 4]);
    await expectNoLeakedTensors(() => {
      expect(graphModelGraph(model).inputGradient!(x, (y) => tf.onesLike(y))).toBeUndefined();
      const auto = targetInputGradient(model, x, [1, 2]);
      const tape = targetInputGradient(model, x, [1, 2], { method: 'tape' });
      expect(auto.method).toBe('tape');
      expect(Array.from(auto.gradient.dataSync())).toEqual(Array.from(tape.gradient.dataSync()));
      // By hand: d(product_j)/d(left_j) = right_j, so d out_k / d left_j = right_j * w[j, k].
      const [xv, g] = [x.arraySync() as number[][], auto.gradient.arraySync() as number[][]];
      expect(g[0]![0]).toBeCloseTo(xv[0]![2]! * -2, 5);
      expect(g[1]![3]).toBeCloseTo(xv[1]![1]! * -1, 5);
      tf.dispose([auto.gradient, auto.outputs, tape.gradient, tape.outputs]);
    });
    x.dispose();
    model.dispose();
  });

  it('falls back to tf.grad for a control dependency (a NoOp input)', async () => {
    const model = await graphModel(
      {
        w: [
          [2, 2],
          [1, 2, -1, 0.5],
        ],
      },
      [
        { name: 'init', op: 'NoOp', input: [], attr: {} },
        { ...matMul('out', ['x', 'w']), input: ['x', 'w', '^init'] },
      ],
    );
    const x = tf.tensor2d([1, 2, -1, 3], [2, 2]);
    await expectNoLeakedTensors(() => {
      const auto = targetInputGradient(model, x, [0, 1]);
      expect(auto.method).toBe('tape');
      // d out[i, t] / d x[i, :] = w[:, t]: row 0 [1, -1], row 1 [2, 0.5].
      expect(Array.from(auto.gradient.dataSync())).toEqual([1, -1, 2, 0.5]);
      tf.dispose([auto.gradient, auto.outputs]);
    });
    x.dispose();
    model.dispose();
  });

  it('falls back without leaking when tfjs cannot differentiate a node (Einsum)', async () => {
    const model = await graphModel(
      {
        w: [
          [2, 2],
          [1, 2, -1, 0.5],
        ],
      },
      [
        {
          name: 'out',
          op: 'Einsum',
          input: ['x', 'w'],
          attr: {
            ...float,
            equation: { s: Buffer.from('ij,jk->ik').toString('base64') },
            N: { i: '2' },
          },
        },
      ],
      [-1, 2],
    );
    const x = tf.tensor2d([1, 2], [1, 2]);
    await expectNoLeakedTensors(() => {
      expect(graphModelGraph(model).inputGradient!(x, (y) => tf.onesLike(y))).toBeUndefined();
    });
    x.dispose();
    model.dispose();
  });

  it('refuses an input of the wrong shape or dtype with an InterpError saying how to fix it', async () => {
    const model = await mobileNetStyle();
    const graph = graphModelGraph(model);
    const seed = (y: tf.Tensor) => tf.onesLike(y);
    const wrong = tf.zeros([1, 8, 9, 3]);
    const ints = tf.zeros([1, 9, 9, 3], 'int32');
    const one = images(1, 3);
    await expectNoLeakedTensors(() => {
      expectInterpError(
        () => graph.inputGradient!(wrong, seed),
        'SHAPE_MISMATCH',
        /x has shape \[1, 8, 9, 3\] but the model expects \[N, 9, 9, 3\]; reshape/,
      );
      expectInterpError(
        () => targetInputGradient(model, wrong, 0),
        'SHAPE_MISMATCH',
        /model expects \[N, 9, 9, 3\]/,
      );
      // The tape path checks the shape before tfjs's own conv shape error.
      expectInterpError(
        () => targetInputGradient(model, wrong, 0, { method: 'tape' }),
        'SHAPE_MISMATCH',
        /x has shape \[1, 8, 9, 3\] but the model expects \[N, 9, 9, 3\]; reshape/,
      );
      // A target the outputs refute is found after the forward: its tensors are freed too.
      expectInterpError(
        () => targetInputGradient(model, one, 5),
        'LABEL_OUT_OF_RANGE',
        /target = 5 is out of range: the model has 5 outputs/,
      );
      expectInterpError(
        () => graph.inputGradient!(ints, seed),
        'INVALID_ARGUMENT',
        /float32 tensor \(use tf.cast\(x, 'float32'\)\), got dtype int32/,
      );
      expectInterpError(
        () => graph.inputGradient!([1, 2] as never, seed),
        'INVALID_ARGUMENT',
        /must be a live float32 tensor/,
      );
    });
    tf.dispose([wrong, ints, one]);
    model.dispose();
  });
});
