import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { InterpError } from './errors.js';
import { childBundle } from './test-child-bundle.js';
import { checkThreads, nodeWasmThreadCount, WASM_MAX_THREADS } from './wasm-threads-node.js';

// backend.ts bundled as Node loads the published package (tfjs external, resolved from this
// package's node_modules), then run in a child process: threads must not keep it alive.
const child = childBundle('backend.ts', 'backend');

// A small CNN (fused conv + ReLU, depthwise conv, average pool, dense) on 2 images: its forward
// output and input gradient, and the live tensor count before and after.
const script = `
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from './backend.js';
tf.env().set('IS_TEST', true);
const rand = (n, seed) => { let s = seed; return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1); };
function run() {
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x = tf.tensor4d(rand(2 * 40 * 40 * 8, 1), [2, 40, 40, 8]);
    const w1 = tf.tensor4d(rand(3 * 3 * 8 * 32, 2), [3, 3, 8, 32]);
    const b1 = tf.tensor1d(rand(32, 3));
    const dw = tf.tensor4d(rand(3 * 3 * 32 * 1, 4), [3, 3, 32, 1]);
    const wd = tf.tensor2d(rand(32 * 5, 5), [32, 5]);
    const f = (t) => {
      let h = tf.fused.conv2d({ x: t, filter: w1, strides: 1, pad: 'same', bias: b1, activation: 'relu' });
      h = tf.relu(tf.depthwiseConv2d(h, dw, 2, 'same'));
      h = tf.mean(tf.avgPool(h, 2, 2, 'valid'), [1, 2]);
      return tf.matMul(h, wd);
    };
    const y = f(x);
    const g = tf.grad((t) => tf.sum(tf.mul(f(t), tf.tensor1d([1, -2, 3, 0.5, -1]))))(x);
    return [Array.from(y.dataSync()), Array.from(g.dataSync())];
  });
  return { out, leaked: tf.memory().numTensors - before };
}
const threaded = await setupBackend('wasm', { threads: true });
const a = run();
const single = await setupBackend('wasm', { threads: false });
const b = run();
await setupBackend('cpu');
const c = run();
console.log(JSON.stringify({ threaded, single, a, b, c }));
`;

// Counts the real Node workers tfjs boots (a stand-in never constructs one), then a matmul and a
// conv on 2 threads, on 1 thread and on cpu.
const countingScript = `
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from './backend.js';
const workerThreads = createRequire(import.meta.url)('node:worker_threads');
let booted = 0;
workerThreads.Worker = class extends workerThreads.Worker {
  constructor(...args) { super(...args); booted++; }
};
tf.env().set('IS_TEST', true);
const rand = (n, seed) => { let s = seed; return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1); };
function run() {
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const a = tf.tensor2d(rand(96 * 200, 1), [96, 200]);
    const b = tf.tensor2d(rand(200 * 150, 2), [200, 150]);
    const x = tf.tensor4d(rand(2 * 30 * 30 * 16, 3), [2, 30, 30, 16]);
    const w = tf.tensor4d(rand(3 * 3 * 16 * 24, 4), [3, 3, 16, 24]);
    return [tf.matMul(a, b), tf.conv2d(x, w, 1, 'same')].map((t) => Array.from(t.dataSync()));
  });
  return { out, leaked: tf.memory().numTensors - before };
}
const threaded = await setupBackend('wasm', { threads: 2 });
const bootedThreaded = booted;
const a = run();
await setupBackend('wasm', { threads: false });
const b = run();
await setupBackend('cpu');
const c = run();
console.log(JSON.stringify({ threadCount: threaded.threadCount, bootedThreaded, booted, a, b, c }));
`;

describe('WASM threads in Node (setupBackend threads option)', () => {
  it('runs the threaded SIMD build on every core, gives exactly the one-thread numbers, and exits', () => {
    const r = child.run(script);
    // Killed by the timeout (signal set) would mean the pthread workers kept the process alive.
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { threaded, single, a, b, c } = JSON.parse(r.stdout);
    const cores = Math.min(availableParallelism(), WASM_MAX_THREADS);
    expect(threaded).toEqual({
      backend: 'wasm',
      simd: true,
      threads: cores > 1,
      threadCount: cores,
      fellBack: false,
    });
    expect(single).toEqual({
      backend: 'wasm',
      simd: true,
      threads: false,
      threadCount: 1,
      fellBack: false,
    });
    // Bit for bit: XNNPACK splits whole output tiles between threads, each summed in one order.
    expect(a.out).toEqual(b.out);
    expect([a.leaked, b.leaked, c.leaked]).toEqual([0, 0, 0]);
    // And both agree with tfjs's cpu backend (an independent implementation) to float32 rounding.
    const [y, g] = a.out as [number[], number[]];
    const [yc, gc] = c.out as [number[], number[]];
    const scale = (v: number[]) => Math.max(...v.map(Math.abs));
    expect(Math.max(...y.map((v, i) => Math.abs(v - (yc[i] as number))))).toBeLessThan(
      1e-5 * scale(yc),
    );
    expect(Math.max(...g.map((v, i) => Math.abs(v - (gc[i] as number))))).toBeLessThan(
      1e-5 * scale(gc),
    );
    expect(g.some((v) => v !== 0)).toBe(true);
  }, 120_000);

  it('boots only the threads - 1 pthread workers XNNPACK runs on, with the one-thread numbers', () => {
    const r = child.run(countingScript);
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { threadCount, bootedThreaded, booted, a, b, c } = JSON.parse(r.stdout);
    expect(threadCount).toBe(Math.min(availableParallelism(), 2));
    // tfjs-backend-wasm's Emscripten pool is 8 workers; XNNPACK's pool of N threads runs N - 1.
    expect(bootedThreaded).toBe(threadCount - 1);
    // The one-thread build starts none, and no stand-in was ever asked to run a pthread.
    expect(booted).toBe(bootedThreaded);
    expect(a.out).toEqual(b.out);
    expect([a.leaked, b.leaked, c.leaked]).toEqual([0, 0, 0]);
    // And tfjs's cpu backend (an independent implementation) agrees to float32 rounding.
    for (const [i, v] of (a.out as number[][]).entries()) {
      const ref = c.out[i] as number[];
      const scale = Math.max(...ref.map(Math.abs));
      expect(Math.max(...v.map((x, j) => Math.abs(x - (ref[j] as number))))).toBeLessThan(
        1e-5 * scale,
      );
    }
  }, 120_000);

  it('caps the thread count at the cores and at 8', () => {
    const cores = availableParallelism();
    expect(nodeWasmThreadCount(true)).toBe(Math.min(cores, 8));
    expect(nodeWasmThreadCount(1)).toBe(1);
    expect(nodeWasmThreadCount(64)).toBe(Math.min(cores, 8));
    expect(checkThreads(16)).toBe(8);
    expect(checkThreads(3)).toBe(3);
  });

  it('rejects a bad thread count with an InterpError that says what to pass', async () => {
    await expect(setupBackend('wasm', { threads: 0 })).rejects.toThrow(InterpError);
    await expect(setupBackend('wasm', { threads: 1.5 })).rejects.toThrow(
      /threads must be true, false or a whole number >= 1, got 1.5; e.g. threads: 2/,
    );
    expect(() => checkThreads(-1)).toThrow(/got -1/);
  });
});
