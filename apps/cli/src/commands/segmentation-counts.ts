// The counting passes of `interp segmentation`: both .npy files streamed in chunks of whole
// pixels through reusable buffers, and one-line errors that name the file, pixel and value.
import { InterpError, isInterpError } from '@interp/core/base';
import {
  type ConfusionCounts,
  createConfusionCounts,
  pixelConfusionMatrix,
  pixelConfusionMatrixFromScores,
} from '@interp/segmentation/metrics';
import { MAX_CLASSES } from '../limits.js';
import { elementText, labelView, type NpyFile, readElements } from './segmentation-npy-stream.js';

/** Bytes of predictions read per chunk; the chunk holds whole pixels. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Both open files with their pixel count and grid, as every counting pass reads them. */
export interface MaskFiles {
  preds: NpyFile;
  targs: NpyFile;
  pixels: number;
  ignoreIndex: number | undefined;
  grid: Grid;
}

interface Grid {
  h: number;
  w: number;
}

/** The pixel's position as "[item, row, column]". */
function where(pixel: number, { h, w }: Grid, channel?: number): string {
  const item = Math.floor(pixel / (h * w));
  const row = Math.floor(pixel / w) % h;
  const col = pixel % w;
  return channel === undefined
    ? `[${item}, ${row}, ${col}]`
    : `[${item}, ${row}, ${col}, ${channel}]`;
}

function isLabel(v: number, numClasses: number): boolean {
  return v >= 0 && v < numClasses && Number.isInteger(v);
}

/** A 64-bit label outside int32 is narrowed to this: never a valid label, never the ignore index. */
function outOfRangeMark(ignoreIndex: number | undefined): number {
  return ignoreIndex === -1 ? -2 : -1;
}

/** The confusion counts of score predictions (argmax, ties to the lower class) against the targets. */
export function countScores(
  { preds, targs, pixels, ignoreIndex, grid }: MaskFiles,
  numClasses: number,
): ConfusionCounts {
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (numClasses * preds.itemSize)));
  const predBytes = new Uint8Array(perChunk * numClasses * preds.itemSize);
  const targBytes = new Uint8Array(perChunk * targs.itemSize);
  const scratch = new Int32Array(perChunk);
  const mark = outOfRangeMark(ignoreIndex);
  const cm = createConfusionCounts(numClasses);
  for (let first = 0; first < pixels; first += perChunk) {
    const m = Math.min(perChunk, pixels - first);
    readElements(preds, predBytes, first * numClasses, m * numClasses);
    readElements(targs, targBytes, first, m);
    const scores =
      preds.dtype === 'f4'
        ? new Float32Array(predBytes.buffer, 0, m * numClasses)
        : new Float64Array(predBytes.buffer, 0, m * numClasses);
    const labels = labelView(targs.dtype, targBytes, m, scratch, mark);
    try {
      pixelConfusionMatrixFromScores(scores, numClasses, labels, { ignoreIndex, into: cm });
    } catch (e) {
      if (!isInterpError(e)) throw e;
      if (e.code === 'NON_FINITE') {
        for (let j = 0; j < m; j++) {
          for (let k = 0; k < numClasses; k++) {
            if (Number.isNaN(scores[j * numClasses + k])) {
              throw new InterpError(
                'NON_FINITE',
                `${preds.name}: NaN score at ${where(first + j, grid, k)} (item, row, column, class); the model produced non-finite outputs`,
              );
            }
          }
        }
      }
      if (e.code === 'LABEL_OUT_OF_RANGE') {
        for (let j = 0; j < m; j++) {
          checkLabel(targs, labels[j]!, targBytes, j, first, grid, numClasses, ignoreIndex);
        }
      }
      throw e;
    }
  }
  return cm;
}

