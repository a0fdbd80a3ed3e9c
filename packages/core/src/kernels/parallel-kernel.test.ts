import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { bindRangeKernel, parallelHelperHoldsMemory, parallelKernels } from './parallel-kernel.js';
import type { KernelSource } from './wasm-simd-module.js';
import {
  F2,
  F3,
  F4H,
  type WinogradTile,
  winogradInputKernel,
  winogradOutputKernel,
} from './winograd-simd.js';

/** The part of a tfjs wasm backend the kernels read: its module's memory. */
const backendWith = (memory: WebAssembly.Memory) => ({ wasm: { wasmMemory: memory } });
const twoCores = availableParallelism() >= 2;

const defaults = { ...parallelKernels };
afterEach(() => {
  parallelKernels.enabled = defaults.enabled;
  parallelKernels.minBytes = defaults.minBytes;
  parallelKernels.helperFirst = defaults.helperFirst;
});

/** A seeded value in [-1, 1). */
const rand = (n: number, seed: number) => {
  let s = seed;
  return Float32Array.from(
    { length: n },
    () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1,
  );
};

interface Layout {
  tile: WinogradTile;
  n: number;
  outH: number;
  outW: number;
  channels: number;
}

/**
 * Lays out, from byte 0 of `memory`: the plane table (t * t i32s), the padded input, the planes
 * and the output (with a bias); fills the input and the planes with seeded values and returns the
 * offsets and sizes (in floats).
 */
function layout(memory: WebAssembly.Memory, { tile, n, outH, outW, channels }: Layout) {
  const tilesH = Math.ceil(outH / tile.m);
  const tilesW = Math.ceil(outW / tile.m);
  const height = tilesH * tile.m + 2;
  const width = tilesW * tile.m + 2;
  const t2 = tile.t * tile.t;
  const planeFloats = n * tilesH * tilesW * channels;
  const table = 0;
  const src = 4 * t2;
  const srcFloats = n * height * width * channels;
  const planes = src + 4 * srcFloats;
  const bias = planes + 4 * t2 * planeFloats;
  const out = bias + 4 * channels;
  const outFloats = n * outH * outW * channels;
  const end = out + 4 * outFloats;
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  new Int32Array(memory.buffer, table, t2).set(
    Array.from({ length: t2 }, (_, a) => planes + 4 * a * planeFloats),
  );
  new Float32Array(memory.buffer, src, srcFloats).set(rand(srcFloats, 7));
  new Float32Array(memory.buffer, bias, channels).set(rand(channels, 11));
  const shape = { tile, n, tilesH, tilesW, channels };
  return { ...shape, height, width, table, src, planes, planeFloats, bias, out, outFloats };
}

/** Runs the input then the output transform (fresh seeded planes between) and returns the bytes. */
function transforms(
  memory: WebAssembly.Memory,
  l: ReturnType<typeof layout>,
  outH: number,
  outW: number,
) {
  const backend = backendWith(memory);
  const input = winogradInputKernel(backend, l)!;
  const output = winogradOutputKernel(backend, {
    ...l,
    height: outH,
    width: outW,
    bias: true,
    activation: 'relu6',
  })!;
  const t2 = l.tile.t * l.tile.t;
  input(l.table, l.src);
  const v = new Float32Array(memory.buffer, l.planes, t2 * l.planeFloats).slice();
  // Scaled so that relu6 clips some outputs and zeroes others.
  const m = rand(t2 * l.planeFloats, 13).map((x) => x * 8);
  new Float32Array(memory.buffer, l.planes, t2 * l.planeFloats).set(m);
  output(l.table, l.out, l.bias);
  const y = new Float32Array(memory.buffer, l.out, l.outFloats).slice();
  return { v, m, y };
}

