/** `np.linspace(0, 1, nBins + 1)`: i * (1 / nBins), the last edge exactly 1. */
export function uniformEdges(nBins: number): Float64Array {
  const step = 1 / nBins;
  const edges = new Float64Array(nBins + 1);
  for (let i = 0; i < nBins; i++) edges[i] = i * step;
  edges[nBins] = 1;
  return edges;
}

/**
 * `np.searchsorted(edges[1:-1], v)` (side left): the number of inner edges strictly below v, so a
 * value on an edge falls in the lower bin.
 */
export function binOf(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length - 2; // inner edges are edges[1 .. length-2]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid + 1]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
