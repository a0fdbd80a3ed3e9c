// The GraphModel adapter's tape-free input gradient on a real converter graph: npm's nsfwjs
// MobileNetV2 GraphModel, against tf.grad through GraphModel.execute (targetInputGradient's 'tape').
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { targetInputGradient } from '../target-input-gradient.js';
import { expectNoLeakedTensors } from '../testing.js';
import { modelFiles, nsfwjsGraphModelPath, relativeL2, seededValues } from './test-graph-model.js';

describe('the nsfwjs MobileNetV2 GraphModel (_FusedConv2D, FusedDepthwiseConv2dNative, AddV2)', () => {
  it('takes the graph path on wasm and equals tf.grad through execute', async () => {
    await setupBackend('wasm');
    const model = await loadGraphModel(tf.io.fromMemory(modelFiles(nsfwjsGraphModelPath())));
    // Two images of seeded pixels in [0, 1], as nsfwjs feeds them. The forward here is fused
    // (conv + bias + ReLU6 in one kernel, as predict runs it) and the tape's is not: on some
    // inputs a value then rounds to the other side of a ReLU6 kink, which moves the gradient by
    // up to ~3e-3 relative (bench's 8 images: 0-3 such values each, all within 1e-5 of 0; the tape's
    // own gradient moves by up to 7e-3 when x moves by 5e-7); these two have no such value.
    const pixels = (seed: number) => seededValues(224 * 224 * 3, seed).map((v) => 0.5 + 0.5 * v);
    const x = tf.tensor4d([...pixels(1), ...pixels(2)], [2, 224, 224, 3]);
    await expectNoLeakedTensors(() => {
      const ours = targetInputGradient(model, x, [1, 4]);
      const tape = targetInputGradient(model, x, [1, 4], { method: 'tape' });
      expect(ours.method).toBe('graph');
      expect(relativeL2(ours.gradient, tape.gradient)).toBeLessThan(1e-4);
      expect(relativeL2(ours.outputs, tape.outputs)).toBeLessThan(1e-5);
      tf.dispose([ours.gradient, ours.outputs, tape.gradient, tape.outputs]);
    });
    x.dispose();
    model.dispose();
  }, 120_000);
});
