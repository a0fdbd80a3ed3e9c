import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnistCamCnn, mnistCnn } from './models.js';

beforeAll(async () => {
  // This package does not depend on @interp/core (so no setupBackend): tfjs's cpu backend.
  await tf.setBackend('cpu');
});

describe('mnistCnn(tfl, seed)', () => {
  it('builds conv(16) - pool - conv(32) - pool - flatten - dense(10) with the parameters counted by hand', () => {
    const model = mnistCnn(tfl);
    try {
      expect(model.name).toBe('mnist_cnn');
      expect(model.layers.map((l) => l.name)).toEqual([
        'conv1',
        'pool1',
        'conv2',
        'pool2',
        'flatten',
        'logits',
      ]);
      // conv1 3*3*1*16 + 16 = 160; conv2 3*3*16*32 + 32 = 4640; 28 -> 14 -> 7 after the pools,
      // so the dense layer reads 7*7*32 = 1568 values: 1568*10 + 10 = 15690.
      expect(model.layers.map((l) => l.countParams())).toEqual([160, 0, 4640, 0, 0, 15690]);
      expect(model.countParams()).toBe(20490);
      expect(model.outputs[0]!.shape).toEqual([null, 10]);
    } finally {
      model.dispose();
    }
  });

  it('draws the same weights for the same seed and other weights for another seed', async () => {
    const before = tf.memory().numTensors;
    const kernel = async (seed?: number) => {
      const model = mnistCnn(tfl, seed);
      const values = await model.getLayer('conv1').getWeights()[0]!.data();
      model.dispose();
      return Array.from(values);
    };
    const a = await kernel();
    expect(await kernel(0)).toEqual(a);
    expect(await kernel(1)).not.toEqual(a);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('mnistCamCnn(tfl, seed)', () => {
  it('builds conv(16) - pool - conv(32) - pool - conv(32) - global average pool - dense(10) with the parameters counted by hand', async () => {
    const model = mnistCamCnn(tfl, 0);
    try {
      expect(model.name).toBe('mnist_cam_cnn');
      expect(model.layers.map((l) => l.name)).toEqual([
        'conv1',
        'pool1',
        'conv2',
        'pool2',
        'conv3',
        'gap',
        'logits',
      ]);
      // conv1 3*3*1*16 + 16 = 160; conv2 3*3*16*32 + 32 = 4640; conv3 3*3*32*32 + 32 = 9248;
      // the pooled 32 channels feed the dense layer: 32*10 + 10 = 330.
      expect(model.layers.map((l) => l.countParams())).toEqual([160, 0, 4640, 0, 9248, 0, 330]);
      expect(model.countParams()).toBe(14378);
      expect(model.getLayer('conv3').outputShape).toEqual([null, 7, 7, 32]);
      const seeded = async (seed: number) => {
        const m = mnistCamCnn(tfl, seed);
        const v = Array.from(await m.getLayer('conv3').getWeights()[0]!.data());
        m.dispose();
        return v;
      };
      expect(await seeded(0)).toEqual(await seeded(0));
      expect(await seeded(1)).not.toEqual(await seeded(0));
    } finally {
      model.dispose();
    }
  });
});
