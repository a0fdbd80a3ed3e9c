import { ClassificationInterpretation } from '@interp/classification';
import { InterpError } from '@interp/core/base';
import { readArray } from '../io/read-array.js';
import { readVocab } from '../io/read-vocab.js';
import { MAX_CLASSES } from '../limits.js';
import { asProbabilities } from './report-probabilities.js';

/**
 * The interpretation of prediction files (interp classification's `--preds`, `--targs`,
 * `--vocab`): N x C probabilities or logits (softmax when rows are not distributions), or N
 * predicted labels.
 *
 * @example
 * ```ts
 * predictionsReport('preds.npy', 'targs.npy', undefined, process.cwd()).classificationReport().accuracy;
 * ```
 */
export function predictionsReport(
  predsFile: string,
  targsFile: string,
  vocabFile: string | undefined,
  cwd: string,
): ClassificationInterpretation {
  const preds = readArray(predsFile, cwd);
  const targs = readArray(targsFile, cwd);
  const vocab = vocabFile === undefined ? undefined : readVocab(vocabFile, cwd);
  if (targs.shape.length !== 1) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${targsFile}: expected N labels (1-D), got shape [${targs.shape.join(', ')}]`,
    );
  }
  const n = targs.shape[0]!;
  if (preds.shape[0] !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${predsFile} has ${preds.shape[0]} rows but ${targsFile} has ${n} labels; pass one per item`,
    );
  }
  const labels = Int32Array.from(targs.data as ArrayLike<number>);
  labels.forEach((v, i) => {
    if (v !== Number(targs.data[i]) || v < 0 || v >= MAX_CLASSES) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${targsFile}: label ${targs.data[i]} at item ${i} is not a class id from 0 to ${MAX_CLASSES - 1}`,
      );
    }
  });
  if (preds.shape.length === 2) {
    const c = preds.shape[1]!;
    if (c > MAX_CLASSES)
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${predsFile}: ${c} classes, more than ${MAX_CLASSES}`,
      );
    const { probs } = asProbabilities(
      Float32Array.from(preds.data as ArrayLike<number>),
      c,
      predsFile,
    );
    return ClassificationInterpretation.fromPredictions({
      preds: { data: probs, shape: [n, c] },
      targs: labels,
      vocab,
    });
  }
  return ClassificationInterpretation.fromPredictions({
    decoded: preds.data as ArrayLike<number>,
    targs: labels,
    vocab,
  });
}