/** V = B^T d B of each tile and Y = relu6(A^T M A + bias), in float64 (the kernels' oracle). */
function reference(
  memory: WebAssembly.Memory,
  l: ReturnType<typeof layout>,
  m: Float32Array,
  outH: number,
  outW: number,
) {
  const { tile, n, tilesH, tilesW, channels: c, height, width } = l;
  const { t, bt, at } = tile;
  const d = new Float32Array(memory.buffer, l.src, n * height * width * c);
  const bias = new Float32Array(memory.buffer, l.bias, c);
  const v = new Float64Array(t * t * l.planeFloats);
  const y = new Float64Array(l.outFloats);
  for (let b = 0; b < n; b++)
    for (let ty = 0; ty < tilesH; ty++)
      for (let tx = 0; tx < tilesW; tx++) {
        const tileIndex = (b * tilesH + ty) * tilesW + tx;
        for (let ch = 0; ch < c; ch++) {
          const px = (i: number, j: number) =>
            d[((b * height + ty * tile.m + i) * width + tx * tile.m + j) * c + ch]!;
          for (let r = 0; r < t; r++)
            for (let q = 0; q < t; q++) {
              let s = 0;
              for (let i = 0; i < t; i++)
                for (let j = 0; j < t; j++) s += bt[r]![i]! * px(i, j) * bt[q]![j]!;
              v[(r * t + q) * l.planeFloats + tileIndex * c + ch] = s;
            }
          for (let i = 0; i < tile.m; i++)
            for (let j = 0; j < tile.m; j++) {
              const oy = ty * tile.m + i;
              const ox = tx * tile.m + j;
              if (oy >= outH || ox >= outW) continue;
              let s = bias[ch]!;
              for (let xi = 0; xi < t; xi++)
                for (let nu = 0; nu < t; nu++)
                  s +=
                    at[i]![xi]! *
                    m[(xi * t + nu) * l.planeFloats + tileIndex * c + ch]! *
                    at[j]![nu]!;
              y[((b * outH + oy) * outW + ox) * c + ch] = Math.min(6, Math.max(0, s));
            }
        }
      }
  return { v, y };
}

const maxRelError = (got: Float32Array, want: Float64Array) => {
  let scale = 0;
  let err = 0;
  want.forEach((w, i) => {
    scale = Math.max(scale, Math.abs(w));
    err = Math.max(err, Math.abs(got[i]! - w));
  });
  return err / scale;
};

