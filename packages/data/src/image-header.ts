import { InterpError } from '@interp/core/base';

/** An image file's format and size, read from its first bytes. */
export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads the format and size of a PNG or JPEG from its bytes without decoding the pixels, so an
 * oversized image is refused before it costs memory. `name` goes in error messages.
 *
 * @example
 * ```ts
 * readImageHeader(pngBytes, 'cat/1.png'); // { format: 'png', width: 28, height: 28 }
 * ```
 */
export function readImageHeader(bytes: Uint8Array, name = 'image'): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && PNG_MAGIC.every((m, i) => bytes[i] === m)) {
    // The IHDR chunk always comes first: width and height are its first 8 bytes.
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let p = 2;
    while (p + 9 < bytes.length) {
      if (bytes[p] !== 0xff) break;
      const marker = bytes[p + 1]!;
      if (marker === 0xff) {
        p++;
        continue;
      }
      const len = view.getUint16(p + 2);
      // Start-of-frame markers (baseline, progressive, ...) carry the size; C4, C8, CC are not frames.
      if (
        marker >= 0xc0 &&
        marker <= 0xcf &&
        marker !== 0xc4 &&
        marker !== 0xc8 &&
        marker !== 0xcc
      ) {
        return { format: 'jpeg', height: view.getUint16(p + 5), width: view.getUint16(p + 7) };
      }
      p += 2 + len;
    }
    throw new InterpError(
      'PARSE',
      `${name}: a JPEG without a readable frame header (truncated or corrupt file)`,
    );
  }
  throw new InterpError('PARSE', `${name}: not a PNG or JPEG image (unknown file signature)`);
}
