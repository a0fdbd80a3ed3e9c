// `interp segmentation`: pixel metrics from .npy mask files. Streams the files in chunks of whole
// pixels through reusable buffers (a 64 x 256 x 256 x 11 float32 score file costs a few MiB) and
// loads no tfjs; @interp/viz is imported only for --out.
import { resolve } from 'node:path';
import { classNames, InterpError } from '@interp/core/base';
import { npyDTypeName } from '@interp/data';
import {
  type ConfusionCounts,
  type SegmentationReport,
  segmentationReport,
} from '@interp/segmentation/metrics';
import type { CliIO } from '../cli-io.js';
import { writeConfusionFigures } from '../format/confusion-figure.js';
import { jsonText } from '../format/json-text.js';
import { printable } from '../format/printable.js';
import { textTable } from '../format/text-table.js';
import { prepareOutputFolder } from '../io/output-folder.js';
import { readVocab } from '../io/read-vocab.js';
import { MAX_CLASSES } from '../limits.js';
import { optionRange, parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';
import { countLabels, countScores, largestLabel, type MaskFiles } from './segmentation-counts.js';
import { closeNpy, isIntegerDType, type NpyFile, openNpy } from './segmentation-npy-stream.js';

const OPTIONS = {
  preds: { type: 'string' },
  targs: { type: 'string' },
  vocab: { type: 'string' },
  // Labels are compared as int32 values.
  'ignore-index': { type: 'integer', min: -(2 ** 31), max: 2 ** 31 - 1 },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: interp segmentation --preds P --targs T [--vocab V] [--ignore-index K] [--json] [--out DIR]

Pixel metrics of predicted masks against target masks: confusion matrix, per-class IoU,
accuracy and Dice, mean IoU, frequency-weighted IoU and pixel accuracy.

Options:
  --preds P         .npy of N x H x W x C scores (float32/float64, channels last; the
                    prediction is the argmax, ties to the lower class) or N x H x W integer labels
  --targs T         .npy of N x H x W integer target labels (any integer dtype)
  --vocab V         class names: a .json array or a text file with one name per line
                    (default "0".."C-1"; C from the scores' last dimension, or for label
                    predictions the largest label in either file + 1), at most
                    ${MAX_CLASSES.toLocaleString('en-US')} classes
  --ignore-index K  target label whose pixels count nowhere (for example 255; a
                    decimal integer, ${optionRange(OPTIONS['ignore-index'])}; write --ignore-index=-1)
  --json            print the metrics as JSON (NaN written as null)
  --out DIR         also write confusion_matrix.svg and confusion_matrix.png to DIR
  -h, --help        show this help
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'segmentation');
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.preds === undefined)
    throw new UsageError('missing --preds P; see interp segmentation --help');
  if (values.targs === undefined)
    throw new UsageError('missing --targs T; see interp segmentation --help');
  // Checked before any work: a bad --out costs nothing.
  const outFolder = values.out === undefined ? undefined : prepareOutputFolder(values.out, io.cwd);
  const ignoreIndex = values['ignore-index'];
  const vocab = values.vocab === undefined ? undefined : readVocab(values.vocab, io.cwd);
  const { counts, vocab: names } = measure(
    resolve(io.cwd, values.preds),
    resolve(io.cwd, values.targs),
    { preds: values.preds, targs: values.targs, vocab: values.vocab },
    vocab,
    ignoreIndex,
  );
  const report = segmentationReport(counts, names);
  if (outFolder !== undefined) {
    const { note } = await writeConfusionFigures(outFolder, report.confusionMatrix, report.vocab, {
      title: 'Pixel confusion matrix',
      compactCounts: true,
    });
    if (note !== undefined) io.stderr.write(`interp segmentation: ${note}\n`);
  }
  io.stdout.write(values.json ? `${jsonText({ ...report })}\n` : formatText(report, ignoreIndex));
  return 0;
}

interface Names {
  preds: string;
  targs: string;
  vocab: string | undefined;
}

