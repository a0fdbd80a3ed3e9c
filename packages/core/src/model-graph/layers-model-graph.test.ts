import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { isInterpError } from '../errors.js';
import { expectNoLeakedTensors, maxAbsDiff } from '../testing.js';
import { layersModelGraph } from './layers-model-graph.js';
import { tinyReluNet } from './test-tiny-relu-net.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// x (2) -> pre: dense, no bias, W1 = [[1, -1, 2], [1, 1, -1]] -> act: relu -> out: dense [2, 3, -1].
// At x = [1, 0.5]: pre = [1.5, -0.5, 1.5], relu mask [1, 0, 1], out = 2 * 1.5 - 1.5 = 1.5.
// Plain gradient: W1 (mask * W2) = W1 [2, 0, -1] = [0, 3].
// Guided backprop at act (pass only positive gradients through positive inputs):
// mask * relu(W2) = [2, 0, 0], W1 [2, 0, 0] = [2, 2].
// A functional model with a nested backbone (conv 'feat' inside 'backbone') and a skip branch
// that does not pass through it.
function nestedNet(): tfl.LayersModel {
  const innerIn = tfl.input({ shape: [4, 4, 1] });
  const feat = tfl.layers.conv2d({
    name: 'feat',
    filters: 2,
    kernelSize: 2,
    strides: 2,
    activation: 'relu',
    weights: [
      tf.tensor4d(Array.from({ length: 4 }, () => [1, -1]).flat(), [2, 2, 1, 2]),
      tf.zeros([2]),
    ],
  });
  const backbone = tfl.model({
    inputs: innerIn,
    outputs: feat.apply(innerIn) as tfl.SymbolicTensor,
    name: 'backbone',
  });
  const x = tfl.input({ shape: [4, 4, 1] });
  const flat = tfl.layers.flatten({ name: 'flat' }).apply(backbone.apply(x)) as tfl.SymbolicTensor;
  const main = tfl.layers
    .dense({ name: 'head', units: 1, weights: [tf.ones([8, 1]), tf.zeros([1])] })
    .apply(flat) as tfl.SymbolicTensor;
  const skip = tfl.layers
    .dense({ name: 'skip', units: 1, weights: [tf.fill([16, 1], 0.5), tf.zeros([1])] })
    .apply(tfl.layers.flatten({ name: 'flat_in' }).apply(x) as tfl.SymbolicTensor);
  const out = tfl.layers.add({ name: 'sum' }).apply([main, skip as tfl.SymbolicTensor]);
  return tfl.model({ inputs: x, outputs: out as tfl.SymbolicTensor, name: 'outer' });
}

const image = () => tf.tensor4d([1, 2, 0, -1, 0, 1, 3, 2, -2, 0, 1, 1, 1, -1, 0, 2], [1, 4, 4, 1]);

