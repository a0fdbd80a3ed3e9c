import { describe, expect, it } from 'vitest';
import { MAX_THREADS } from '../limits.js';
import { UsageError } from '../usage-error.js';
import { THREADS_DEFAULT, threadsHelp, threadsOption } from './threads.js';

describe('threadsOption(value)', () => {
  it('maps auto to every core and numbers to themselves, 1 when not given', () => {
    expect([threadsOption('auto'), threadsOption('3'), threadsOption(undefined)]).toEqual([
      true,
      3,
      THREADS_DEFAULT,
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

describe('threadsHelp(column)', () => {
  it('starts the description at the column on both lines', () => {
    const lines = threadsHelp(19).split('\n');
    expect(lines[0]).toMatch(/^ {2}--threads N\|auto +WASM threads, 1 to 8 or auto/);
    expect([lines[0]!.indexOf('WASM'), lines[1]!.indexOf('The numbers')]).toEqual([19, 19]);
    expect(lines[2]).toBe('');
  });
});
