import { METHOD_NAMES } from '@interp/attribution/methods';
import { arrayDataLoader, DataLoaders, InterpError, Learner, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteractiveClassifier } from '../interactive-classifier.js';
import { testDom } from '../test-dom.js';
import { lastConvLayer } from './item-attribution.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

function learnerOf(model: tfl.LayersModel): Learner {
  // Two 2x2 images whose pixels are all positive.
  const x = { data: Float32Array.from([1, 2, 3, 4, 0.5, 0.5, 1, 2]), shape: [2, 2, 2, 1] };
  const dl = arrayDataLoader(x, { data: Int32Array.from([0, 1]), shape: [2] });
  return Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl) });
}

/**
 * conv(1 filter, 1x1, weight 1, no bias, relu) - flatten - dense(2, every weight `w`): the conv's
 * output A is the image itself, each class's gradient with respect to A is `w` everywhere, so
 * Grad-CAM = relu(w * A): the image when w > 0, zero everywhere when w < 0.
 */
function oneConv(w: number): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        name: 'conv',
        inputShape: [2, 2, 1],
        filters: 1,
        kernelSize: 1,
        useBias: false,
        activation: 'relu',
        weights: [tf.ones([1, 1, 1, 1])],
      }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'logits', units: 2, useBias: false, weights: [tf.fill([4, 2], w)] }),
    ],
  });
}

describe('lastConvLayer', () => {
  it('finds the last convolution, not the last spatial (pooling) layer', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: 'c1', inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
        tfl.layers.maxPooling2d({ name: 'p1', poolSize: 2 }),
        tfl.layers.conv2d({ name: 'c2', filters: 2, kernelSize: 1 }),
        tfl.layers.maxPooling2d({ name: 'p2', poolSize: 1 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    expect(lastConvLayer(learnerOf(model))).toBe('c2');
    const dense = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [2, 2, 1] }), tfl.layers.dense({ units: 2 })],
    });
    expect(lastConvLayer(learnerOf(dense))).toBeUndefined();
  });

  it('rejects what is not a model', () => {
    expect(() => lastConvLayer({} as never)).toThrow(InterpError);
  });
});

describe('the classifier widget draws Grad-CAM on the last conv layer', () => {
  it('names the layer, and says so in text when the map is all zero', async () => {
    const dom = testDom();
    const negative = new InteractiveClassifier(learnerOf(oneConv(-1)), {
      document: dom.document,
      attribution: 'gradcam',
    });
    const root = await negative.show(dom.container);
    await expectNoLeakedTensors(() => negative.selectItem(0));
    expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toBe(
      'Grad-CAM (layer conv) for class 0, item 0',
    );
    expect(root.querySelector('.iw-blank')!.textContent).toMatch(
      /^The Grad-CAM map is all zero: layer conv holds no positive evidence for this class/,
    );
    expect(root.querySelector('[role=status]')!.textContent).toContain('all zero');

    const positive = new InteractiveClassifier(learnerOf(oneConv(1)), {
      document: dom.document,
      attribution: 'gradcam',
    });
    const root2 = await positive.show(dom.container);
    await positive.selectItem(0);
    expect(root2.querySelector('.iw-attribution img')).not.toBeNull();
    expect(root2.querySelector('.iw-blank')).toBeNull();
  });
});

describe('the classifier widget offers every method of @interp/attribution/methods', () => {
  it('lists the catalog in its menu and draws each method on a small CNN, leaking no tensor', async () => {
    // conv(2, 3x3) - relu - maxpool - flatten - dense(2) on 6x6 images (the ReLU a layer of its
    // own: DeepLift and LRP have no rule for a fused activation): layer methods read 'conv' (the
    // last convolution), neuron methods its most active unit.
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          name: 'conv',
          inputShape: [6, 6, 1],
          filters: 2,
          kernelSize: 3,
          padding: 'same',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.reLU(),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({
          units: 2,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    const x = {
      data: Float32Array.from({ length: 2 * 36 }, (_, i) => ((i * 7) % 11) / 10),
      shape: [2, 6, 6, 1],
    };
    const dl = arrayDataLoader(x, { data: Int32Array.from([0, 1]), shape: [2] });
    const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl) });
    const dom = testDom();
    const w = new InteractiveClassifier(learn, { document: dom.document });
    const root = await w.show(dom.container);
    const menu = root.querySelector('select[name=attribution]') as HTMLSelectElement;
    expect(Array.from(menu.options, (o) => o.value)).toEqual([...METHOD_NAMES]);
    const failed: string[] = [];
    for (const name of METHOD_NAMES) {
      menu.value = name;
      const before = tf.memory().numTensors;
      await w.selectItem(0);
      const leaked = tf.memory().numTensors - before;
      if (leaked !== 0) failed.push(`${name}: leaked ${leaked} tensors`);
      const img = root.querySelector('.iw-attribution img');
      if (!img?.getAttribute('src')?.startsWith('data:image/png;base64,')) {
        failed.push(`${name}: ${root.querySelector('.iw-error')?.textContent ?? 'no image'}`);
      }
    }
    // Permuting a feature across the batch needs 2+ items; the widget explains one: it says so.
    expect(failed).toEqual([
      'feature-permutation: Error computing the attribution: FeaturePermutation.attribute: x has 1 item; permuting a feature across the batch needs at least 2 items',
    ]);
    model.dispose();
  }, 60_000); // 40 methods on a shared 2-core machine
});
