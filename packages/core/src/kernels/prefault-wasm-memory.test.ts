// prefaultWasmMemory on the threaded WASM build runs in a child process (the pthread workers would
// keep vitest's worker alive); its argument checks run here.
import { describe, expect, it } from 'vitest';
import { isInterpError } from '../errors.js';
import { childBundle } from '../test-child-bundle.js';
import { prefaultWasmMemory } from './prefault-wasm-memory.js';

const child = childBundle('index.ts', 'core');

// The touch covers 192 MB; while it runs the main thread writes a 48 MB tensor of a pattern and
// computes a conv (its input, filter, output and scratch land in the fresh region, at its bottom,
// where the worker starts). Afterwards the pattern and the conv are compared with the cpu backend's.
const script = `
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, prefaultWasmMemory } from './core.js';
tf.env().set('IS_TEST', true);
const out = {};
const rand = (n, s) => Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
const xv = rand(4 * 64 * 64 * 16, 3);
const wv = rand(3 * 3 * 16 * 32, 5);
const pattern = Float32Array.from({ length: 12 * 2 ** 20 }, (_, i) => (i % 977) - 488.25);
const conv = () => {
  const x = tf.tensor4d(xv, [4, 64, 64, 16]);
  const w = tf.tensor4d(wv, [3, 3, 16, 32]);
  const y = tf.conv2d(x, w, 1, 'same');
  const v = y.dataSync();
  tf.dispose([x, w, y]);
  return v;
};
await setupBackend('wasm', { threads: 2 });
const buffer = () => tf.backend().wasm.HEAPU8.buffer;
out.shared = buffer() instanceof SharedArrayBuffer;
const size = buffer().byteLength;
const tensorsBefore = tf.memory().numTensors;
const h = prefaultWasmMemory(size + 192 * 2 ** 20);
out.region = [h.start, h.end, size, buffer().byteLength];
out.skipped = h.skipped ?? null;
const big = tf.tensor1d(pattern);
const y2 = conv();
const bigBack = big.dataSync();
let same = bigBack.length === pattern.length;
for (let i = 0; same && i < pattern.length; i++) same = bigBack[i] === pattern[i];
out.patternIntact = same;
big.dispose();
out.pages = await h.done;
out.stopAfterDone = await h.stop();
out.pageBytes = 4096;
// The first region is free again (a block at the heap's top): asking for 64 MB more grows nothing;
// 256 MB more grows the memory to about that total. That second touch, stopped at once, ends
// touching no more than its region.
out.noGrowth = prefaultWasmMemory(buffer().byteLength + 64 * 2 ** 20).skipped;
const h2 = prefaultWasmMemory(buffer().byteLength + 256 * 2 ** 20);
out.stopped = await h2.stop();
out.region2 = [h2.start, h2.end];
out.leaked = tf.memory().numTensors - tensorsBefore;
await setupBackend('wasm', { threads: false });
const one = prefaultWasmMemory(2 ** 30);
out.oneThread = { skipped: one.skipped, pages: await one.done, grew: one.end - one.start };
await setupBackend('cpu');
const cpu = prefaultWasmMemory(2 ** 30);
out.cpu = { skipped: cpu.skipped, pages: await cpu.done };
const yc = conv();
let big2 = 0;
let diff = 0;
for (let i = 0; i < yc.length; i++) {
  big2 = Math.max(big2, Math.abs(yc[i]));
  diff = Math.max(diff, Math.abs(yc[i] - y2[i]));
}
out.convScale = big2;
out.convDiff = diff;
process.stdout.write(JSON.stringify(out), () => process.exit(0));
`;

describe('prefaultWasmMemory', () => {
  it('touches exactly the pages the memory grew by from a worker, leaving data written meanwhile intact, without leaks', () => {
    const r = child.run(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.shared).toBe(true);
    const [start, end, sizeBefore, sizeAfter] = out.region;
    expect(out.skipped).toBeNull();
    expect(start).toBe(sizeBefore);
    expect(end).toBe(sizeAfter);
    // Grown towards the requested total: at least most of it, never far beyond (growth rounding).
    expect(end).toBeGreaterThanOrEqual(sizeBefore + 160 * 2 ** 20);
    expect(end).toBeLessThanOrEqual(sizeBefore + 200 * 2 ** 20);
    expect(out.pages).toBe((end - start) / out.pageBytes);
    expect(out.stopAfterDone).toBe(out.pages);
    expect(out.patternIntact).toBe(true);
    expect(out.convScale).toBeGreaterThan(0);
    expect(out.convDiff).toBeLessThanOrEqual(1e-5 * out.convScale);
    expect(out.noGrowth).toBe('no-growth');
    const [start2, end2] = out.region2;
    // Towards the requested total (start2 + 256 MB), never beyond it by more than rounding.
    expect(end2).toBeGreaterThan(start2 + 32 * 2 ** 20);
    expect(end2).toBeLessThanOrEqual(start2 + 257 * 2 ** 20);
    expect(out.stopped).toBeGreaterThanOrEqual(0);
    expect(out.stopped).toBeLessThanOrEqual((end2 - start2) / out.pageBytes);
    expect(out.leaked).toBe(0);
    expect(out.oneThread).toEqual({ skipped: 'not-shared', pages: 0, grew: 0 });
    expect(out.cpu).toEqual({ skipped: 'not-wasm', pages: 0 });
  }, 120_000);

  it('touches the whole region from a worker at niceness 19 (it then runs only on an idle core)', () => {
    const r = child.run(`
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, prefaultWasmMemory } from './core.js';
await setupBackend('wasm', { threads: 2 });
const size = tf.backend().wasm.HEAPU8.buffer.byteLength;
const h = prefaultWasmMemory(size + 32 * 2 ** 20, { nice: 19 });
const pages = await h.done;
process.stdout.write(JSON.stringify({ pages, region: (h.end - h.start) / 4096 }), () => process.exit(0));
`);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.region).toBeGreaterThanOrEqual(1024);
    expect(out.pages).toBe(out.region);
  }, 120_000);

  it.each([20, -21, 1.5])('refuses niceness %s with an InterpError', (nice) => {
    expect(() => prefaultWasmMemory(2 ** 20, { nice })).toThrow(
      /nice must be a whole number from -20 to 19/,
    );
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses %s bytes with an InterpError saying what it needs',
    (bytes) => {
      let error: unknown;
      try {
        prefaultWasmMemory(bytes);
      } catch (e) {
        error = e;
      }
      expect(isInterpError(error)).toBe(true);
      expect((error as Error).message).toMatch(/bytes must be a whole number >= 0, got .*e\.g\./);
    },
  );
});
