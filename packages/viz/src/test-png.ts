import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';

/**
 * Test-only PNG reader (8-bit RGBA or RGB, no interlace), built on Node's zlib so the encoder is
 * checked against an independent inflate and CRC-32.
 */
export function decodePNG(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => {
    if (png[i] !== b) throw new Error(`bad PNG signature at byte ${i}`);
  });
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 6;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    if (zlibCrc32(png.subarray(offset + 4, offset + 8 + length)) !== crc) {
      throw new Error(`bad CRC in ${type} chunk`);
    }
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      if (data[8] !== 8) throw new Error('only 8-bit PNGs');
      colorType = data[9]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (bpp === 0) throw new Error(`unsupported color type ${colorType}`);
  const raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  const stride = width * bpp;
  if (raw.length !== height * (stride + 1)) throw new Error(`inflated ${raw.length} bytes`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? pixels[y * stride + x - bpp]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? pixels[(y - 1) * stride + x - bpp]! : 0;
      let p: number;
      if (type === 0) p = 0;
      else if (type === 1) p = a;
      else if (type === 2) p = b;
      else if (type === 3) p = Math.floor((a + b) / 2);
      else if (type === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new Error(`bad filter type ${type}`);
      pixels[y * stride + x] = (v + p) & 0xff;
    }
  }
  if (bpp === 4) return { width, height, rgba: pixels };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set(pixels.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

/** Decodes a `data:image/png;base64,...` URL with {@link decodePNG}. */
export function decodeDataURL(url: string): { width: number; height: number; rgba: Uint8Array } {
  const prefix = 'data:image/png;base64,';
  if (!url.startsWith(prefix)) throw new Error(`not a PNG data URL: ${url.slice(0, 30)}`);
  return decodePNG(new Uint8Array(Buffer.from(url.slice(prefix.length), 'base64')));
}

/** Deterministic pseudo-random bytes (a 32-bit LCG): test data without Math.random. */
export function lcgBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}
