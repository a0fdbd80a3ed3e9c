import { METHOD_NAMES } from '@interp/attribution/methods';
import { arrayDataLoader, DataLoaders, Learner, setupBackend, toModelGraph } from '@interp/core';
import { chainGraph, expectNoLeakedTensors, nchwConvGraph } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteractiveClassifier } from '../interactive-classifier.js';
import { testDom } from '../test-dom.js';
import { itemMap } from './item-attribution.js';
import { defaultLayer } from './item-layout.js';

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

describe("defaultLayer (GradCAM's default rule)", () => {
  it("is the last node with an image output larger than 1 x 1, in the graph's layout", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: 'c1', inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
        tfl.layers.maxPooling2d({ name: 'p1', poolSize: 2 }), // 3 x 3
        tfl.layers.conv2d({ name: 'c2', filters: 2, kernelSize: 1 }), // 3 x 3
        tfl.layers.maxPooling2d({ name: 'p2', poolSize: 3 }), // 1 x 1: a constant map
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    expect(defaultLayer(toModelGraph(model))).toBe('c2');
    const dense = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [2, 2, 1] }), tfl.layers.dense({ units: 2 })],
    });
    expect(defaultLayer(toModelGraph(dense))).toBeUndefined();
    // NCHW: conv [N, 2, 2, 2] -> relu -> flatten -> head; the channel axis is not spatial.
    const g = nchwConvGraph(Array.from({ length: 8 }, () => [1, 0]));
    expect(defaultLayer(g)).toBe('relu');
    g.dispose?.();
  });
});

describe("itemMap feeds an H x W x C item in the graph's layout", () => {
  // An NCHW model on 3 x 2 x 2 inputs whose class-0 score is 2 * x[c=2, h=1, w=0]: by hand, the
  // gradient x input map is 2 * v at that one value and 0 elsewhere.
  // CHW flat index of (c=2, h=1, w=0): 2 * 4 + 1 * 2 + 0 = 10.
  let kernel: tf.Tensor2D;
  beforeAll(() => {
    kernel = tf.tensor2d(Array.from({ length: 12 }, (_, i) => (i === 10 ? [2, 0] : [0, 1])));
  });
  const graph = chainGraph(
    [
      {
        name: 'flatten',
        op: 'Flatten',
        outputShape: [null, 12],
        fn: (x) => tf.reshape(x, [x.shape[0]!, 12]),
      },
      {
        name: 'head',
        op: 'MatMul',
        outputShape: [null, 2],
        fn: (x) => tf.matMul(x as tf.Tensor2D, kernel),
      },
    ],
    { inputShape: [null, 3, 2, 2], layout: 'NCHW' },
  );
  // HWC item: value k / 10 at HWC flat index k.
  const item = {
    kind: 'image' as const,
    data: Float32Array.from({ length: 12 }, (_, k) => k / 10),
    shape: [2, 2, 3] as [number, number, number],
  };

  it('gives the gradient x input map back as H x W x C, the value where the model reads it', async () => {
    const map = await expectNoLeakedTensors(() => itemMap(graph, item, 0, 'gxi'));
    expect(map.shape).toEqual([2, 2, 3]);
    // HWC flat index of (h=1, w=0, c=2): (1 * 2 + 0) * 3 + 2 = 8, holding 0.8.
    const expected = Array.from({ length: 12 }, (_, k) => (k === 8 ? 2 * 0.8 : 0));
    expect(Array.from(map.data).map((v) => Math.round(v * 1e6) / 1e6)).toEqual(expected);
  });

  it('refuses an item that is not an image', async () => {
    await expect(
      itemMap(graph, { kind: 'vector', data: new Float32Array(12) }, 0, 'gxi'),
    ).rejects.toThrow(/attribution is drawn for image items; this item is a vector/);
  });
});

describe('the classifier widget draws Grad-CAM on its default layer', () => {
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
    // own: DeepLift and LRP have no rule for a fused activation): layer methods read the max
    // pool (GradCAM's default: the last 3 x 3 output), neuron methods its most active unit.
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
