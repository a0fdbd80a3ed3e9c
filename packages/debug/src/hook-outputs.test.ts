import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { hookLayers } from './hook-layers.js';
import { hookOutputs, hookOutputsDefaults } from './hook-outputs.js';
import { identityThenDeadModel, interpError, ownProps } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** dense 2->2 with kernel [[1, 2], [3, 4]], bias [1, -1]; relu; dense 2->1 with kernel [[1], [1]]. */
function twoLayer(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 2, inputShape: [2], name: 'h', activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 1, name: 'o', useBias: false }));
  m.layers[0]!.setWeights([
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
    tf.tensor1d([1, -1]),
  ]);
  m.layers[1]!.setWeights([tf.tensor2d([[1], [1]])]);
  return m;
}

// x = [[1, 0], [0, -1]]: h = relu(x K + b) = relu([[2, 1], [-2, -5]]) = [[2, 1], [0, 0]]; o = [3, 0].
const X = () =>
  tf.tensor2d([
    [1, 0],
    [0, -1],
  ]);

describe('hookOutputs(model, layers, { detach })', () => {
  it('has the expected defaults', () => {
    expect(hookOutputsDefaults).toEqual({ detach: true });
  });

  it('stores every layer output of predict, by name and index', async () => {
    const model = twoLayer();
    const x = X();
    await expectNoLeakedTensors(async () => {
      const hooks = hookOutputs(model);
      tf.dispose(model.predict(x));
      expect(hooks.layers.map((l) => l.name)).toEqual(['h', 'o']);
      expect(await (hooks.get('h') as tf.Tensor).array()).toEqual([
        [2, 1],
        [0, 0],
      ]);
      expect(await (hooks.stored[1] as tf.Tensor).array()).toEqual([[3], [0]]);
      // A second call replaces the stored outputs (the old copies are disposed).
      // -x = [[-1, 0], [0, 1]]: h = relu([[0, -3], [4, 3]]).
      const negX = tf.neg(x);
      tf.dispose([model.predict(negX) as tf.Tensor, negX]);
      expect(await (hooks.get(0) as tf.Tensor).array()).toEqual([
        [0, 0],
        [4, 3],
      ]);
      hooks.remove();
      expect(hooks.stored).toEqual([undefined, undefined]);
    });
    x.dispose();
  });

  it('sees layers of a model nested in a functional model, in apply with training', async () => {
    const inner = twoLayer();
    const input = tfl.input({ shape: [2] });
    const out = tfl.layers
      .dense({ units: 1, name: 'top', kernelInitializer: 'ones' })
      .apply(inner.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const x = X();
    const hooks = hookOutputs(model, ['h', 'top']);
    const seen: (boolean | undefined)[] = [];
    const flags = hookLayers(model, ['o'], (_l, _i, _o, kwargs) => void seen.push(kwargs.training));
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    tf.dispose(model.predict(x));
    expect(await (hooks.get('h') as tf.Tensor).array()).toEqual([
      [2, 1],
      [0, 0],
    ]);
    // top = o * 1 + 0 = [3, 0]
    expect(await (hooks.get('top') as tf.Tensor).array()).toEqual([[3], [0]]);
    expect(seen).toEqual([true, undefined]);
    hooks.remove();
    flags.remove();
    x.dispose();
  });

  it('with detach false keeps the layer’s own tensors of training passes, without a copy', async () => {
    const model = twoLayer();
    const x = X();
    await expectNoLeakedTensors(async () => {
      const hooks = hookOutputs(model, ['h'], { detach: false });
      tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
      expect(await (hooks.get('h') as tf.Tensor).array()).toEqual([
        [2, 1],
        [0, 0],
      ]);
      // Inference frees intermediate outputs; reading one says what to do instead.
      tf.dispose(model.predict(x));
      expect(() => hooks.get('h')).toThrow(interpError(/freed by tfjs-layers.*detach: true/));
      hooks.remove();
    });
    x.dispose();
  });

  it('removes the hooks in any order and leaves the model exactly as before', () => {
    const model = identityThenDeadModel();
    tf.dispose(model.predict(tf.zeros([1, 2])));
    const before = ownProps(model);
    const a = hookOutputs(model);
    const b = hookLayers(model, ['dead'], () => {});
    expect(Object.keys(model.layers[1]!)).not.toContain('call');
    a.remove();
    expect(Object.getOwnPropertyNames(model.layers[1]!)).toContain('call'); // b is still on
    b.remove();
    b.remove();
    expect(ownProps(model)).toEqual(before);
    expect(model.layers[0]!.call).toBe(Object.getPrototypeOf(model.layers[0]!).call);
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    const model = twoLayer();
    expect(() => hookOutputs(model, ['nope'])).toThrow(
      interpError(/no layer named "nope"; the model's layers are h, o/),
    );
    expect(() => hookOutputs(model, [5])).toThrow(interpError(/layer index 5 is out of range/));
    expect(() => hookOutputs({} as never)).toThrow(interpError(/needs a tfjs-layers LayersModel/));
    expect(() => hookOutputs(model, undefined, { detach: 'yes' as never })).toThrow(
      interpError(/invalid detach/),
    );
    const hooks = hookOutputs(model, ['h']);
    expect(() => hooks.get('o')).toThrow(interpError(/"o" is not hooked; hooked layers: h/));
    hooks.remove();
  });
});
