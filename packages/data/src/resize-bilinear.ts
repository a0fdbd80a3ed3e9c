import { InterpError } from '@interp/core/base';

/**
 * Bilinear resize of interleaved pixels (`[height, width, channels]`, row-major) to
 * `[outHeight, outWidth]`, returning float32 values in the input's scale (no rounding).
 *
 * Convention: half-pixel centers, `src = (dst + 0.5) * in / out - 0.5` clamped to the image, the
 * same as `torch.nn.functional.interpolate(mode='bilinear', align_corners=False, antialias=False)`
 * and TF2's `tf.image.resize(method='bilinear', antialias=False)` (tfjs: `resizeBilinear` with
 * `halfPixelCenters: true`). There is no antialiasing, so downscaling by more than 2x keeps
 * aliasing that PIL's (antialiased) resize would smooth.
 *
 * @example
 * ```ts
 * resizeBilinear(Uint8Array.of(0, 100), [1, 2, 1], [1, 4]); // Float32Array [0, 25, 75, 100]
 * ```
 */
export function resizeBilinear(
  pixels: ArrayLike<number>,
  shape: readonly [number, number, number],
  size: readonly [number, number],
): Float32Array {
  const [h, w, c] = shape;
  const [oh, ow] = size;
  for (const d of [h, w, c, oh, ow]) {
    if (!Number.isInteger(d) || d < 1) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `resizeBilinear: sizes must be positive integers, got shape [${shape.join(', ')}] -> [${size.join(', ')}]`,
      );
    }
  }
  if (pixels.length !== h * w * c) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `resizeBilinear: shape [${shape.join(', ')}] needs ${h * w * c} values, got ${pixels.length}`,
    );
  }
  const out = new Float32Array(oh * ow * c);
  if (oh === h && ow === w) {
    for (let i = 0; i < out.length; i++) out[i] = pixels[i]!;
    return out;
  }
  const xs = axisWeights(w, ow);
  const ys = axisWeights(h, oh);
  for (let oy = 0; oy < oh; oy++) {
    const y0 = ys.lo[oy]!;
    const y1 = ys.hi[oy]!;
    const fy = ys.frac[oy]!;
    for (let ox = 0; ox < ow; ox++) {
      const x0 = xs.lo[ox]!;
      const x1 = xs.hi[ox]!;
      const fx = xs.frac[ox]!;
      for (let k = 0; k < c; k++) {
        const a = pixels[(y0 * w + x0) * c + k]!;
        const b = pixels[(y0 * w + x1) * c + k]!;
        const d = pixels[(y1 * w + x0) * c + k]!;
        const e = pixels[(y1 * w + x1) * c + k]!;
        const top = a + (b - a) * fx;
        const bottom = d + (e - d) * fx;
        out[(oy * ow + ox) * c + k] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

function axisWeights(n: number, out: number) {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const frac = new Float64Array(out);
  const scale = n / out;
  for (let i = 0; i < out; i++) {
    const src = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), n - 1);
    const l = Math.floor(src);
    lo[i] = l;
    hi[i] = Math.min(l + 1, n - 1);
    frac[i] = src - l;
  }
  return { lo, hi, frac };
}
