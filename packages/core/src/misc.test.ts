import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { resolveActivation } from './get-preds.js';
import { accuracy, metricName } from './metric.js';
import { Recorder } from './recorder.js';
import { disposeTensorsIn, expectNoLeakedTensors, maxAbsDiff } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('accuracy(probs, targs)', () => {
  it('is the fraction of argmax hits; ties go to the lower class; one-hot targets work', async () => {
    const p = tf.tensor2d([
      [0.5, 0.5],
      [0.1, 0.9],
      [0.8, 0.2],
      [0.3, 0.7],
    ]);
    const t = tf.tensor1d([0, 1, 1, 1], 'int32');
    const a = accuracy(p, t);
    expect((await a.data())[0]).toBeCloseTo(0.75, 6);
    const oh = tf.oneHot(t, 2);
    const b = accuracy(p, oh);
    expect((await b.data())[0]).toBeCloseTo(0.75, 6);
    await expectNoLeakedTensors(() => accuracy(p, t));
    tf.dispose([p, t, a, oh, b]);
    // Named explicitly, so minified bundles still report 'accuracy'.
    expect(metricName(accuracy)).toBe('accuracy');
    const custom = Object.assign(() => tf.scalar(1), { metricName: 'one' });
    expect(metricName(custom)).toBe('one');
    function plain() {
      return tf.scalar(0);
    }
    expect(metricName(plain)).toBe('plain');
  });
});

describe('resolveActivation(act, fallback)', () => {
  it('maps names to functions and keeps the fallback for undefined', async () => {
    const x = tf.tensor1d([0, 0]);
    const s = resolveActivation('softmax', tf.clone)(x);
    expect(Array.from(await s.data())).toEqual([0.5, 0.5]);
    const g = resolveActivation('sigmoid', tf.clone)(x);
    expect(Array.from(await g.data())).toEqual([0.5, 0.5]);
    const fb = (t: tf.Tensor) => tf.add(t, 1);
    expect(resolveActivation(undefined, fb)).toBe(fb);
    expect(() => resolveActivation('tanh' as never, fb)).toThrow(/invalid act: "tanh"/);
    tf.dispose([x, s, g]);
  });
});

describe('Recorder', () => {
  it('records batches and epochs and resets', () => {
    const r = new Recorder();
    r.recordBatch(1.5, 0.1);
    r.recordEpoch({ epoch: 0, trainLoss: 1.5, validLoss: 1.2, metrics: { accuracy: 0.5 } });
    expect(r.losses).toEqual([1.5]);
    expect(r.lrs).toEqual([0.1]);
    expect(r.epochs.length).toBe(1);
    r.reset();
    expect([r.losses.length, r.lrs.length, r.epochs.length]).toEqual([0, 0, 0]);
  });
});

describe('expectNoLeakedTensors(fn) / disposeTensorsIn / maxAbsDiff', () => {
  it('passes when results are disposed and fails when a tensor leaks', async () => {
    await expectNoLeakedTensors(() => ({ a: tf.ones([2]), b: [tf.zeros([1])] }));
    let leaked: tf.Tensor | undefined;
    await expect(
      expectNoLeakedTensors(() => {
        leaked = tf.ones([1]);
        return 1;
      }),
    ).rejects.toThrow(/leaked 1 tensor/);
    leaked!.dispose();
    const t = tf.ones([1]);
    disposeTensorsIn({ x: [t] });
    expect(t.isDisposed).toBe(true);
    expect(maxAbsDiff([1, 2], [1.5, 2])).toBe(0.5);
    expect(() => maxAbsDiff([1], [1, 2])).toThrow(/length/);
  });
});
