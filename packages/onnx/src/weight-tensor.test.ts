import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostTensorOf, OnnxDataType, rawWeightOf } from './host-tensor.js';
import { loadOnnxModel } from './load-onnx-model.js';
import { onnx } from './onnx-proto.js';
import { singleOp } from './test-onnx-builder.js';
import { weightTensor } from './weight-tensor.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** w[i] = (i % 97) / 8 - 6, exact in float32. */
const value = (i: number) => (i % 97) / 8 - 6;

/** `size` values of {@link value} as little-endian float32 bytes, `shift` bytes into a buffer. */
function bytesAt(size: number, shift: number): Uint8Array {
  const out = new Uint8Array(shift + 4 * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < size; i++) view.setFloat32(shift + 4 * i, value(i), true);
  return out.subarray(shift);
}

const W_SHAPE = [128, 256]; // 128 KiB: above the in-place size
const W_SIZE = 128 * 256;

describe('weightTensor(bytes, shape)', () => {
  it('holds the values the bytes encode at every alignment, on wasm and cpu, leaking nothing', async () => {
    for (const backend of ['wasm', 'cpu']) {
      await setupBackend(backend);
      for (const shift of [0, 1, 2, 3]) {
        const before = tf.memory().numTensors;
        const t = weightTensor(bytesAt(W_SIZE, shift), W_SHAPE);
        expect([t.shape, t.dtype]).toEqual([W_SHAPE, 'float32']);
        const got = await t.data();
        for (let i = 0; i < W_SIZE; i += 331) expect(got[i]).toBe(value(i));
        expect(got[W_SIZE - 1]).toBe(value(W_SIZE - 1));
        t.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }
    }
    await setupBackend('wasm');
  });
});

describe('rawWeightOf(proto, raw)', () => {
  const proto = (dims: number[], dataType: number = OnnxDataType.FLOAT) => ({
    name: 'w',
    dataType,
    dims,
  });

  it('keeps large float bytes as they are (no copy), at any alignment', () => {
    for (const shift of [0, 3]) {
      const raw = bytesAt(W_SIZE, shift);
      const w = rawWeightOf(proto(W_SHAPE), raw)!;
      expect([w.dtype, w.shape, w.bytes]).toEqual(['float32', W_SHAPE, raw]);
      expect(w.bytes.buffer).toBe(raw.buffer);
    }
  });

  it('leaves small, non-float and float_data tensors to hostTensorOf', () => {
    expect(rawWeightOf(proto([3]), bytesAt(3, 0))).toBeUndefined();
    expect(
      rawWeightOf(proto([W_SIZE / 2], OnnxDataType.INT64), bytesAt(W_SIZE, 0)),
    ).toBeUndefined();
    expect(rawWeightOf({ ...proto([3]), floatData: [1, 2, 3] })).toBeUndefined();
  });

  it('rejects bytes that do not fit the shape, as hostTensorOf does', () => {
    for (const read of [rawWeightOf, hostTensorOf]) {
      expect(() => read(proto([W_SIZE + 1]), bytesAt(W_SIZE, 1))).toThrow(InterpError);
      expect(() => read(proto([W_SIZE + 1]), bytesAt(W_SIZE, 1))).toThrow(
        /tensor "w" has 131072 bytes of data for 32769 values of 4 bytes; the model .* is damaged or truncated/,
      );
    }
  });
});

describe('loadOnnxModel(path) with large unaligned weights', () => {
  /** y = x W, W [128, 256] in an external file at byte `shift` (unaligned for 1, 2, 3). */
  async function matMulModel(shift: number): Promise<string> {
    const model = onnx.ModelProto.decode(
      singleOp('MatMul', [1, 128], {
        initializers: [{ name: 'w', dims: W_SHAPE, data: [0] }],
        extraInputs: ['w'],
      }),
    );
    const w = model.graph!.initializer![0]!;
    w.floatData = [];
    w.dataLocation = 1;
    w.externalData = [
      { key: 'location', value: 'w.bin' },
      { key: 'offset', value: String(shift) },
      { key: 'length', value: String(4 * W_SIZE) },
    ];
    const folder = await mkdtemp(join(tmpdir(), 'interp-onnx-weights-'));
    const file = new Uint8Array(shift + 4 * W_SIZE);
    file.set(bytesAt(W_SIZE, 0), shift);
    await writeFile(join(folder, 'w.bin'), file);
    await writeFile(join(folder, 'm.onnx'), onnx.ModelProto.encode(model).finish());
    return join(folder, 'm.onnx');
  }

  it('predicts x W by hand, waiting for backendReady before making any tensor', async () => {
    const x = Array.from({ length: 128 }, (_, k) => (k % 5) - 2);
    // Column j of x W, summed in float64 (values are small integers / 8: exact in float32 too).
    const want = Array.from({ length: 256 }, (_, j) =>
      x.reduce((s, xk, k) => s + xk * value(k * 256 + j), 0),
    );
    for (const shift of [0, 1, 2, 3]) {
      const path = await matMulModel(shift);
      const before = tf.memory().numTensors;
      let release!: () => void;
      const backendReady = new Promise<void>((r) => {
        release = r;
      });
      const loading = loadOnnxModel(path, { backendReady });
      await new Promise((r) => setTimeout(r, 50));
      expect(tf.memory().numTensors).toBe(before);
      release();
      const model = await loading;
      const y = tf.tidy(() => model.predict(tf.tensor2d([x])) as tf.Tensor);
      expect(Array.from(await y.data())).toEqual(want);
      y.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
