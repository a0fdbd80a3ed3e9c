import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { isInterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { graphModelGraph, isGraphModel } from './graph-model-graph.js';
import { toModelGraph } from './to-model-graph.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// A graph model written by hand, as tensorflowjs_converter writes one:
// x [N, 3, 3, 1] -> Conv2D (2 x 2 VALID, 2 filters) -> Relu -> Mean over H, W -> MatMul [2, 2].
const FILTER = [1, -1, 0, 2, 0.5, 0, -1, 1]; // HWIO [2, 2, 1, 2]
const DENSE = [1, 2, -1, 0.5]; // [2, 2]
const str = (s: string) => ({ s: Buffer.from(s).toString('base64') });
const dims = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
const constNode = (name: string, dtype: string, ...shape: number[]) => ({
  name,
  op: 'Const',
  attr: { value: { tensor: { dtype, tensorShape: dims(...shape) } }, dtype: { type: dtype } },
});
const TOPOLOGY = {
  node: [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, 3, 3, 1) } },
    },
    constNode('net/conv/filter', 'DT_FLOAT', 2, 2, 1, 2),
    constNode('net/pool/axes', 'DT_INT32', 2),
    constNode('net/dense/w', 'DT_FLOAT', 2, 2),
    {
      name: 'net/conv/Conv2D',
      op: 'Conv2D',
      input: ['x', 'net/conv/filter'],
      attr: {
        T: { type: 'DT_FLOAT' },
        strides: { list: { i: ['1', '1', '1', '1'] } },
        dilations: { list: { i: ['1', '1', '1', '1'] } },
        padding: str('VALID'),
        data_format: str('NHWC'),
      },
    },
    {
      name: 'net/conv/Relu',
      op: 'Relu',
      input: ['net/conv/Conv2D'],
      attr: { T: { type: 'DT_FLOAT' } },
    },
    {
      name: 'net/pool/Mean',
      op: 'Mean',
      input: ['net/conv/Relu', 'net/pool/axes'],
      attr: { keep_dims: { b: false }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } },
    },
    {
      name: 'logits',
      op: 'MatMul',
      input: ['net/pool/Mean', 'net/dense/w'],
      attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } },
    },
  ],
  versions: { producer: 1 },
};

async function tinyGraphModel() {
  const weightSpecs = [
    { name: 'net/conv/filter', shape: [2, 2, 1, 2], dtype: 'float32' as const },
    { name: 'net/pool/axes', shape: [2], dtype: 'int32' as const },
    { name: 'net/dense/w', shape: [2, 2], dtype: 'float32' as const },
  ];
  const f = new Float32Array(FILTER);
  const a = new Int32Array([1, 2]);
  const w = new Float32Array(DENSE);
  const bytes = new Uint8Array(f.byteLength + a.byteLength + w.byteLength);
  bytes.set(new Uint8Array(f.buffer), 0);
  bytes.set(new Uint8Array(a.buffer), f.byteLength);
  bytes.set(new Uint8Array(w.buffer), f.byteLength + a.byteLength);
  return loadGraphModel(
    tf.io.fromMemory({ modelTopology: TOPOLOGY, weightSpecs, weightData: bytes.buffer }),
  );
}

/** The network by hand on one 3 x 3 image: conv, relu, mean and dense in plain loops. */
function byHand(img: number[]): { relu: number[]; logits: number[] } {
  const relu: number[] = []; // [2, 2, 2] HWC
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      for (let o = 0; o < 2; o++) {
        let s = 0;
        for (let di = 0; di < 2; di++) {
          for (let dj = 0; dj < 2; dj++)
            s += img[(i + di) * 3 + j + dj]! * FILTER[(di * 2 + dj) * 2 + o]!;
        }
        relu.push(Math.max(0, s));
      }
    }
  }
  const mean = [0, 1].map((o) => (relu[o]! + relu[2 + o]! + relu[4 + o]! + relu[6 + o]!) / 4);
  const logits = [0, 1].map((k) => mean[0]! * DENSE[k]! + mean[1]! * DENSE[2 + k]!);
  return { relu, logits };
}

const IMG = [1, -2, 3, 0.5, 4, -1, 2, 1, -3];

function expectInterpError(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isInterpError(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message.length).toBeLessThan(400);
}

