import { describe, expect, it } from 'vitest';
import { InterpError } from './errors.js';
import { topK } from './top-k.js';

describe('topK(values, k, { largest })', () => {
  it('returns the k largest, ties to the lower index first', () => {
    const r = topK([0.1, 0.9, 0.9, 0.3, 0.9], 2);
    expect(Array.from(r.indices)).toEqual([1, 2]);
    expect(Array.from(r.values)).toEqual([0.9, 0.9]);
  });

  it('returns all values sorted when k is undefined', () => {
    const r = topK([3, 1, 2, 3]);
    expect(Array.from(r.indices)).toEqual([0, 3, 2, 1]);
  });

  it('largest = false returns the smallest, ties lower index first', () => {
    const r = topK([3, 1, 2, 1], 3, { largest: false });
    expect(Array.from(r.indices)).toEqual([1, 3, 2]);
  });

  it('puts NaN last and agrees between the heap and the full-sort paths', () => {
    const vals = Float32Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 101) / 7);
    vals[5] = Number.NaN;
    const full = topK(vals, 900);
    const heap = topK(vals, 10);
    expect(Array.from(heap.indices)).toEqual(Array.from(full.indices.slice(0, 10)));
    expect(Array.from(topK(vals).indices).at(-1)).toBe(5);
    // Independent check: a stable sort by (value desc, index asc).
    const ref = Array.from(vals.keys())
      .filter((i) => !Number.isNaN(vals[i]!))
      .sort((a, b) => vals[b]! - vals[a]! || a - b)
      .slice(0, 10);
    expect(Array.from(heap.indices)).toEqual(ref);
  });

  it('rejects k outside 0..n', () => {
    expect(() => topK([1, 2], 3)).toThrow(InterpError);
    expect(() => topK([1, 2], 3)).toThrow(/k must be in \[0, 2\]/);
    expect(() => topK([1, 2], -1)).toThrow(InterpError);
  });
});