describe('layersModelGraph', () => {
  it('layersModelGraph(sequential) lists layers as nodes with op, shape, params and layout', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: 'c1' }),
        tfl.layers.dropout({ rate: 0.5, name: 'drop' }),
        tfl.layers.flatten({ name: 'fl' }),
        tfl.layers.dense({ units: 2, name: 'd1', trainable: false }),
      ],
    });
    const g = layersModelGraph(model);
    expect(g.kind).toBe('layers');
    expect(g.layout).toBe('NHWC');
    expect(g.inputShape).toEqual([null, 8, 8, 3]);
    expect(g.outputShape).toEqual([null, 2]);
    expect(g.nodes.map((n) => [n.name, n.op, n.outputShape, n.params, n.trainableParams])).toEqual([
      ['c1', 'Conv2D', [null, 6, 6, 4], 3 * 3 * 3 * 4 + 4, 112],
      ['drop', 'Dropout', [null, 6, 6, 4], 0, 0],
      ['fl', 'Flatten', [null, 144], 0, 0],
      ['d1', 'Dense', [null, 2], 144 * 2 + 2, 0],
    ]);
    expect(layersModelGraph(model)).toBe(g);
    expect(
      layersModelGraph(
        tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 1 })] }),
      ).layout,
    ).toBe('none');
  });

  it('run(x, { taps }) returns tapped outputs inside nested models, equal to predict', async () => {
    const model = nestedNet();
    const g = layersModelGraph(model);
    expect(g.nodes.map((n) => n.modulePath)).toContain('backbone.feat');
    expect(g.findNode('backbone').name).toBe('feat');
    const x = image();
    const { output, taps } = g.run(x, { taps: ['feat', 'skip'] });
    // Block sums [[4, 4], [-2, 4]]: channel 0 = relu(sum), channel 1 = relu(-sum).
    expect(Array.from(await taps.feat!.data())).toEqual([4, 0, 4, 0, 0, 2, 4, 0]);
    // skip = 0.5 * sum(x) = 5; head = sum(feat) = 14.
    expect(Array.from(await taps.skip!.data())).toEqual([5]);
    expect(Array.from(await output.data())).toEqual([19]);
    const predicted = g.predict(x);
    expect(maxAbsDiff(await predicted.data(), await (model.predict(x) as tf.Tensor).data())).toBe(
      0,
    );
    tf.dispose([x, output, predicted, ...Object.values(taps)]);
  });

  it('run(x, { taps, hooks }) reaches into a Sequential nested in a Sequential', async () => {
    const inner = tfl.sequential({
      name: 'inner',
      layers: [
        tfl.layers.dense({
          inputShape: [2],
          units: 2,
          name: 'in_dense',
          useBias: false,
          weights: [
            tf.tensor2d([
              [1, 2],
              [3, 4],
            ]),
          ],
        }),
      ],
    });
    // As the first layer tfjs would splice the inner model in; after another layer it nests.
    const outer = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [2],
          units: 2,
          name: 'first',
          useBias: false,
          weights: [tf.eye(2)],
        }),
        inner,
        tfl.layers.dense({
          units: 1,
          name: 'top',
          useBias: false,
          weights: [tf.tensor2d([[1], [-1]])],
        }),
      ],
    });
    const g = layersModelGraph(outer);
    expect(g.nodes.map((n) => n.modulePath)).toEqual(['first', 'inner.in_dense', 'top']);
    const x = tf.tensor2d([[1, 1]]);
    // in_dense = [1 + 3, 2 + 4] = [4, 6]; top = 4 - 6 = -2; hooked to [0, 1]: top = -1.
    const plain = g.run(x, { taps: ['inner'] });
    expect(Array.from(await plain.taps.inner!.data())).toEqual([4, 6]);
    expect(Array.from(await plain.output.data())).toEqual([-2]);
    const hooked = g.run(x, { hooks: { in_dense: () => tf.tensor2d([[0, 1]]) } });
    expect(Array.from(await hooked.output.data())).toEqual([-1]);
    tf.dispose([x, plain.output, plain.taps.inner!, hooked.output]);
  });

  it('run(x, { hooks }) replaces a layer output for every layer downstream, skip branch untouched', async () => {
    const g = layersModelGraph(nestedNet());
    const x = image();
    const seen: string[] = [];
    const { output, taps } = g.run(x, {
      taps: ['flat'],
      hooks: {
        feat: (out, { node, inputs }) => {
          seen.push(`${node.name}:${inputs[0]!.shape.join('x')}`);
          return tf.onesLike(out);
        },
      },
    });
    expect(seen).toEqual(['feat:1x4x4x1']);
    expect(Array.from(await taps.flat!.data())).toEqual(new Array(8).fill(1));
    // head = 8 ones, skip = 5.
    expect(Array.from(await output.data())).toEqual([13]);
    tf.dispose([x, output, ...Object.values(taps)]);
  });

  it('a hook wrapping tf.customGrad changes that layer gradient (guided backprop ReLU, by hand)', async () => {
    const g = layersModelGraph(tinyReluNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const plain = tf.grad((z: tf.Tensor) => tf.sum(g.run(z).output))(x);
    expect(Array.from(await plain.data())).toEqual([0, 3]);
    const guided = tf.grad((z: tf.Tensor) =>
      tf.sum(
        g.run(z, {
          hooks: {
            act: (_out, { inputs }) =>
              tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
                const [pre, save] = args as [tf.Tensor, tf.GradSaveFunc];
                // Tensors the gradient reads must be saved: customGrad frees the rest.
                save([pre]);
                return {
                  value: tf.relu(pre),
                  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
                    tf.mul(tf.step(saved[0]!), tf.relu(dy)),
                };
              })(inputs[0]!),
          },
        }).output,
      ),
    )(x);
    expect(Array.from(await guided.data())).toEqual([2, 2]);
    tf.dispose([x, plain, guided]);
  });

  it('leaks no tensors in run and predict', async () => {
    const g = layersModelGraph(nestedNet());
    const x = image();
    await expectNoLeakedTensors(() => tf.tidy(() => g.run(x, { taps: ['feat'] }).output));
    await expectNoLeakedTensors(() => g.predict(x));
    x.dispose();
  });

  it('rejects bad input with InterpError', () => {
    const model = nestedNet();
    const g = layersModelGraph(model);
    const x = image();
    const shared = tfl.layers.dense({ units: 4, name: 'shared' });
    const input = tfl.input({ shape: [4] });
    const twice = tfl.model({
      inputs: input,
      outputs: shared.apply(shared.apply(input)) as tfl.SymbolicTensor,
    });
    const cases: [() => unknown, RegExp][] = [
      [() => layersModelGraph({} as tfl.LayersModel), /needs a tfjs-layers LayersModel/],
      [() => g.run(x, { taps: ['feet'] }), /no node or layer named "feet"; closest: "feat"/],
      [
        () => g.run(x, { hooks: { feat: () => tf.zeros([1, 2]) } }),
        /returned shape \[1, 2\].*keep the shape/,
      ],
      [() => g.run(x, { hooks: { feat: 3 as never } }), /must be a function/],
      [
        () => layersModelGraph(twice).run(tf.zeros([1, 4]), { taps: ['shared'] }),
        /applied 2 times/,
      ],
    ];
    for (const [fn, pattern] of cases) {
      let error: unknown;
      try {
        tf.tidy(() => {
          fn();
        });
      } catch (e) {
        error = e;
      }
      expect(isInterpError(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    }
    x.dispose();
  });
});

describe('layersModelGraph(model).parameters()', () => {
  it('lists each float weight once with its layer, its values and whether it trains', () => {
    const model = tinyReluNet();
    model.getLayer('out').trainable = false;
    const g = layersModelGraph(model);
    const before = tf.memory().numTensors;
    const params = g.parameters!();
    expect(tf.memory().numTensors).toBe(before);
    expect(params.map((p) => [p.node, p.value.shape, p.trainable])).toEqual([
      ['pre', [2, 3], true],
      ['out', [3, 1], false],
    ]);
    expect(Array.from(params[1]!.value.dataSync())).toEqual([2, 3, -1]);
    model.dispose();
  });
});
