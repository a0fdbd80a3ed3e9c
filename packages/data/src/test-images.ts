import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A fresh temporary folder for one test. */
export function tempFolder(prefix = 'interp-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** PNG bytes of an RGBA image (row-major `width * height * 4` values). */
export function pngBytes(width: number, height: number, rgba: ArrayLike<number>): Buffer {
  const png = new PNG({ width, height });
  png.data.set(Array.from(rgba));
  return PNG.sync.write(png);
}

/** PNG bytes of a gray image (one value per pixel). */
export function grayPng(width: number, height: number, gray: ArrayLike<number>): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) rgba.set([gray[p]!, gray[p]!, gray[p]!, 255], 4 * p);
  return pngBytes(width, height, rgba);
}

/** JPEG bytes (quality 100) of an RGBA image. */
export function jpegBytes(width: number, height: number, rgba: ArrayLike<number>): Buffer {
  return jpeg.encode({ width, height, data: Buffer.from(Array.from(rgba)) }, 100).data;
}

/** Writes `bytes` at `root/rel`, making folders as needed. */
export function put(root: string, rel: string, bytes: Uint8Array | string): string {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