/** Reads two label files in chunks of whole pixels: int32 views of both, and their raw bytes for messages. */
function* labelChunks(
  preds: NpyFile,
  targs: NpyFile,
  pixels: number,
  ignoreIndex: number | undefined,
): Generator<{
  first: number;
  m: number;
  p: ArrayLike<number>;
  t: ArrayLike<number>;
  predBytes: Uint8Array;
  targBytes: Uint8Array;
}> {
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(preds.itemSize, targs.itemSize)));
  const predBytes = new Uint8Array(perChunk * preds.itemSize);
  const targBytes = new Uint8Array(perChunk * targs.itemSize);
  const predScratch = new Int32Array(perChunk);
  const targScratch = new Int32Array(perChunk);
  const mark = outOfRangeMark(ignoreIndex);
  for (let first = 0; first < pixels; first += perChunk) {
    const m = Math.min(perChunk, pixels - first);
    readElements(preds, predBytes, first, m);
    readElements(targs, targBytes, first, m);
    const p = labelView(preds.dtype, predBytes, m, predScratch, mark);
    const t = labelView(targs.dtype, targBytes, m, targScratch, mark);
    yield { first, m, p, t, predBytes, targBytes };
  }
}

/** The confusion counts of label predictions against the targets. */
export function countLabels(
  { preds, targs, pixels, ignoreIndex, grid }: MaskFiles,
  numClasses: number,
): ConfusionCounts {
  const cm = createConfusionCounts(numClasses);
  for (const { first, m, p, t, predBytes, targBytes } of labelChunks(
    preds,
    targs,
    pixels,
    ignoreIndex,
  )) {
    try {
      pixelConfusionMatrix(t, p, numClasses, { ignoreIndex, into: cm });
    } catch (e) {
      if (!isInterpError(e) || e.code !== 'LABEL_OUT_OF_RANGE') throw e;
      for (let j = 0; j < m; j++) {
        if (t[j]! === ignoreIndex) continue;
        checkLabel(targs, t[j]!, targBytes, j, first, grid, numClasses, ignoreIndex);
        checkLabel(preds, p[j]!, predBytes, j, first, grid, numClasses, undefined);
      }
      throw e;
    }
  }
  return cm;
}

/** For label predictions without a vocab: the largest valid label in either file (targets not ignored). */
export function largestLabel({ preds, targs, pixels, ignoreIndex, grid }: MaskFiles): number {
  let max = 0;
  for (const { first, m, p, t, predBytes, targBytes } of labelChunks(
    preds,
    targs,
    pixels,
    ignoreIndex,
  )) {
    for (let j = 0; j < m; j++) {
      const tv = t[j]!;
      if (tv === ignoreIndex) continue;
      const pv = p[j]!;
      if (tv > max || pv > max) {
        // Negative labels are left for the counting pass to report; too large ones stop here.
        const [file, bytes, v] = tv >= pv ? [targs, targBytes, tv] : [preds, predBytes, pv];
        if (v >= MAX_CLASSES) {
          throw new InterpError(
            'LABEL_OUT_OF_RANGE',
            `${file.name}: label ${elementText(file.dtype, bytes, j)} at ${where(first + j, grid)} (item, row, column) is too large to be a class index (at most ${MAX_CLASSES - 1})${file === targs ? '; pass --ignore-index for a void label' : ''}`,
          );
        }
        max = v;
      }
    }
  }
  return max;
}

/** Throws the one-line error for chunk element j when `value` is neither a class nor the ignore index. */
function checkLabel(
  file: NpyFile,
  value: number,
  bytes: Uint8Array,
  j: number,
  first: number,
  grid: Grid,
  numClasses: number,
  ignoreIndex: number | undefined,
): void {
  if (value === ignoreIndex || isLabel(value, numClasses)) return;
  throw badLabel(file, elementText(file.dtype, bytes, j), first + j, grid, numClasses, ignoreIndex);
}

function badLabel(
  file: NpyFile,
  value: string,
  pixel: number,
  grid: Grid,
  numClasses: number,
  ignoreIndex: number | undefined,
): InterpError {
  const ignored = ignoreIndex === undefined ? '' : ` nor the ignore index ${ignoreIndex}`;
  const hint =
    ignoreIndex === undefined
      ? '; pass --ignore-index K for a void label, or --vocab with more classes'
      : '';
  return new InterpError(
    'LABEL_OUT_OF_RANGE',
    `${file.name}: label ${value} at ${where(pixel, grid)} (item, row, column) is not a class index in 0..${numClasses - 1}${ignored}${hint}`,
  );
}
