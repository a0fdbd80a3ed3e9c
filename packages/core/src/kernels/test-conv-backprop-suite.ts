// Test-only: the checks every conv backprop kernel gets (excluded from the build by test-*).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import {
  type ConvBackpropKernel,
  type ConvCase,
  expectBackpropFreesEverything,
  expectBackpropMatchesCpu,
} from './test-kernel-cases.js';

/** What one kernel's suite runs on. */
export interface ConvBackpropSuite {
  kernel: ConvBackpropKernel;
  config: tf.KernelConfig;
  /** Each compared with the cpu backend on inputs from `seeds`. */
  cases: ConvCase[];
  seeds: [number, number];
  /** Each checked for leaked tensors and wasm buffers on inputs from `leakSeeds`. */
  leakCases: ConvCase[];
  leakSeeds: [number, number];
}

/**
 * Inside a `describe`: sets up the wasm backend, then checks the kernel is registered, equals
 * the cpu backend on every case and leaks nothing.
 */
export function convBackpropSuite(s: ConvBackpropSuite): void {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it(`is the registered wasm ${s.kernel} after setupBackend`, () => {
    expect(tf.getKernel(s.kernel, 'wasm')).toBe(s.config);
  });

  it.each(s.cases)('$name: matches the cpu backend', async (c) => {
    await expectBackpropMatchesCpu(s.kernel, c, s.seeds);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    for (const c of s.leakCases) await expectBackpropFreesEverything(s.kernel, c, s.leakSeeds);
  });
}
