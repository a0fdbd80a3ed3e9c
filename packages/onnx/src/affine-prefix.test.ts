// OnnxModel.affinePrefix: the chain it finds, and P, J_P^T and the tail against onnxruntime (the
// outputs of the whole model at b + a (x - b)) and tf.grad through the whole model (the input
// gradient J_P^T dT/da).
import { setupBackend, targetInputGradient } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import {
  bnInits,
  bnStem as bnStemOf,
  convInits,
  convStem as convStemOf,
  init,
  stemCnn,
} from './test-affine-prefix-stems.js';
import {
  buildModel,
  type InitTensor,
  type NodeSpec,
  ortRun,
  randomNormal,
} from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** The stem, then ReLU, conv, global average pool (5 features), Gemm. */
function cnn(stem: NodeSpec[], stemInits: InitTensor[] = []): Uint8Array {
  const node: NodeSpec = { op: 'GlobalAveragePool', inputs: ['r2'], outputs: ['p'] };
  return stemCnn(stem, stemInits, { node, features: 5, scale: 1 });
}

const convStem = convStemOf([2, 2], [1, 1, 1, 1]);
const bnStem = bnStemOf(convStem);

const item = [3, 8, 8];
const x = () => tf.tensor(randomNormal(2 * 192, 5), [2, ...item]);
const b = () => tf.tensor(randomNormal(2 * 192, 6, 0.5), [2, ...item]);

async function expectClose(ours: tf.Tensor, oracle: ArrayLike<number>, tolerance: number) {
  const data = await ours.data();
  expect(data.length).toBe(oracle.length);
  const scale = Math.max(...Array.from(oracle, Math.abs));
  let err = 0;
  for (let i = 0; i < data.length; i++) err = Math.max(err, Math.abs(data[i]! - oracle[i]!));
  expect(err / scale).toBeLessThan(tolerance);
}

describe.each([
  ['Conv (bias)', cnn([convStem], convInits), 'Conv_0', 27],
  ['Conv -> BatchNormalization -> Add', cnn(bnStem, bnInits), 'Add_2', 29],
])('OnnxModel.affinePrefix on %s -> Relu -> ...', (_, bytes, last, macs) => {
  it('finds the chain; the tail at P(b) + a (P(x) - P(b)) gives the outputs at b + a (x - b)', async () => {
    const model = await loadOnnxModel(bytes);
    const prefix = model.affinePrefix()!;
    expect(prefix.node).toBe(last);
    // 3 x 3 kernel x 3 input channels, + 1 each for the BatchNormalization and the Add.
    expect(prefix.macsPerOutput).toBe(macs);
    const [xs, bs] = [x(), b()];
    const a = 0.3;
    const point = tf.tidy(() => tf.add(bs, tf.mul(a, tf.sub(xs, bs))));
    const rows = tf.tidy(() => {
      const [px, pb] = [prefix.apply(xs), prefix.apply(bs)];
      return tf.add(pb, tf.mul(a, tf.sub(px, pb)));
    });
    const r = prefix.tailGradient(rows, (out) => tf.onesLike(out))!;
    const oracle = await ortRun(bytes, (await point.data()) as Float32Array, [2, ...item]);
    await expectClose(r.outputs, oracle.data, 1e-5);
    tf.dispose([xs, bs, point, rows, r.outputs, r.gradient]);
    model.dispose();
  });

  it('J_P^T of the tail gradient is the input gradient tf.grad gives through the whole model', async () => {
    const model = await loadOnnxModel(bytes);
    const prefix = model.affinePrefix()!;
    const xs = x();
    const mask = tf.tensor2d([0, 1, 0, 0.5, 0, 2], [2, 3]);
    const tape = targetInputGradient(model, xs, mask, { method: 'tape' });
    await expectNoLeakedTensors(async () => {
      const px = prefix.apply(xs);
      const r = prefix.tailGradient(px, () => tf.clone(mask))!;
      const dx = prefix.transpose(r.gradient);
      expect(dx.shape).toEqual(xs.shape);
      await expectClose(dx, await tape.gradient.data(), 1e-5);
      await expectClose(r.outputs, await tape.outputs.data(), 1e-5);
      tf.dispose([px, r.outputs, r.gradient, dx]);
    });
    tf.dispose([xs, mask, tape.gradient, tape.outputs]);
    model.dispose();
  });
});

