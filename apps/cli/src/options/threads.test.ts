import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { MAX_THREADS } from '../limits.js';
import { UsageError } from '../usage-error.js';
import {
  AUTO_THREADS_MIN_WORK,
  defaultThreads,
  THREADS_DEFAULT,
  threadsHelp,
  threadsOption,
} from './threads.js';

describe('threadsOption(value)', () => {
  it('maps auto to every core and numbers to themselves, undefined when not given', () => {
    expect([threadsOption('auto'), threadsOption('3'), threadsOption(undefined)]).toEqual([
      true,
      3,
      undefined,
    ]);
    expect(threadsOption(String(MAX_THREADS))).toBe(MAX_THREADS);
    expect(THREADS_DEFAULT).toBe(1);
  });

  it('refuses anything else with a one-line UsageError naming the accepted values', () => {
    for (const bad of ['0', String(MAX_THREADS + 1), 'two', '1.5', '-1', '02', '', ' 2']) {
      expect(() => threadsOption(bad)).toThrow(UsageError);
      expect(() => threadsOption(bad)).toThrow(
        /^invalid --threads: .*; expected auto or a whole number from 1 to 8$/,
      );
    }
  });
});

describe('defaultThreads(work, current)', () => {
  const none = { backend: 'none', threadCount: 1 };
  const resnet18 = 46_733_654;
  const mnistCnn = 81_960;

  it('is every core from the measured crossover on, 1 below it', () => {
    const work = (weightBytes: number, inputValues: number, passes: number) =>
      defaultThreads({ weightBytes, inputValues, passes }, none);
    // ResNet-18 on 2 images: saliency (1.4e13, where 2 threads tied 1) and IG's 50 steps.
    expect(work(resnet18, 2 * 3 * 224 * 224, 1)).toBe(true);
    expect(work(resnet18, 2 * 3 * 224 * 224, 50)).toBe(true);
    // The demo's MNIST CNN on 2 images (saliency, IG) and saliency on 256: 2 threads lost.
    expect(work(mnistCnn, 2 * 28 * 28, 1)).toBe(1);
    expect(work(mnistCnn, 2 * 28 * 28, 50)).toBe(1);
    expect(work(mnistCnn, 256 * 28 * 28, 1)).toBe(1);
    // Either side of the line itself.
    expect(work(AUTO_THREADS_MIN_WORK, 1, 1)).toBe(true);
    expect(work(AUTO_THREADS_MIN_WORK - 1, 1, 1)).toBe(1);
    expect(work(0, 0, 0)).toBe(1);
  });

  it('keeps the thread count of a WASM backend the program set up, whatever the work', () => {
    expect(
      defaultThreads(
        { weightBytes: resnet18, inputValues: 1e6, passes: 50 },
        { backend: 'wasm', threadCount: 1 },
      ),
    ).toBe(1);
    expect(
      defaultThreads(
        { weightBytes: 1, inputValues: 1, passes: 1 },
        { backend: 'wasm', threadCount: 2 },
      ),
    ).toBe(2);
    // Another backend (cpu) is replaced by setupBackend anyway: the work decides.
    expect(
      defaultThreads(
        { weightBytes: resnet18, inputValues: 1e6, passes: 1 },
        { backend: 'cpu', threadCount: 1 },
      ),
    ).toBe(true);
  });

  it('refuses a negative or non-finite estimate with an InterpError saying what to pass', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        defaultThreads({ weightBytes: 1, inputValues: bad, passes: 1 }, none);
      } catch (e) {
        caught = e;
      }
      expect(isInterpError(caught)).toBe(true);
      expect((caught as Error).message).toMatch(
        /^defaultThreads: inputValues must be a finite number >= 0, got .*; pass 0 when it is not known$/,
      );
    }
  });
});

describe('threadsHelp(column, sized)', () => {
  it('starts the description at the column on every line', () => {
    const lines = threadsHelp(19).split('\n');
    expect(lines[0]).toMatch(/^ {2}--threads N\|auto +WASM threads, 1 to 8 or auto/);
    expect(lines[0]).toMatch(/default 1\.$/);
    expect([lines[0]!.indexOf('WASM'), lines[1]!.indexOf('The numbers')]).toEqual([19, 19]);
    expect(lines[2]).toBe('');
    const sized = threadsHelp(19, true).split('\n');
    expect(sized[0]).toMatch(/default auto for large work$/);
    expect(sized.slice(1, -1).every((l) => /^ {19}\S/.test(l))).toBe(true);
    expect(sized.every((l) => l.length <= 100)).toBe(true);
  });
});