const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('bindRangeKernel(kernel, backend): the Winograd transforms on two threads', () => {
  // Odd tile-row counts, partial last tiles, one image and several, every tile size.
  const cases: [string, Layout][] = [
    [
      'F2, 3 images of 13x10 (7 tile rows each)',
      { tile: F2, n: 3, outH: 13, outW: 10, channels: 8 },
    ],
    ['F4H, 1 image of 9x7 (3 tile rows)', { tile: F4H, n: 1, outH: 9, outW: 7, channels: 12 }],
    ['F3, 5 images of 7x8 (3 tile rows each)', { tile: F3, n: 5, outH: 7, outW: 8, channels: 4 }],
    [
      'F2, 2 images of 30x30 (15 tile rows: 30 units, 16 chunks)',
      { tile: F2, n: 2, outH: 30, outW: 30, channels: 16 },
    ],
  ];
  it.runIf(twoCores).each(cases)(
    '%s: split results equal the one-thread call bit for bit (and B^T d B, A^T M A in float64)',
    (_, c) => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });
      const l = layout(memory, c);
      parallelKernels.enabled = false;
      const whole = transforms(memory, l, c.outH, c.outW);
      parallelKernels.enabled = true;
      parallelKernels.minBytes = 0;
      parallelKernels.helperFirst = true;
      const [splits, helperChunks] = [parallelKernels.splits, parallelKernels.helperChunks];
      const split = transforms(memory, l, c.outH, c.outW);
      expect(parallelKernels.splits - splits).toBe(2);
      // The helper computed some of the chunks (helperFirst waits for its first claim).
      expect(parallelKernels.helperChunks - helperChunks).toBeGreaterThan(0);
      expect(bytes(split.v)).toEqual(bytes(whole.v));
      expect(bytes(split.y)).toEqual(bytes(whole.y));
      const want = reference(memory, l, whole.m, c.outH, c.outW);
      // float32 rounding (F4H's coefficients reach 8 and 1/8).
      expect(maxRelError(whole.v, want.v)).toBeLessThan(1e-5);
      expect(maxRelError(whole.y, want.y)).toBeLessThan(1e-5);
    },
    30_000,
  );

  it.runIf(twoCores)(
    'computes in memory that grew after the helper bound its kernels, and rebinds after the helper dropped an idle memory',
    async () => {
      const c: Layout = { tile: F2, n: 2, outH: 12, outW: 12, channels: 8 };
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });
      const l = layout(memory, c);
      parallelKernels.enabled = true;
      parallelKernels.minBytes = 0;
      parallelKernels.helperFirst = true;
      transforms(memory, l, c.outH, c.outW);
      expect(parallelHelperHoldsMemory()).toBe(true);
      // Grow by 8 MB and run the same shapes from the grown region (all offsets past the old end).
      const shift = memory.buffer.byteLength + 8 * 65536;
      memory.grow(130);
      const moved = { ...l, table: l.table + shift, src: l.src + shift, planes: l.planes + shift };
      const grown = { ...moved, bias: l.bias + shift, out: l.out + shift };
      new Uint8Array(memory.buffer).copyWithin(shift, 0, l.out);
      new Int32Array(memory.buffer, grown.table, 16).set(
        Array.from({ length: 16 }, (_, a) => grown.planes + 4 * a * l.planeFloats),
      );
      const helperChunks = parallelKernels.helperChunks;
      const split = transforms(memory, grown, c.outH, c.outW);
      expect(parallelKernels.helperChunks).toBeGreaterThan(helperChunks);
      parallelKernels.enabled = false;
      const whole = transforms(memory, grown, c.outH, c.outW);
      expect(bytes(split.y)).toEqual(bytes(whole.y));
      expect(bytes(split.v)).toEqual(bytes(whole.v));
      // Idle for over a second: the helper lets go of the memory (the backend's heap), and takes
      // it again at the next split.
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(parallelHelperHoldsMemory()).toBe(false);
      parallelKernels.enabled = true;
      const again = parallelKernels.helperChunks;
      const after = transforms(memory, grown, c.outH, c.outW);
      expect(parallelKernels.helperChunks).toBeGreaterThan(again);
      expect(bytes(after.y)).toEqual(bytes(whole.y));
    },
    30_000,
  );

  it('is off unless asked for (INTERP_PARALLEL_KERNELS=1): no whole-process run showed a gain', () => {
    expect(defaults.enabled).toBe(process.env.INTERP_PARALLEL_KERNELS === '1');
  });

  it('never splits on non-shared memory, below minBytes or with the switch off', () => {
    const c: Layout = { tile: F2, n: 2, outH: 12, outW: 12, channels: 8 };
    const plain = new WebAssembly.Memory({ initial: 1, maximum: 4096 });
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });
    const lp = layout(plain, c);
    const ls = layout(shared, c);
    const splits = parallelKernels.splits;
    parallelKernels.minBytes = 0;
    const onPlain = transforms(plain, lp, c.outH, c.outW);
    parallelKernels.minBytes = 2 ** 30;
    const small = transforms(shared, ls, c.outH, c.outW);
    parallelKernels.minBytes = 0;
    parallelKernels.enabled = false;
    const off = transforms(shared, ls, c.outH, c.outW);
    expect(parallelKernels.splits).toBe(splits);
    expect(bytes(small.y)).toEqual(bytes(onPlain.y));
    expect(bytes(off.y)).toEqual(bytes(onPlain.y));
  });

  it.runIf(twoCores)(
    'a kernel that traps throws on the calling thread, after the helper stopped; later splits still compute',
    () => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });
      // (start, end) => (): traps (unreachable) on whichever thread runs a chunk.
      const trap: KernelSource = {
        name: 'trap',
        params: 2,
        i32Locals: 0,
        v128Locals: 0,
        body: [0x00],
      };
      const run = bindRangeKernel(trap, backendWith(memory))!;
      parallelKernels.enabled = true;
      parallelKernels.minBytes = 0;
      parallelKernels.helperFirst = true;
      for (let k = 0; k < 3; k++) expect(() => run([], 5, 1)).toThrow(WebAssembly.RuntimeError);
      const c: Layout = { tile: F2, n: 2, outH: 12, outW: 12, channels: 8 };
      const l = layout(memory, c);
      const helperChunks = parallelKernels.helperChunks;
      const split = transforms(memory, l, c.outH, c.outW);
      expect(parallelKernels.helperChunks).toBeGreaterThan(helperChunks);
      parallelKernels.enabled = false;
      const whole = transforms(memory, l, c.outH, c.outW);
      expect(bytes(split.y)).toEqual(bytes(whole.y));
    },
    30_000,
  );

  it('rejects a unit count that is not a whole number >= 0, saying what it got', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    // (dst, start, end) => (): does nothing; only the argument checks are under test.
    const fill: KernelSource = {
      name: 'fill',
      params: 3,
      i32Locals: 0,
      v128Locals: 0,
      body: [],
    };
    const run = bindRangeKernel(fill, backendWith(memory))!;
    expect(run).toBeTypeOf('function');
    expect(() => run([0], -1, 0)).toThrow(InterpError);
    expect(() => run([0], 2.5, 0)).toThrow(/units must be a whole number >= 0.*got 2.5 units/);
    expect(() => run([0, 1, 2, 3, 4, 5, 6, 7, 8], 4, 0)).toThrow(/args at most 8/);
    expect(bindRangeKernel(fill, {})).toBeUndefined();
  });
});
