import { InterpError } from '@interp/core/base';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { imageFolderDefaults, type RawImage } from './image-folder-types.js';
import { readImageHeader } from './image-header.js';

/**
 * Decodes PNG or JPEG bytes to RGBA (8 bits per channel; pngjs scales 16-bit PNGs down and
 * expands gray and palette images). The size is checked from the header first: images over
 * `maxSide` (default {@link imageFolderDefaults.maxImageSide}) pixels wide or high are refused
 * before decoding. Errors name the file (`name`).
 *
 * @example
 * ```ts
 * decodeImage(readFileSync('cat.png'), 'cat.png').width;
 * ```
 */
export function decodeImage(
  bytes: Uint8Array,
  name = 'image',
  maxSide: number = imageFolderDefaults.maxImageSide,
): RawImage {
  const header = readImageHeader(bytes, name);
  if (header.width < 1 || header.height < 1 || header.width > maxSide || header.height > maxSide) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} is ${header.width} x ${header.height} pixels; interp reads images from 1 to ${maxSide} pixels on a side (resize it first)`,
    );
  }
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (header.format === 'png') {
      const png = PNG.sync.read(buf);
      return {
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
        width: png.width,
        height: png.height,
      };
    }
    const img = jpeg.decode(buf, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: Math.ceil((maxSide * maxSide) / 1e6),
      maxMemoryUsageInMB: 1024,
    });
    return { data: img.data, width: img.width, height: img.height };
  } catch (e) {
    throw new InterpError(
      'PARSE',
      `cannot decode ${name} as ${header.format.toUpperCase()}: ${(e as Error).message}`,
    );
  }
}