describe('graphModelGraph', () => {
  it('lists the op nodes with ops, inputs, shapes and float params, in execution order', async () => {
    const model = await tinyGraphModel();
    expect(isGraphModel(model)).toBe(true);
    const g = graphModelGraph(model);
    expect(toModelGraph(model)).toBe(g);
    expect(g.kind).toBe('graph-model');
    expect(g.layout).toBe('NHWC');
    expect(g.inputShape).toEqual([null, 3, 3, 1]);
    expect(g.outputShape).toEqual([null, 2]);
    expect(g.nodes.map((n) => [n.name, n.op, n.inputs, n.outputShape, n.params])).toEqual([
      ['net/conv/Conv2D', 'Conv2D', ['x'], [null, 2, 2, 2], 8],
      ['net/conv/Relu', 'Relu', ['net/conv/Conv2D'], [null, 2, 2, 2], 0],
      ['net/pool/Mean', 'Mean', ['net/conv/Relu'], [null, 2], 0],
      ['logits', 'MatMul', ['net/pool/Mean'], [null, 2], 4],
    ]);
    // The float weights of the manifest: 8 + 4 (the int32 axes are not parameters).
    expect(g.nodes.reduce((a, n) => a + n.params, 0)).toBe(12);
    expect(g.findNode('conv.Relu').name).toBe('net/conv/Relu');
    expect(g.findNode('conv').name).toBe('net/conv/Relu');
  });

  it('predicts, taps and hooks equal to the network worked by hand, leaking nothing', async () => {
    const g = graphModelGraph(await tinyGraphModel());
    const want = byHand(IMG);
    await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const x = tf.tensor4d(IMG, [1, 3, 3, 1]);
        const out = g.predict(x).dataSync();
        for (const [i, v] of want.logits.entries()) expect(out[i]).toBeCloseTo(v, 5);
        const { output, taps } = g.run(x, { taps: ['net/conv/Relu', 'logits'] });
        expect(Array.from(taps['net/conv/Relu']!.dataSync())).toEqual(
          want.relu.map((v) => expect.closeTo(v, 5)),
        );
        expect(taps.logits!.dataSync()[1]).toBeCloseTo(want.logits[1]!, 5);
        // A hook doubling the relu output doubles the (linear after relu) logits; its tap is the
        // replacement; the hook sees the node's input (the conv output).
        let seen: number[] = [];
        const hooked = g.run(x, {
          taps: ['net/conv/Relu'],
          hooks: {
            'net/conv/Relu': (y, { inputs }) => {
              seen = inputs[0]!.shape;
              return tf.mul(y, 2);
            },
          },
        });
        expect(seen).toEqual([1, 2, 2, 2]);
        const doubled = hooked.output.dataSync();
        for (const [i, v] of want.logits.entries()) expect(doubled[i]).toBeCloseTo(2 * v, 5);
        expect(hooked.taps['net/conv/Relu']!.dataSync()[0]).toBeCloseTo(2 * want.relu[0]!, 5);
        expect(output.shape).toEqual([1, 2]);
      }),
    );
  });

  it('differentiates through execute and through a hooked node, equal to finite differences', async () => {
    const g = graphModelGraph(await tinyGraphModel());
    const score = (img: number[]) => byHand(img).logits[0]!;
    const h = 1e-3;
    const fd = IMG.map((_, i) => {
      const up = [...IMG];
      const down = [...IMG];
      up[i]! += h;
      down[i]! -= h;
      return (score(up) - score(down)) / (2 * h);
    });
    await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const x = tf.tensor4d(IMG, [1, 3, 3, 1]);
        const pick = (y: tf.Tensor) => tf.sum(tf.slice(y, [0, 0], [1, 1]));
        const plain = tf
          .grad((v: tf.Tensor) => pick(g.predict(v)))(x)
          .dataSync();
        const viaHook = tf
          .grad((v: tf.Tensor) =>
            pick(g.run(v, { hooks: { 'net/conv/Relu': (y) => tf.mul(y, 1) } }).output),
          )(x)
          .dataSync();
        fd.forEach((v, i) => {
          expect(plain[i]).toBeCloseTo(v, 2);
          expect(viaHook[i]).toBeCloseTo(v, 2);
        });
      }),
    );
  });

  it('refuses what is not a GraphModel, unknown nodes and bad hooks in one short line', async () => {
    expectInterpError(() => graphModelGraph({} as never), /needs a tfjs-converter GraphModel/);
    const g = graphModelGraph(await tinyGraphModel());
    const x = tf.zeros([1, 3, 3, 1]);
    expectInterpError(() => g.run(x, { taps: ['net/conv/Relv'] }), /no node or layer named.*Relv/);
    expectInterpError(
      () => g.run(x, { hooks: { logits: 3 as never } }),
      /hook for "logits" must be a function/,
    );
    expectInterpError(
      () => g.run(x, { hooks: { 'net/conv/Relu': () => tf.zeros([1, 2]) } }),
      /replacement must keep the shape/,
    );
    x.dispose();
  });
});

describe('graphModelGraph(model).parameters()', () => {
  it('lists the float weights with the node that reads them (int constants are not parameters)', async () => {
    const model = await tinyGraphModel();
    const g = graphModelGraph(model);
    const params = g.parameters!();
    expect(params.map((p) => [p.name, p.node, p.value.shape, p.trainable])).toEqual([
      ['net/conv/filter', 'net/conv/Conv2D', [2, 2, 1, 2], false],
      ['net/dense/w', 'logits', [2, 2], false],
    ]);
    expect(Array.from(params[1]!.value.dataSync())).toEqual(DENSE);
    model.dispose();
  });
});
