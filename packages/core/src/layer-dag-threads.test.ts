// The tape-free input gradient on the threaded WASM build (our SIMD kernels then run on its shared
// memory): a MobileNetV2-style graph in a child process (pthread workers must not keep vitest's
// worker alive), on 2 threads, 1 thread and cpu.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { childBundle } from './test-child-bundle.js';

const child = childBundle('index.ts', 'core');

// Padding + strided depthwise + BN + ReLU6 (folded steps, the capped-ReLU kernel), a conv with
// ReLU before a 2x2 max pool (the fused max-pool/ReLU SIMD kernel), a residual Add, a 'valid'
// strided conv (col2im SIMD), global pooling and a dense softmax; 3 images.
const script = `
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setupBackend, targetInputGradient } from './core.js';
tf.env().set('IS_TEST', true);
const threaded = await setupBackend('wasm', { threads: true });
let seed;
// Seeded initializers draw in JS: every backend gets the same weights (a backend switch frees the
// previous wasm instance's memory, so each run builds its own model).
function build() {
  seed = 1;
  const glorot = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const normal = (mean, stddev) => tfl.initializers.randomNormal({ mean, stddev, seed: seed++ });
  const bn = () => tfl.layers.batchNormalization({ movingMeanInitializer: normal(0, 1), movingVarianceInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: seed++ }), gammaInitializer: normal(1, 0.5), betaInitializer: normal(0, 1) });
  const input = tfl.input({ shape: [20, 20, 8] });
  let h = tfl.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(input);
  h = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, useBias: false, depthwiseInitializer: glorot() }).apply(h);
  h = tfl.layers.reLU({ maxValue: 6 }).apply(bn().apply(h));
  const a = tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: glorot(), biasInitializer: normal(0, 0.3) }).apply(h);
  const pooled = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(a);
  const b = tfl.layers.reLU({ maxValue: 6 }).apply(bn().apply(tfl.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false, kernelInitializer: glorot() }).apply(pooled)));
  const added = tfl.layers.add().apply([pooled, b]);
  const strided = tfl.layers.conv2d({ filters: 24, kernelSize: 3, strides: 2, activation: 'relu6', kernelInitializer: glorot() }).apply(added);
  const out = tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: glorot() }).apply(tfl.layers.globalAveragePooling2d({}).apply(strided));
  const model = tfl.model({ inputs: input, outputs: out });
  return model;
}
const rand = (n, s) => Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 8 - 4);
function run() {
  const model = build();
  const x = tf.tensor4d(rand(3 * 20 * 20 * 8, 7), [3, 20, 20, 8]);
  const before = tf.memory().numTensors;
  const r = targetInputGradient(model, x, [0, 3, 4]);
  const result = { method: r.method, g: Array.from(r.gradient.dataSync()), y: Array.from(r.outputs.dataSync()) };
  tf.dispose([r.gradient, r.outputs]);
  result.leaked = tf.memory().numTensors - before;
  x.dispose();
  model.dispose();
  return result;
}
const a2 = run();
await setupBackend('wasm', { threads: false });
const a1 = run();
await setupBackend('cpu');
const c = run();
// Exit once the output is flushed (the pthread workers would keep the process alive).
process.stdout.write(JSON.stringify({ threadCount: threaded.threadCount, a2, a1, c }), () => process.exit(0));
`;

describe('the tape-free input gradient on WASM threads', () => {
  it('gives exactly the one-thread numbers (and the cpu backend to 1e-5), without leaks', () => {
    const r = child.run(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { threadCount, a2, a1, c } = JSON.parse(r.stdout);
    expect(threadCount).toBe(Math.min(availableParallelism(), 8));
    expect([a2.method, a1.method, c.method]).toEqual(['layers', 'layers', 'layers']);
    expect(a2.g).toEqual(a1.g);
    expect(a2.y).toEqual(a1.y);
    expect([a2.leaked, a1.leaked, c.leaked]).toEqual([0, 0, 0]);
    const scale = Math.max(...c.g.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    const diff = Math.max(...a1.g.map((v: number, i: number) => Math.abs(v - c.g[i])));
    expect(diff).toBeLessThanOrEqual(1e-5 * scale);
  }, 120_000);
});
