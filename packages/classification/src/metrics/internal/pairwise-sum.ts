/**
 * Sum of `values[start .. start + n)` in NumPy's pairwise order (`np.sum` / `np.mean` on float64):
 * fewer than 8 values are added in sequence, blocks of up to 128 use 8 interleaved partial sums,
 * longer runs split in halves (multiples of 8). Summing in the same order as NumPy makes our
 * averages bit-identical to scikit-learn's, not just close.
 */
export function pairwiseSum(
  values: ArrayLike<number>,
  start = 0,
  n = values.length - start,
): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += values[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(values, start, n2) + pairwiseSum(values, start + n2, n - n2);
}

/** `np.sum(values)` of a whole array: NumPy starts from the identity 0 and adds the pairwise sum. */
export function npSum(values: ArrayLike<number>): number {
  return 0 + pairwiseSum(values);
}
