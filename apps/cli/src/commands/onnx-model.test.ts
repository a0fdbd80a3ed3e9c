// `--model file.onnx` in interp attribute, importance and summary: the PyTorch exports of
// @interp/onnx's test models, checked against the library run in-process (whose numbers the
// attribution and onnx packages test against finite differences and onnxruntime).
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { saliencyMap } from '@interp/attribution';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, expectBadInput, runCli, tempDir } from '../test-cli.js';

const onnxDir = dirname(createRequire(import.meta.url).resolve('@interp/onnx/package.json'));

let dir: string;
let image: Float32Array;
let rows: Float32Array;
let labels: Int32Array;

/** Seeded values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const interp = (...args: string[]) => runCli(args, { cwd: dir });

beforeAll(async () => {
  buildCli();
  dir = tempDir();
  await setupBackend('wasm');
  // small-cnn: [N, 3, 8, 8] -> 5 classes; mlp: [N, 8] -> 3 classes (torch exports, NCHW).
  copyFileSync(join(onnxDir, 'test-models', 'small-cnn.onnx'), join(dir, 'cnn.onnx'));
  copyFileSync(join(onnxDir, 'test-models', 'mlp.onnx'), join(dir, 'mlp.onnx'));
  image = values(2 * 3 * 8 * 8, 5);
  writeFileSync(join(dir, 'x.npy'), encodeNpy(image, [2, 3, 8, 8]));
  writeFileSync(join(dir, 'item.npy'), encodeNpy(image.slice(0, 192), [3, 8, 8]));
  writeFileSync(join(dir, 'nhwc.npy'), encodeNpy(image, [2, 8, 8, 3]));
  rows = values(40 * 8, 9);
  writeFileSync(join(dir, 'rows.npy'), encodeNpy(rows, [40, 8]));
  // Labels = the model's own predictions, so the baseline accuracy is exactly 1.
  const mlp = await loadOnnxModel(join(dir, 'mlp.onnx'));
  const predicted = tf.tidy(() => tf.argMax(mlp.predict(tf.tensor2d(rows, [40, 8])), 1));
  labels = Int32Array.from(await predicted.data());
  predicted.dispose();
  mlp.dispose();
  writeFileSync(join(dir, 'labels.npy'), encodeNpy(labels, [40]));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('interp attribute --model file.onnx', () => {
  it('saliency --json equals the library on the same ONNX model (NCHW input as is or one item)', async () => {
    const r = interp(
      'attribute',
      '--model',
      'cnn.onnx',
      '--input',
      'x.npy',
      '--method',
      'saliency',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const model = await loadOnnxModel(join(dir, 'cnn.onnx'));
    const x = tf.tensor4d(image, [2, 3, 8, 8]);
    const expected = await saliencyMap(model, x, { target: out.target });
    const want = await expected.data();
    const got = (out.attributions as number[][][][]).flat(3);
    expect(got).toHaveLength(want.length);
    for (const [i, v] of got.entries()) expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5);
    tf.dispose([x, expected]);
    model.dispose();
    const one = JSON.parse(
      interp(
        'attribute',
        '--model',
        'cnn.onnx',
        '--input',
        'item.npy',
        '--method',
        'saliency',
        '--json',
      ).stdout,
    );
    expect(one.attributions.flat(3)).toEqual(got.slice(0, 192));
  });

  it('gradcam --json reports the layer it chose and maps at the input H x W', () => {
    const r = interp(
      'attribute',
      '--model',
      'cnn.onnx',
      '--input',
      'x.npy',
      '--method',
      'gradcam',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(typeof out.layer).toBe('string');
    expect(out.attributions).toHaveLength(2);
    expect(out.attributions[0]).toHaveLength(8);
    expect(out.attributions[0][0]).toHaveLength(8);
  });

  it('occlusion runs with channel-first windows', () => {
    const r = interp(
      'attribute',
      '--model',
      'cnn.onnx',
      '--input',
      'x.npy',
      '--method',
      'occlusion',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).attributions.flat(3)).toHaveLength(2 * 3 * 8 * 8);
  });

  it('exits 2 with one line for an input in the wrong layout or a missing model', () => {
    expectBadInput(
      interp('attribute', '--model', 'cnn.onnx', '--input', 'nhwc.npy', '--method', 'saliency'),
      /nhwc\.npy has shape \[2, 8, 8, 3\] but cnn\.onnx takes \[N, 3, 8, 8\] \(NCHW\)/,
    );
    expectBadInput(
      interp('attribute', '--model', 'missing.onnx', '--input', 'x.npy', '--method', 'saliency'),
      /missing\.onnx: no such file/,
    );
  });
});

describe('interp summary --model file.onnx', () => {
  it('prints the ONNX graph in the same table (node, op, output shape, params)', async () => {
    const r = interp('summary', '--model', 'cnn.onnx');
    expect(r.code, r.stderr).toBe(0);
    const model = await loadOnnxModel(join(dir, 'cnn.onnx'));
    const total = model.nodes.reduce((a, n) => a + n.params, 0);
    const first = model.nodes[0]!;
    model.dispose();
    expect(r.stdout.split('\n')[0]).toBe('ONNX (Input shape: ? x 3 x 8 x 8)');
    expect(r.stdout).toMatch(/Layer \(type\)\s+Output Shape\s+Param #\s+Trainable/);
    expect(r.stdout).toContain(`${first.name} (${first.op})`);
    expect(r.stdout).toContain(`Total params: ${total.toLocaleString('en-US')}`);
    const json = JSON.parse(interp('summary', '--model', 'cnn.onnx', '--json').stdout);
    expect(json.totalParams).toBe(total);
  });
});

describe('interp importance --model file.onnx', () => {
  it('permutation importance of a torch MLP: baseline accuracy 1 against its own predictions', () => {
    const r = interp(
      'importance',
      '--model',
      'mlp.onnx',
      '--data',
      'rows.npy',
      '--targs',
      'labels.npy',
      '--n-repeats',
      '2',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.baselineScore).toBe(1);
    expect(out.features).toHaveLength(8);
  });
});
