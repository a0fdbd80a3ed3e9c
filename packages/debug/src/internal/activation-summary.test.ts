import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationSummary, histc } from './activation-summary.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** 40 counts, zero except the listed [bin, count] pairs. */
function bins(entries: [number, number][]): number[] {
  const h = new Array(40).fill(0);
  for (const [k, c] of entries) h[k] = c;
  return h;
}

async function read(t: tf.Tensor): Promise<number[]> {
  const d = Array.from(await t.data());
  t.dispose();
  return d;
}

describe('histc(flat) as torch.histc(x, 40, 0, 10)', () => {
  it('counts by hand: edges go to the upper bin, 10 to the last bin', async () => {
    // 0, 0.2499 -> bin 0 ([0, .25)); 0.25 -> bin 1; 0.5 -> bin 2; 9.75, 9.9999, 10 -> bin 39.
    const x = tf.tensor1d([0, 0.25, 0.2499, 0.5, 9.75, 9.9999, 10, -0]);
    const h = await expectNoLeakedTensors(() => read(histc(x)));
    expect(h).toEqual(
      bins([
        [0, 3],
        [1, 1],
        [2, 1],
        [39, 3],
      ]),
    );
    x.dispose();
  });

  it('ignores values outside [0, 10], infinities and NaN', async () => {
    const x = tf.tensor1d([-0.01, -3, 10.0001, 10.25, 11, Number.NaN, Infinity, -Infinity, 1]);
    expect(await read(histc(x))).toEqual(bins([[4, 1]]));
    x.dispose();
  });

  it('gives the same counts on the cpu backend', async () => {
    const values = [-1, 0, 0.25, 3.3, 9.99, 10, 10.1, Number.NaN, Infinity];
    const onWasm = await read(histc(tf.tensor1d(values)));
    await setupBackend('cpu');
    try {
      expect(await read(histc(tf.tensor1d(values)))).toEqual(onWasm);
    } finally {
      await setupBackend('wasm');
    }
    expect(onWasm).toEqual(
      bins([
        [0, 1],
        [1, 1],
        [13, 1],
        [39, 2],
      ]),
    );
  });
});

describe('activationSummary(output, withHist)', () => {
  it('gives mean, sample std, fraction <= 0.05 (0.05 itself included) and the histogram', async () => {
    // [0.05, 0.1, 1, 2.85]: mean 1; deviations -.95 -.9 0 1.85: squares .9025 .81 0 3.4225 -> 5.135 / 3.
    const x = tf.tensor2d([
      [0.05, 0.1],
      [1, 2.85],
    ]);
    const [mean, std, nearZero, ...h] = await expectNoLeakedTensors(() =>
      read(activationSummary(x, true)),
    );
    expect(mean).toBeCloseTo(1, 6);
    expect(std).toBeCloseTo(Math.sqrt(5.135 / 3), 6);
    expect(nearZero).toBe(0.25);
    expect(h).toEqual(
      bins([
        [0, 2],
        [4, 1],
        [11, 1],
      ]),
    );
    expect(await read(activationSummary(x, false))).toHaveLength(3);
    x.dispose();
  });

  it('gives NaN std for a single value, as torch', async () => {
    const x = tf.tensor1d([3]);
    const [mean, std, nearZero] = await read(activationSummary(x, false));
    expect([mean, nearZero]).toEqual([3, 0]);
    expect(std).toBeNaN();
    x.dispose();
  });
});
