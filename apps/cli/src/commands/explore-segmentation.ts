import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { readNpyFile } from '@interp/data/files';
import { readVocab } from '../io/read-vocab.js';
import { exploreDefaults } from './explore.js';
import type { ExploreData } from './explore-data.js';

/** Most mask pixels explore sends to the page (both masks travel as JSON and stay in the tab). */
export const exploreMaxMaskPixels = 4 * 2 ** 20;

/** A mask array as read: N x H x W labels (or N x H x W x C scores for predictions). */
interface Masks {
  shape: number[];
  data: ArrayLike<number | bigint>;
}

/**
 * Both mask sets: two `.npy` files (read as regular files, size-checked), or two folders of PNG
 * masks (the red channel holds the class id, as `interp report` reads them) with each predicted
 * mask at the same relative path as its true mask.
 */
async function readMasks(
  predsFile: string,
  targsFile: string,
  cwd: string,
): Promise<{ preds: Masks; targs: Masks }> {
  const isFolder = (f: string) =>
    statSync(resolve(cwd, f), { throwIfNoEntry: false })?.isDirectory();
  const folders = [isFolder(predsFile), isFolder(targsFile)];
  if (folders[0] !== folders[1]) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `--preds ${predsFile} and --targs ${targsFile} must both be .npy files or both folders of PNG masks`,
    );
  }
  if (folders[0]) {
    const data = await import('@interp/data/node');
    const t = resolve(cwd, targsFile);
    // The true masks list the items; loadSegmentationFolder pairs each with the predicted mask
    // at its path (a missing one is named in its error).
    const targs = await data.loadSegmentationFolder(t, t);
    const preds = await data.loadSegmentationFolder(t, resolve(cwd, predsFile));
    return { preds: preds.masks, targs: targs.masks };
  }
  const read = (file: string) => {
    if (!file.toLowerCase().endsWith('.npy')) {
      throw new InterpError(
        'PARSE',
        `${file}: segmentation masks are read from .npy files or folders of PNG masks`,
      );
    }
    return readNpyFile(file, cwd);
  };
  return { preds: read(predsFile), targs: read(targsFile) };
}

/**
 * The page's data of segmentation prediction files: `.npy` files (`preds` as N x H x W labels or
 * N x H x W x C scores, argmax over the last axis; `targs` as N x H x W labels) or two folders of
 * PNG masks; each image's loss is its fraction of wrong pixels (the widget's default order: worst
 * first).
 *
 * @example
 * ```ts
 * const data = await exploreSegmentation('pred-masks', 'true-masks', undefined, process.cwd());
 * ```
 */
export async function exploreSegmentation(
  predsFile: string,
  targsFile: string,
  vocabFile: string | undefined,
  cwd: string,
): Promise<ExploreData> {
  const { preds, targs } = await readMasks(predsFile, targsFile, cwd);
  const t = targs.shape;
  if (t.length !== 3) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${targsFile}: expected N x H x W masks, got [${t.join(', ')}]`,
    );
  }
  const p = preds.shape;
  if (!(p.length === 3 || p.length === 4) || p.slice(0, 3).some((v, i) => v !== t[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${predsFile} is [${p.join(', ')}] but ${targsFile} is [${t.join(', ')}]; pass N x H x W labels or N x H x W x C scores`,
    );
  }
  const [n, h, w] = t as [number, number, number];
  if (n > exploreDefaults.maxItems || n * h * w > exploreMaxMaskPixels) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${n} masks of ${h} x ${w}; explore shows at most ${exploreDefaults.maxItems} masks and ${exploreMaxMaskPixels} pixels (pass a subset)`,
    );
  }
  const pixels = n * h * w;
  const c = p.length === 4 ? p[3]! : 1;
  const decoded = new Array<number>(pixels);
  for (let k = 0; k < pixels; k++) {
    if (c === 1) decoded[k] = Number(preds.data[k]);
    else {
      let best = 0;
      for (let j = 1; j < c; j++)
        if (Number(preds.data[k * c + j]) > Number(preds.data[k * c + best])) best = j;
      decoded[k] = best;
    }
  }
  const targets = Array.from(targs.data as ArrayLike<number>, Number);
  targets.forEach((v, k) => {
    if (!Number.isInteger(v) || v < 0 || !Number.isInteger(decoded[k]) || decoded[k]! < 0) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `pixel ${k} has label ${v} (targets) / ${decoded[k]} (predictions); masks hold class ids 0..C-1`,
      );
    }
  });
  // A loop, not Math.max(...masks): millions of arguments overflow the stack.
  let top = 0;
  for (let k = 0; k < pixels; k++) top = Math.max(top, targets[k]!, decoded[k]!);
  const classes = Math.max(c, top + 1);
  const vocab =
    vocabFile === undefined
      ? Array.from({ length: classes }, (_, i) => String(i))
      : readVocab(vocabFile, cwd);
  return {
    task: 'segmentation',
    vocab,
    targets,
    probs: [],
    classes: Math.max(classes, vocab.length),
    files: [],
    thumbs: false,
    masks: { shape: [n, h, w], decoded },
  };
}
