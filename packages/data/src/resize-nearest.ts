import { InterpError } from '@interp/core/base';

/**
 * Nearest-neighbour resize of a one-channel `[height, width]` array (a mask of class ids) to
 * `size`: output pixel `(y, x)` takes input `(floor(y * h / oh), floor(x * w / ow))`, as
 * torchvision's `InterpolationMode.NEAREST` and `F.interpolate(mode='nearest')`.
 *
 * @example
 * ```ts
 * resizeNearest(Int32Array.of(1, 2), [1, 2], [1, 4]); // Int32Array [1, 1, 2, 2]
 * ```
 */
export function resizeNearest(
  values: Int32Array,
  shape: readonly [number, number],
  size: readonly [number, number],
): Int32Array {
  const [h, w] = shape;
  const [oh, ow] = size;
  if (values.length !== h * w || [h, w, oh, ow].some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `resizeNearest: ${values.length} values for shape [${shape.join(', ')}] -> [${size.join(', ')}]; sizes must be positive integers matching the values`,
    );
  }
  const out = new Int32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const sy = Math.min(h - 1, Math.floor((y * h) / oh));
    for (let x = 0; x < ow; x++)
      out[y * ow + x] = values[sy * w + Math.min(w - 1, Math.floor((x * w) / ow))]!;
  }
  return out;
}
