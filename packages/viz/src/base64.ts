import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';

/**
 * Base64 of bytes with only web-standard globals (btoa), so it runs in Node and browsers alike:
 * the one base64 encoder of the house.
 *
 * @example
 * ```ts
 * base64(Uint8Array.of(104, 105)); // 'aGk='
 * ```
 */
export function base64(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `base64 encodes a Uint8Array of bytes, got ${describe(bytes)}; wrap the data in new Uint8Array(...)`,
    );
  }
  let binary = '';
  // Chunks keep String.fromCharCode's argument count far below engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * `data:image/png;base64,...` for PNG bytes (from {@link encodePNG}), for `<img src>` or an SVG `<image>`.
 *
 * @example
 * ```ts
 * const url = pngDataURL(encodePNG(rgba, width, height));
 * ```
 */
export function pngDataURL(png: Uint8Array): string {
  return `data:image/png;base64,${base64(png)}`;
}