describe('OnnxModel.affinePrefix: where there is none, and bad input', () => {
  const find = async (bytes: Uint8Array) => {
    const model = await loadOnnxModel(bytes);
    const prefix = model.affinePrefix();
    model.dispose();
    return prefix?.node;
  };

  it('is undefined when the first node is not affine, the chain is the whole model, or x fans out', async () => {
    const reluFirst = cnn([{ op: 'Relu', inputs: ['x'], outputs: ['s'] }]);
    expect(await find(reluFirst)).toBeUndefined();
    const convOnly = buildModel({
      nodes: [{ ...convStem, outputs: ['y'] }],
      input: { name: 'x', dims: ['N', 3, 8, 8] },
      output: { name: 'y' },
      initializers: convInits,
    });
    expect(await find(convOnly)).toBeUndefined();
    // Conv -> Mul by a constant as the whole model: the Conv is the prefix, the Mul the tail.
    const twoAffine = buildModel({
      nodes: [
        { ...convStem, outputs: ['c'] },
        { op: 'Mul', inputs: ['c', 'k'], outputs: ['y'] },
      ],
      input: { name: 'x', dims: ['N', 3, 8, 8] },
      output: { name: 'y' },
      initializers: [...convInits, { name: 'k', dims: [1], data: [2] }],
    });
    expect(await find(twoAffine)).toBe('Conv_0');
    const fanOut = cnn(
      [
        { ...convStem, outputs: ['c'] },
        { op: 'Relu', inputs: ['x'], outputs: ['rx'] },
        { op: 'Add', inputs: ['c', 'c'], outputs: ['s'] },
      ],
      convInits,
    );
    expect(await find(fanOut)).toBeUndefined();
  });

  it('is undefined for a fixed batch (the tail takes steps x items rows); throws once disposed', async () => {
    const fixed = buildModel({
      nodes: [
        { ...convStem, outputs: ['c'] },
        { op: 'Relu', inputs: ['c'], outputs: ['y'] },
      ],
      input: { name: 'x', dims: [1, 3, 8, 8] },
      output: { name: 'y' },
      initializers: convInits,
    });
    expect(await find(fixed)).toBeUndefined();
    const model = await loadOnnxModel(cnn([convStem], convInits));
    const prefix = model.affinePrefix()!;
    model.dispose();
    const g = tf.zeros([1, 4, 4, 4]);
    expect(() => prefix.transpose(g)).toThrow(/disposed/);
    expect(() => model.affinePrefix()).toThrow(/disposed/);
    g.dispose();
  });

  it('stops at a node reading two variables, a variable weight, or a Transpose of the batch axis', async () => {
    // Conv -> Add(c, c): the Add reads the conv's output twice, so the prefix is the Conv alone.
    const doubled = cnn(
      [
        { ...convStem, outputs: ['c'] },
        { op: 'Add', inputs: ['c', 'c'], outputs: ['s'] },
      ],
      convInits,
    );
    expect(await find(doubled)).toBe('Conv_0');
    const mlp = (first: NodeSpec) =>
      buildModel({
        nodes: [
          first,
          { op: 'Tanh', inputs: ['h'], outputs: ['t'] },
          { op: 'Gemm', inputs: ['t', 'w2'], outputs: ['y'] },
        ],
        input: { name: 'x', dims: ['N', 4] },
        output: { name: 'y' },
        initializers: [init('w1', [4, 5], 1), init('w2', [5, 2], 2)],
      });
    expect(await find(mlp({ op: 'Gemm', inputs: ['x', 'w1'], outputs: ['h'] }))).toBe('Gemm_0');
    const transA = { op: 'Gemm', inputs: ['x', 'w1'], outputs: ['h'], attrs: { transA: 1 } };
    expect(await find(mlp(transA))).toBeUndefined();
    const batchFirst = cnn(
      [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [1, 0, 2, 3] } },
        { op: 'Transpose', inputs: ['t'], outputs: ['s'], attrs: { perm: [1, 0, 2, 3] } },
      ],
      [],
    );
    expect(await find(batchFirst)).toBeUndefined();
  });

  it('refuses a tensor not shaped like the prefix output, naming the shape wanted; x as run does', async () => {
    const model = await loadOnnxModel(cnn([convStem], convInits));
    const prefix = model.affinePrefix()!;
    const wrong = tf.zeros([2, 3, 8, 8]);
    const nhwcInput = tf.zeros([2, 8, 8, 3]);
    await expectNoLeakedTensors(() => {
      expect(() => prefix.transpose(wrong)).toThrow(InterpError);
      expect(() => prefix.transpose(wrong)).toThrow(/must be shaped like apply's output, \[N, /);
      expect(() => prefix.tailGradient(wrong, tf.onesLike)).toThrow(/SHAPE_MISMATCH|shaped like/);
      expect(() => prefix.apply(nhwcInput)).toThrow(/expects an input of shape/);
    });
    tf.dispose([wrong, nhwcInput]);
    model.dispose();
  });
});
