// foldedLayersForward (layer-dag-forward.ts): the folded inference pass with taps. Oracle: tfjs's
// own layers, unfolded (a tfl.model whose outputs are the tapped symbolic tensors and the output).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { isInterpError } from './errors.js';
import { foldedLayersForward } from './layer-dag-forward.js';
import { difference, init, randomInput, seededBatchNorm } from './test-target-input-gradient.js';
import { expectNoLeakedTensors } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

type S = tfl.SymbolicTensor;
const apply = (layer: tfl.layers.Layer, x: S | S[]) => layer.apply(x) as S;

/**
 * A MobileNetV2-style graph: pad, strided conv + BN + ReLU6 ('stem'), expand, depthwise + BN +
 * ReLU6 ('dw_relu'), project + BN ('project_bn'), residual Add ('add'), a last conv + BN + ReLU6
 * ('out_relu'), global pooling and a dense softmax. Each named tap is a layer a fold would merge
 * into the conv before it.
 */
function mobileNetLike() {
  const input = tfl.input({ shape: [9, 9, 3] });
  const padding: [[number, number], [number, number]] = [
    [0, 1],
    [0, 1],
  ];
  const padded = apply(tfl.layers.zeroPadding2d({ padding }), input);
  const conv = (filters: number, more: Partial<Parameters<typeof tfl.layers.conv2d>[0]> = {}) =>
    tfl.layers.conv2d({ filters, kernelSize: 1, useBias: false, ...init(), ...more });
  const relu6 = (name?: string) => tfl.layers.reLU({ maxValue: 6, name });
  const stem = apply(
    relu6('stem'),
    apply(seededBatchNorm(), apply(conv(4, { kernelSize: 3, strides: 2 }), padded)),
  );
  const expand = apply(relu6(), apply(seededBatchNorm(), apply(conv(8), stem)));
  const depthwise = tfl.layers.depthwiseConv2d({
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 7 }),
  });
  const dw = apply(relu6('dw_relu'), apply(seededBatchNorm(), apply(depthwise, expand)));
  const project = apply(seededBatchNorm({ name: 'project_bn' }), apply(conv(4), dw));
  const added = apply(tfl.layers.add({ name: 'add' }), [stem, project]);
  const last = apply(relu6('out_relu'), apply(seededBatchNorm(), apply(conv(6), added)));
  const pooled = apply(tfl.layers.globalAveragePooling2d({}), last);
  const out = apply(tfl.layers.dense({ units: 5, activation: 'softmax', ...init() }), pooled);
  const model = tfl.model({ inputs: input, outputs: out });
  const taps = { stem, dw_relu: dw, project_bn: project, add: added, out_relu: last };
  return { model, input, out, taps };
}

/** Kernel names one call runs. */
async function kernelsOf(fn: () => tf.TensorContainer): Promise<string[]> {
  const info = await tf.profile(() => {
    const r = fn();
    return r;
  });
  return info.kernels.map((k) => k.name);
}

