import { classCount, InterpError, type TypedArray } from '@interp/core/base';

/** What the segmentation widget reads from an interpretation: label masks, maybe scores. */
export interface MaskedItems {
  readonly targs: { readonly data: TypedArray; readonly shape: readonly number[] };
  readonly decoded: { readonly data: TypedArray; readonly shape: readonly number[] };
  readonly preds?: { readonly shape: readonly number[] } | undefined;
  readonly vocab?: readonly string[] | undefined;
  readonly losses?: ArrayLike<number> | undefined;
  /** A SegmentationInterpretation's class count and ignored label, when known. */
  readonly numClasses?: number;
  readonly ignoreIndex?: number | undefined;
}

/** Image count, size and classes of some masks. */
export interface MaskGeometry {
  n: number;
  height: number;
  width: number;
  pixels: number;
  numClasses: number;
  /** Target label counted nowhere (a SegmentationInterpretation's ignoreIndex). */
  ignoreIndex: number | undefined;
}

/**
 * Checks that targets and decoded predictions are `[N, H, W]` (or `[N, H, W, 1]`) masks of the
 * same shape and says how many classes they have: the interpretation's own count, else the
 * vocab's length, else the score channels, else the largest label + 1.
 *
 * @example
 * ```ts
 * maskGeometry(interp); // { n: 8, height: 64, width: 64, pixels: 4096, numClasses: 3, ignoreIndex: undefined }
 * ```
 */
export function maskGeometry(items: MaskedItems): MaskGeometry {
  const ts = items.targs.shape;
  const ds = items.decoded.shape;
  const squeeze = (s: readonly number[]) => (s.length === 4 && s[3] === 1 ? s.slice(0, 3) : s);
  const t = squeeze(ts);
  const d = squeeze(ds);
  if (t.length !== 3 || d.length !== 3 || t.some((v, i) => v !== d[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `segmentation masks must be [N, H, W]: targs is [${ts.join(', ')}] and decoded is [${ds.join(', ')}]; use a classification widget for one label per item`,
    );
  }
  const [n, height, width] = t as [number, number, number];
  const ignoreIndex = items.ignoreIndex;
  const channels = items.preds?.shape.length === 4 ? items.preds.shape[3] : undefined;
  const numClasses =
    items.numClasses ??
    items.vocab?.length ??
    channels ??
    classCount([items.targs.data, items.decoded.data], { ignoreIndex });
  return { n, height, width, pixels: height * width, numClasses, ignoreIndex };
}
