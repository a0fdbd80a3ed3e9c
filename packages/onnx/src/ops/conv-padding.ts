import type { Attributes } from '../attributes.js';

/** Begin and end padding of each spatial axis. */
export interface SpatialPads {
  begin: number[];
  end: number[];
}

/**
 * Explicit pads of a conv or pool node from its `pads` / `auto_pad` attributes for the given
 * spatial input sizes. SAME_UPPER puts the odd pixel at the end (as TF's "same"), SAME_LOWER at the
 * beginning.
 */
export function spatialPads(
  attrs: Attributes,
  inSizes: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): SpatialPads {
  const n = inSizes.length;
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const begin: number[] = [];
    const end: number[] = [];
    for (let i = 0; i < n; i++) {
      const out = Math.ceil(inSizes[i]! / strides[i]!);
      const span = (kernel[i]! - 1) * dilations[i]! + 1;
      const total = Math.max(0, (out - 1) * strides[i]! + span - inSizes[i]!);
      const small = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      end.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
    return { begin, end };
  }
  if (autoPad === 'VALID') return { begin: new Array(n).fill(0), end: new Array(n).fill(0) };
  if (autoPad !== 'NOTSET') attrs.unsupported('auto_pad', autoPad);
  const pads = attrs.ints('pads', new Array(2 * n).fill(0));
  return { begin: pads.slice(0, n), end: pads.slice(n, 2 * n) };
}

/** tfjs padding argument for NHWC 2-D ops: 'valid' when there is none, else explicit. */
export function tfPadding(
  pads: SpatialPads,
): 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  const [t, l] = pads.begin as [number, number];
  const [b, r] = pads.end as [number, number];
  if (t === 0 && l === 0 && b === 0 && r === 0) return 'valid';
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}