describe('foldedLayersForward(model, x, layers)', () => {
  it("returns the output and the taps of a MobileNetV2-style graph, equal to tfjs's layers (1 and 3 images)", async () => {
    const { model, input, out, taps } = mobileNetLike();
    const names = Object.keys(taps) as (keyof typeof taps)[];
    const oracle = tfl.model({ inputs: input, outputs: [out, ...names.map((n) => taps[n])] });
    for (const n of [1, 3]) {
      const x = randomInput([n, 9, 9, 3], 11 + n);
      const ours = foldedLayersForward(model, x, names)!;
      expect(ours).toBeDefined();
      const [output, ...expected] = oracle.predict(x) as tf.Tensor[];
      const o = await difference(ours.output, output!);
      expect(o.ref).toBeGreaterThan(0);
      expect(o.diff).toBeLessThanOrEqual(1e-5 * o.ref);
      for (const [i, name] of names.entries()) {
        const d = await difference(ours.taps[name]!, expected[i]!);
        expect(d.ref).toBeGreaterThan(0);
        expect(d.diff).toBeLessThanOrEqual(1e-5 * d.ref);
      }
      tf.dispose([x, ours.output, Object.values(ours.taps), output!, expected]);
    }
  });

  it('folds every BN into its conv, taps or not: no FusedBatchNorm, Relu or ClipByValue kernel runs', async () => {
    const { model } = mobileNetLike();
    const x = randomInput([2, 9, 9, 3], 5);
    for (const layers of [[], ['out_relu'], ['stem', 'add']]) {
      const kernels = await kernelsOf(() => {
        const r = foldedLayersForward(model, x, layers)!;
        return [r.output, ...Object.values(r.taps)];
      });
      expect(kernels).toContain('FusedConv2D');
      expect(kernels).not.toContain('FusedBatchNorm');
      expect(kernels).not.toContain('Relu');
      expect(kernels).not.toContain('ClipByValue');
    }
    x.dispose();
  });

  it('gives the model output itself for a tap of the output layer, and runs Sequential chains', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, ...init() }),
        seededBatchNorm({ name: 'bn' }),
        tfl.layers.reLU({ name: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, name: 'logits', ...init() }),
      ],
    });
    const x = randomInput([2, 6, 6, 2], 3);
    const r = foldedLayersForward(model, x, ['logits', 'bn'])!;
    expect(r.taps.logits).toBe(r.output);
    const expected = model.predict(x) as tf.Tensor;
    const d = await difference(r.output, expected);
    expect(d.diff).toBeLessThanOrEqual(1e-5 * d.ref);
    tf.dispose([x, r.output, r.taps.bn!, expected]);
  });

  it('returns undefined where the folded pass does not apply: a shared layer, an unsupported layer, under a tape', () => {
    const x = randomInput([1, 9, 9, 3], 2);
    const { model } = mobileNetLike();
    // Under tf.grad the tape needs the layers' own ops (the folded weights are cached).
    tf.grad((z: tf.Tensor) => {
      expect(foldedLayersForward(model, z, ['add'])).toBeUndefined();
      return tf.sum(z);
    })(x).dispose();
    const shared = tfl.layers.dense({ units: 4, name: 'shared', ...init() });
    const v = tfl.input({ shape: [4] });
    const twice = tfl.model({ inputs: v, outputs: apply(shared, apply(shared, v)) });
    const y = tf.ones([2, 4]);
    expect(foldedLayersForward(twice, y, ['shared'])).toBeUndefined();
    const norm = tfl.sequential({
      layers: [tfl.layers.layerNormalization({ inputShape: [4], name: 'ln' })],
    });
    expect(foldedLayersForward(norm, y, [])).toBeUndefined();
    tf.dispose([x, y]);
  });

  it('rejects a model that is not a LayersModel, a non-tensor x, non-string layers and unknown names with InterpError', () => {
    const { model } = mobileNetLike();
    const x = tf.zeros([1, 9, 9, 3]);
    const cases: [() => unknown, RegExp][] = [
      [() => foldedLayersForward({} as tfl.LayersModel, x, []), /needs a tfjs-layers LayersModel/],
      [
        () => foldedLayersForward(model, [1, 2] as unknown as tf.Tensor, []),
        /x must be a tf.Tensor/,
      ],
      [
        () => foldedLayersForward(model, x, 'add' as unknown as string[]),
        /layers must be an array of layer names/,
      ],
      [() => foldedLayersForward(model, x, ['nope']), /no layer named "nope"/],
    ];
    for (const [fn, pattern] of cases) {
      let error: unknown;
      try {
        fn();
      } catch (e) {
        error = e;
      }
      expect(isInterpError(error)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
    }
    x.dispose();
  });

  it('leaks no tensors (taps, no taps, an input-aliasing tap, the fallback)', async () => {
    const { model } = mobileNetLike();
    const x = randomInput([2, 9, 9, 3], 9);
    foldedLayersForward(model, x, [])!.output.dispose(); // plans and caches the folds
    await expectNoLeakedTensors(() => foldedLayersForward(model, x, ['stem', 'add', 'out_relu']));
    await expectNoLeakedTensors(() => foldedLayersForward(model, x, []));
    const dropout = tfl.sequential({
      layers: [
        tfl.layers.dropout({ inputShape: [3], rate: 0.5, name: 'drop' }),
        tfl.layers.dense({ units: 2, ...init() }),
      ],
    });
    const v = tf.ones([2, 3]);
    // A tap that is the input itself comes back as a copy the caller may dispose.
    const r = await expectNoLeakedTensors(() => foldedLayersForward(dropout, v, ['drop']));
    expect(r!.taps.drop).not.toBe(v);
    expect(v.isDisposed).toBe(false);
    const norm = tfl.sequential({ layers: [tfl.layers.layerNormalization({ inputShape: [3] })] });
    await expectNoLeakedTensors(() => {
      expect(foldedLayersForward(norm, v, [])).toBeUndefined();
    });
    tf.dispose([x, v]);
  });
});
