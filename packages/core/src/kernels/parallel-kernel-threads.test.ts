// The parallel kernels in child processes: on tfjs's threaded wasm backend (convs and their input
// gradient split, unsplit and on one thread give the same bits), and a split that must not keep
// the process alive. The kernels' own tests are in parallel-kernel.test.ts.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { childBundle } from '../test-child-bundle.js';

const twoCores = availableParallelism() >= 2;

const child = childBundle('kernels/test-parallel-kernel-child.ts', 'parallel');

describe('parallel kernels on the threaded wasm backend', () => {
  it.runIf(twoCores)(
    'Winograd convs (forward with bias and relu6, and the F4H input gradient) give the one-thread bits, without leaks',
    () => {
      const script = `
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, winogradConvPath, winogradTilePolicy, parallelKernels } from './parallel.js';
tf.env().set('IS_TEST', true);
const rand = (n, s) => Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
// Odd sides: 3 images of 13x11 (F2: 7 tile rows each; F4H: 4), 64 -> 68 channels.
const run = () => {
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const x = tf.tensor4d(rand(3 * 13 * 11 * 64, 7), [3, 13, 11, 64]);
    const w = tf.tensor4d(rand(9 * 64 * 68, 9), [3, 3, 64, 68]);
    const b = tf.tensor1d(rand(68, 11));
    const dy = tf.tensor4d(rand(3 * 13 * 11 * 68, 13), [3, 13, 11, 68]);
    const f = (t) => tf.fused.conv2d({ x: t, filter: tf.mul(w, 4), strides: 1, pad: 'same', bias: b, activation: 'relu6' });
    const dx = tf.grad((t) => tf.sum(tf.mul(tf.conv2d(t, w, 1, 'same'), dy)))(x);
    return [Array.from(f(x).dataSync()), Array.from(dx.dataSync())];
  });
  return { out, leaked: tf.memory().numTensors - before };
};
winogradConvPath.force = 'winograd';
// F4H in the input gradient also at these sides (the default takes it at multiples of 4 only).
winogradConvPath.tile = winogradTilePolicy('F2/F4H');
parallelKernels.enabled = true;
parallelKernels.minBytes = 0;
parallelKernels.helperFirst = true;
const threaded = await setupBackend('wasm', { threads: 2 });
const on = run();
const split = [parallelKernels.splits, parallelKernels.helperChunks];
parallelKernels.enabled = false;
const off = run();
const unsplit = parallelKernels.splits;
await setupBackend('wasm', { threads: false });
parallelKernels.enabled = true;
const one = run();
const oneThreadSplits = parallelKernels.splits - unsplit;
await setupBackend('cpu');
const cpu = run();
process.stdout.write(JSON.stringify({ threadCount: threaded.threadCount, on, off, one, cpu, split, unsplit, oneThreadSplits, calls: winogradConvPath.calls }), () => process.exit(0));
`;
      const r = child.run(script);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const { threadCount, on, off, one, cpu, split, unsplit, oneThreadSplits, calls } = JSON.parse(
        r.stdout,
      );
      expect(threadCount).toBe(2);
      // Three Winograd convs per wasm run (the fused forward, the forward under tf.grad and dx's),
      // each an input and an output transform.
      expect(calls).toBe(9);
      expect(split[0]).toBe(6);
      expect(split[1]).toBeGreaterThan(0);
      expect(unsplit).toBe(6);
      expect(oneThreadSplits).toBe(0);
      expect(on.out).toEqual(off.out);
      expect(on.out).toEqual(one.out);
      expect([on.leaked, off.leaked, one.leaked, cpu.leaked]).toEqual([0, 0, 0, 0]);
      for (const k of [0, 1]) {
        const scale = Math.max(...cpu.out[k].map(Math.abs));
        const diff = Math.max(
          ...on.out[k].map((v: number, i: number) => Math.abs(v - cpu.out[k][i])),
        );
        expect(diff).toBeLessThanOrEqual(1e-4 * scale);
      }
    },
    120_000,
  );

  it.runIf(twoCores)(
    'never keeps the process alive',
    () => {
      // No tfjs backend (its pthreads would keep the process alive): a split on a shared memory,
      // then the script ends without process.exit.
      const script = `
import { parallelKernels, winogradInputKernel, F2 } from './parallel.js';
const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
const shape = { tile: F2, n: 2, tilesH: 16, tilesW: 16, channels: 16, height: 34, width: 34 };
const input = winogradInputKernel({ wasm: { wasmMemory: memory } }, shape);
new Int32Array(memory.buffer, 0, 16).set(Array.from({ length: 16 }, (_, a) => 2 ** 20 + a * 2 ** 16));
parallelKernels.enabled = true;
parallelKernels.minBytes = 0;
parallelKernels.helperFirst = true;
input(0, 1024);
console.log(JSON.stringify({ splits: parallelKernels.splits, helperChunks: parallelKernels.helperChunks }));
`;
      const r = child.run(script);
      // Killed by the timeout (signal set) would mean the helper kept the process alive.
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const { splits, helperChunks } = JSON.parse(r.stdout);
      expect(splits).toBe(1);
      expect(helperChunks).toBeGreaterThan(0);
    },
    120_000,
  );
});