/** Opens both files, checks them against each other and counts the confusion matrix. */
function measure(
  predsPath: string,
  targsPath: string,
  names: Names,
  vocab: string[] | undefined,
  ignoreIndex: number | undefined,
): { counts: ConfusionCounts; vocab: string[] } {
  const preds = openNpy(predsPath, names.preds);
  let targs: NpyFile | undefined;
  try {
    targs = openNpy(targsPath, names.targs);
    const scores = !isIntegerDType(preds.dtype);
    if (scores ? preds.shape.length !== 4 : preds.shape.length !== 3) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${preds.name}: expected N x H x W x C scores (float, channels last) or N x H x W integer labels, got ${describeArray(preds)}`,
      );
    }
    if (!isIntegerDType(targs.dtype) || targs.shape.length !== 3) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${targs.name}: expected N x H x W integer target labels, got ${describeArray(targs)}`,
      );
    }
    const [n, h, w] = targs.shape as [number, number, number];
    if (preds.shape[0] !== n || preds.shape[1] !== h || preds.shape[2] !== w) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${preds.name} is ${preds.shape.join(' x ')} but ${targs.name} is ${targs.shape.join(' x ')}: the first three dimensions (N x H x W) must match`,
      );
    }
    const pixels = n * h * w;
    if (pixels === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        `${targs.name}: no pixels (shape ${targs.shape.join(' x ')}); nothing to measure`,
      );
    }
    const files: MaskFiles = { preds, targs, pixels, ignoreIndex, grid: { h, w } };
    let numClasses: number;
    if (scores) {
      numClasses = preds.shape[3]!;
      if (numClasses < 1 || numClasses > MAX_CLASSES) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${preds.name}: the last dimension (classes) is ${numClasses}; expected 1 to ${MAX_CLASSES} classes`,
        );
      }
      if (vocab !== undefined && vocab.length !== numClasses) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${names.vocab}: ${vocab.length} class names but ${preds.name} has ${numClasses} classes (its last dimension)`,
        );
      }
    } else {
      numClasses = vocab?.length ?? largestLabel(files) + 1;
    }
    const counts = scores ? countScores(files, numClasses) : countLabels(files, numClasses);
    return { counts, vocab: classNames(vocab, numClasses) };
  } finally {
    closeNpy(preds);
    if (targs) closeNpy(targs);
  }
}

function describeArray(file: NpyFile): string {
  return `shape (${file.shape.join(', ')}) ${npyDTypeName(file.dtype)}`;
}

function fmt(v: number, digits = 4): string {
  return Number.isNaN(v) ? 'n/a' : v.toFixed(digits);
}

/** The readable report: one row per class, then the summary numbers. */
export function formatText(report: SegmentationReport, ignoreIndex?: number): string {
  const c = report.vocab.length;
  const targetPixels = report.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0));
  const predictedPixels = Array.from({ length: c }, (_, p) =>
    report.confusionMatrix.reduce((a, row) => a + row[p]!, 0),
  );
  const total = targetPixels.reduce((a, b) => a + b, 0);
  const rows = [['class', 'IoU', 'accuracy', 'Dice', 'target px', 'predicted px']];
  for (let k = 0; k < c; k++) {
    rows.push([
      printable(report.vocab[k]!),
      fmt(report.iou[k]!),
      fmt(report.perClassAccuracy[k]!),
      fmt(report.dice[k]!),
      String(targetPixels[k]),
      String(predictedPixels[k]),
    ]);
  }
  const summary = [
    ['mean IoU', fmt(report.meanIoU)],
    ['frequency-weighted IoU', fmt(report.frequencyWeightedIoU)],
    ['pixel accuracy', fmt(report.pixelAccuracy)],
    [
      'pixels counted',
      `${total}${ignoreIndex === undefined ? '' : ` (target ${ignoreIndex} ignored)`}`,
    ],
  ];
  return `${textTable(rows, ['left'])}\n\n${textTable(summary, ['left', 'right'])}\nn/a: the class is absent from both target and prediction (IoU, Dice) or from the target (accuracy); means skip it\n`;
}
