import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hwioWeightTensor } from './host-conv-weights.js';
import { loadOnnxModel } from './load-onnx-model.js';
import { onnx } from './onnx-proto.js';
import { ortRun, randomNormal, relativeError } from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** The backend a tensor's values live on (tfjs moves them to the active one when a kernel reads them). */
function backendOf(t: tf.Tensor): tf.KernelBackend {
  const engine = tf.engine() as unknown as {
    state: { tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> };
  };
  return engine.state.tensorInfo.get(t.dataId)!.backend;
}

const W_DIMS = [64, 32, 3, 3]; // 73.7 kB: a raw weight the loader keeps as the file's bytes

/**
 * Conv(x, w) -> y (pads 1), w as raw_data after a producer name of 1 + `pad` letters (each
 * shifting its offset in the file by one byte), and when `shapeOfW` also Shape(w), so that w is not read by Convs only.
 */
function convModel(w: Float32Array, pad: number, shapeOfW = false): Uint8Array {
  const name = 'w';
  const tensor = (dims: number[]) => ({
    tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } },
  });
  const nodes = [
    {
      name: 'conv',
      opType: 'Conv',
      input: ['x', name],
      output: ['y'],
      attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }],
    },
    ...(shapeOfW ? [{ name: 'shape', opType: 'Shape', input: [name], output: ['s'] }] : []),
  ];
  const model = {
    irVersion: 8,
    producerName: `p${'x'.repeat(pad)}`,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: nodes,
      initializer: [
        {
          name,
          dims: W_DIMS,
          dataType: 1,
          rawData: new Uint8Array(w.buffer, w.byteOffset, w.byteLength),
        },
      ],
      input: [{ name: 'x', type: tensor([1, 32, 5, 5]) }],
      output: [{ name: 'y', type: tensor([1, 64, 5, 5]) }],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

/** Byte offset of `w`'s values in the encoded model. */
function offsetOf(bytes: Uint8Array, w: Float32Array): number {
  const head = new Uint8Array(w.buffer, w.byteOffset, 16);
  for (let i = 0; i + 16 <= bytes.length; i++) {
    if (head.every((b, k) => bytes[i + k] === b)) return i;
  }
  return -1;
}

describe('conv weights kept on the host (loadOnnxModel from a path)', () => {
  const w = randomNormal(64 * 32 * 9, 7, 0.1);
  const x = randomNormal(32 * 25, 8);

  it('match onnxruntime at every alignment of the weight in the file, hold OIHW values, leak nothing', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'interp-host-conv-'));
    const residues = new Set<number>();
    for (const pad of [0, 1, 2, 3]) {
      const bytes = convModel(w, pad);
      residues.add(offsetOf(bytes, w) % 4);
      const path = join(folder, `conv${pad}.onnx`);
      await writeFile(path, bytes);
      const oracle = await ortRun(path, x, [1, 32, 5, 5]);
      await expectNoLeakedTensors(async () => {
        const model = await loadOnnxModel(path);
        try {
          const [param] = model.parameters();
          // Not copied into WASM memory: the filter conv.ts derives is the only backend copy.
          expect(backendOf(param!.value)).toBe(tf.findBackend('cpu'));
          const y = tf.tidy(() => model.predict(tf.tensor(x, [1, 32, 5, 5])));
          expect(relativeError(await y.data(), oracle.data)).toBeLessThan(1e-5);
          y.dispose();
          // The weight still reads as the model file's OIHW values (moved to WASM on use).
          expect(param!.value.shape).toEqual(W_DIMS);
          expect(await param!.value.data()).toEqual(w);
        } finally {
          model.dispose();
        }
      });
    }
    // The four pads put the weight at each byte alignment: the in-place shift ran for three.
    expect([...residues].sort()).toEqual([0, 1, 2, 3]);
  });

  it('a weight another op reads too, or bytes the caller gave, go to WASM memory as before', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'interp-host-conv-'));
    const path = join(folder, 'shared.onnx');
    await writeFile(path, convModel(w, 1, true));
    const oracle = await ortRun(path, x, [1, 32, 5, 5]);
    for (const source of [path, convModel(w, 1)]) {
      await expectNoLeakedTensors(async () => {
        const model = await loadOnnxModel(source);
        try {
          expect(backendOf(model.parameters()[0]!.value)).toBe(tf.backend());
          const y = tf.tidy(() => model.predict(tf.tensor(x, [1, 32, 5, 5])));
          expect(relativeError(await y.data(), oracle.data)).toBeLessThan(1e-5);
          y.dispose();
        } finally {
          model.dispose();
        }
      });
    }
  });
});

describe('hwioWeightTensor(oihw, shape)', () => {
  it("is tfjs's [2, 3, 1, 0] transpose of the weight (computed on the cpu backend), on wasm", async () => {
    const dims = [5, 3, 2, 4];
    const values = randomNormal(5 * 3 * 2 * 4, 3);
    await setupBackend('cpu');
    const expected = tf.tidy(() => tf.transpose(tf.tensor(values, dims), [2, 3, 1, 0]).dataSync());
    await setupBackend('wasm');
    const before = tf.memory().numTensors;
    const t = hwioWeightTensor(values, dims);
    expect(t.shape).toEqual([2, 4, 3, 5]);
    expect(await t.data()).toEqual(expected);
    // By hand: out[y][x][c][n] = in[n][c][y][x].
    expect(t.arraySync()[1]![3]![2]![4]).toBe(values[((4 * 3 + 2) * 2 + 1) * 4 + 3]);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses values that do not fill the shape, saying what to pass', () => {
    const before = tf.memory().numTensors;
    for (const [n, dims] of [
      [10, [2, 2, 2, 2]],
      [8, [2, 2, 2]],
      [0, [0, 2, 2, 2]],
    ] as const) {
      expect(() => hwioWeightTensor(new Float32Array(n), dims)).toThrow(InterpError);
    }
    expect(() => hwioWeightTensor(new Float32Array(10), [2, 2, 2, 2])).toThrow(
      /10 values do not fill a conv weight of shape \[2, 2, 2, 2\]; pass \[Cout, Cin, kh, kw\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
