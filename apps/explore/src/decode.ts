import type { RawImage } from '@interp/data';

/** Decodes PNG/JPEG bytes to RGBA with the browser's own decoder (no color management). */
export async function decodeImage(blob: Blob): Promise<RawImage> {
  const bitmap = await createImageBitmap(blob, {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const { width, height } = bitmap;
  const { data } = ctx.getImageData(0, 0, width, height);
  bitmap.close();
  return { data: new Uint8Array(data.buffer), width, height };
}
