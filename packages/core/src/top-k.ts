import { assertInteger } from './validate.js';

/** The k largest (or smallest) values and their indices. */
export interface TopK {
  values: Float64Array;
  indices: Int32Array;
}

/**
 * The `k` largest (`largest = true`) or smallest values of `values`, sorted, with their indices.
 * Ties go to the lower index first; NaN sorts last either way. `k` undefined means all values.
 * Runs in O(n log k) with a bounded heap, so top-10 of 10 million values stays fast.
 *
 * @example
 * ```ts
 * topK([0.1, 0.9, 0.9, 0.3], 2); // { values: [0.9, 0.9], indices: [1, 2] }
 * ```
 */
export function topK(values: ArrayLike<number>, k?: number, { largest = true } = {}): TopK {
  const n = values.length;
  const kk = k === undefined ? n : assertInteger(k, 'k', 0, n);
  // before(i, j): i ranks ahead of j.
  const key = (i: number): number => {
    const v = values[i]!;
    if (Number.isNaN(v)) return Number.NaN;
    return largest ? v : -v;
  };
  const before = (i: number, j: number): boolean => {
    const a = key(i);
    const b = key(j);
    if (Number.isNaN(a)) return Number.isNaN(b) ? i < j : false;
    if (Number.isNaN(b)) return true;
    return a > b || (a === b && i < j);
  };
  let order: Int32Array;
  if (kk * 4 >= n) {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((i, j) => (before(i, j) ? -1 : before(j, i) ? 1 : 0));
    order = order.slice(0, kk);
  } else {
    // Min-heap (by rank) of the best kk seen so far: the root is the worst kept element.
    const heap = new Int32Array(kk);
    let size = 0;
    const worse = (i: number, j: number) => before(j, i);
    const siftUp = (p: number) => {
      while (p > 0) {
        const parent = (p - 1) >> 1;
        if (!worse(heap[p]!, heap[parent]!)) break;
        const t = heap[p]!;
        heap[p] = heap[parent]!;
        heap[parent] = t;
        p = parent;
      }
    };
    const siftDown = (p: number) => {
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < size && worse(heap[l]!, heap[m]!)) m = l;
        if (r < size && worse(heap[r]!, heap[m]!)) m = r;
        if (m === p) break;
        const t = heap[p]!;
        heap[p] = heap[m]!;
        heap[m] = t;
        p = m;
      }
    };
    for (let i = 0; i < n; i++) {
      if (size < kk) {
        heap[size++] = i;
        siftUp(size - 1);
      } else if (kk > 0 && before(i, heap[0]!)) {
        heap[0] = i;
        siftDown(0);
      }
    }
    order = heap.slice(0, size).sort((i, j) => (before(i, j) ? -1 : 1));
  }
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return { values: out, indices: order };
}
