/** What the classifier state reads from an interpretation: one label per item, maybe losses. */
export interface ClassifiedItems {
  /** Number of items. */
  readonly length: number;
  readonly targs: { readonly data: ArrayLike<number> };
  readonly decoded: { readonly data: ArrayLike<number> };
  readonly losses?: ArrayLike<number> | undefined;
}

/** Which items are listed: `null` means any class. */
export interface ClassFilter {
  actual: number | null;
  predicted: number | null;
}

/**
 * Items matching the filter, largest loss first (ties to the lower index, NaN losses last); in
 * index order when there are no losses. What the classifier widget lists.
 *
 * @example
 * ```ts
 * itemsByLoss(interp, { actual: 4, predicted: 9 }); // Int32Array of the 4s taken for 9s, worst first
 * ```
 */
export function itemsByLoss(items: ClassifiedItems, filter: ClassFilter): Int32Array {
  const { actual, predicted } = filter;
  const t = items.targs.data;
  const d = items.decoded.data;
  const picked: number[] = [];
  for (let i = 0; i < items.length; i++) {
    if ((actual === null || t[i] === actual) && (predicted === null || d[i] === predicted)) {
      picked.push(i);
    }
  }
  const losses = items.losses;
  if (losses) {
    picked.sort((a, b) => {
      const la = losses[a]!;
      const lb = losses[b]!;
      // NaN losses go last; equal losses keep index order.
      if (Number.isNaN(la) || Number.isNaN(lb)) {
        return Number.isNaN(la) === Number.isNaN(lb) ? a - b : Number.isNaN(la) ? 1 : -1;
      }
      return lb - la || a - b;
    });
  }
  return Int32Array.from(picked);
}
