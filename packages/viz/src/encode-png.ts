import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { crc32 } from './internal/checksums.js';
import { zlibCompress } from './internal/deflate.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Encodes 8-bit RGBA pixels (row-major, 4 bytes per pixel) as a PNG file, synchronously and
 * without dependencies, so it runs the same in Node and in browsers. Each row gets the PNG filter
 * with the smallest sum of absolute differences (libpng's heuristic), then a fixed-Huffman deflate.
 *
 * @example
 * ```ts
 * const red = new Uint8Array([255, 0, 0, 255]);
 * const png = encodePNG(red, 1, 1); // a 1x1 red PNG
 * ```
 */
export function encodePNG(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Uint8Array {
  if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `encodePNG: rgba must be a Uint8Array or Uint8ClampedArray, got ${describe(rgba)}`,
    );
  }
  for (const [value, name] of [
    [width, 'width'],
    [height, 'height'],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `encodePNG: ${name} must be a positive integer, got ${describe(value)}`,
      );
    }
  }
  if (rgba.length !== width * height * 4) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `encodePNG: expected ${width}x${height}x4 = ${width * height * 4} bytes of RGBA, got ${rgba.length}; pass 4 bytes per pixel, rows top to bottom`,
    );
  }
  const pixels =
    rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
  const idat = zlibCompress(filterRows(pixels, width, height));

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // color type: truecolor with alpha
  // compression, filter and interlace methods stay 0 (the only defined ones, no interlace)

  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((s, c) => s + c.length, 0));
  out.set(SIGNATURE, 0);
  let offset = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 12);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  // The CRC covers the type and the data, not the length.
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Prefixes each row with its filter type byte and filters it (PNG spec, section 9). */
function filterRows(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const bpp = 4;
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const candidate = new Uint8Array(stride);
  const best = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const up = row - stride;
    let bestType = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let type = 0; type <= 4; type++) {
      let score = 0;
      for (let x = 0; x < stride; x++) {
        const raw = pixels[row + x]!;
        const a = x >= bpp ? pixels[row + x - bpp]! : 0;
        const b = y > 0 ? pixels[up + x]! : 0;
        const c = x >= bpp && y > 0 ? pixels[up + x - bpp]! : 0;
        const predictor =
          type === 0
            ? 0
            : type === 1
              ? a
              : type === 2
                ? b
                : type === 3
                  ? (a + b) >> 1
                  : paeth(a, b, c);
        const v = (raw - predictor) & 0xff;
        candidate[x] = v;
        score += v < 128 ? v : 256 - v;
      }
      // Strictly smaller keeps the lower filter type on ties, so output is deterministic.
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        best.set(candidate);
      }
    }
    const o = y * (stride + 1);
    out[o] = bestType;
    out.set(best, o + 1);
  }
  return out;
}
