import { freemem } from 'node:os';
import type { BackendInfo, PrefaultHandle } from '@interp/core';
import { describe, expect, it } from 'vitest';
import { estimatePeakHeap, FREEMEM_SHARE, startPrefault } from './attribute-prefault.js';

const MB = 2 ** 20;
const IMAGE = 3 * 224 * 224;

// Peak WASM heaps measured with `interp attribute --threads 2 --json` (INTERP_PREFAULT=0, the
// heap's byteLength at exit; memory never shrinks): the estimate stays below each.
const MEASURED: [string, number, number, number, number][] = [
  // model, weight bytes (modelWeightBytes), images, passes, peak MB
  ['resnet18 saliency x1', 46733654, 1, 1, 405.9],
  ['resnet18 saliency x8', 46733654, 8, 1, 699.5],
  ['resnet18 ig x1 50 steps', 46733654, 1, 50, 584.6],
  ['resnet18 ig x8 4 steps', 46733654, 8, 4, 544.3],
  ['mobilenet_v2.onnx saliency x1', 49152, 1, 1, 122.8],
  ['mobilenet_v2.onnx saliency x8', 49152, 8, 1, 468.6],
  ['mobilenet_v2.onnx ig x1 50 steps', 49152, 1, 50, 264.9],
  ['mobilenet_v2.onnx ig x8 4 steps', 49152, 8, 4, 542.4],
  ['nsfwjs saliency x1', 10477844, 1, 1, 119.6],
  ['nsfwjs saliency x8', 10477844, 8, 1, 381.8],
  ['nsfwjs ig x1 50 steps', 10477844, 1, 50, 297.9],
  ['nsfwjs ig x8 4 steps', 10477844, 8, 4, 439.6],
];

describe('estimatePeakHeap', () => {
  it.each(MEASURED)('%s: below the measured peak, above a third of it', (_, w, n, passes, peak) => {
    const est = estimatePeakHeap({ weightBytes: w, inputValues: n * IMAGE, passes }) / MB;
    expect(est).toBeLessThanOrEqual(peak);
    expect(est).toBeGreaterThan(peak / 3);
  });

  it('grows with the weights and the chunk, which many passes cap at 2^20 input values', () => {
    const e = (weightBytes: number, inputValues: number, passes: number) =>
      estimatePeakHeap({ weightBytes, inputValues, passes });
    expect(e(2e7, IMAGE, 1)).toBeGreaterThan(e(1e7, IMAGE, 1));
    expect(e(1e7, 2 * IMAGE, 1)).toBeGreaterThan(e(1e7, IMAGE, 1));
    expect(e(1e7, 2 * IMAGE, 50)).toBe(e(1e7, 8 * IMAGE, 50));
    expect(e(0, 0, 1)).toBeGreaterThan(0);
  });
});

function fakeCore() {
  const calls: number[] = [];
  let stops = 0;
  const core = {
    prefaultWasmMemory(bytes: number): PrefaultHandle {
      calls.push(bytes);
      const done = Promise.resolve(7);
      return {
        start: 0,
        end: 7 * 4096,
        done,
        stop: () => {
          stops++;
          return done;
        },
      };
    },
  };
  return { core, calls, stops: () => stops };
}

const info = (threads: boolean): BackendInfo => ({
  backend: 'wasm',
  simd: true,
  threads,
  threadCount: threads ? 2 : 1,
  fellBack: false,
});
const WORK = { weightBytes: 46733654, inputValues: 2 * IMAGE, passes: 50 };

describe('startPrefault', () => {
  it('starts the touch once a threaded backend is up, sized by the estimate within the free memory', async () => {
    const { core, calls, stops } = fakeCore();
    let up: (i: BackendInfo) => void = () => {};
    const backend = new Promise<BackendInfo>((r) => {
      up = r;
    });
    const p = startPrefault(core, backend, WORK, { INTERP_PREFAULT: 'on' });
    await Promise.resolve();
    expect(calls).toEqual([]);
    up(info(true));
    expect(await p.stop()).toBe(7);
    expect(calls).toEqual([
      Math.min(estimatePeakHeap(WORK), Math.floor(FREEMEM_SHARE * freemem())),
    ]);
    expect(stops()).toBe(1);
  });

  it('does nothing by default, with INTERP_PREFAULT=0, on one thread, or after a failed backend', async () => {
    const { core, calls } = fakeCore();
    const ON = { INTERP_PREFAULT: 'on' };
    expect(await startPrefault(core, Promise.resolve(info(true)), WORK, {}).stop()).toBe(0);
    expect(await startPrefault(core, Promise.resolve(info(false)), WORK, ON).stop()).toBe(0);
    const failed = Promise.reject(new Error('no wasm'));
    expect(await startPrefault(core, failed, WORK, ON).stop()).toBe(0);
    const off = startPrefault(core, Promise.resolve(info(true)), WORK, { INTERP_PREFAULT: '0' });
    off.workStarts();
    expect(await off.stop()).toBe(0);
    expect(calls).toEqual([]);
  });

  it('stops when the work starts only with INTERP_PREFAULT=until-work; a touch that throws is none', async () => {
    const a = fakeCore();
    const on = startPrefault(a.core, Promise.resolve(info(true)), WORK, { INTERP_PREFAULT: 'on' });
    await new Promise((r) => setTimeout(r, 0));
    on.workStarts();
    await new Promise((r) => setTimeout(r, 0));
    expect(a.stops()).toBe(0);
    const b = fakeCore();
    const until = startPrefault(b.core, Promise.resolve(info(true)), WORK, {
      INTERP_PREFAULT: 'until-work',
    });
    until.workStarts();
    await new Promise((r) => setTimeout(r, 0));
    expect(b.stops()).toBe(1);
    const throwing = {
      prefaultWasmMemory(): PrefaultHandle {
        throw new Error('no worker');
      },
    };
    const ON = { INTERP_PREFAULT: 'on' };
    expect(await startPrefault(throwing, Promise.resolve(info(true)), WORK, ON).stop()).toBe(0);
  });
});
