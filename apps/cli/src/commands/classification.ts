import { ClassificationInterpretation } from '@interp/classification/interpretation';
import {
  type ClassificationReport,
  type ClassScores,
  classificationReport,
  formatClassificationReport,
  sigmoid,
  softmaxRows,
} from '@interp/classification/metrics';
import { classCount, classNames, InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { writeConfusionFigures } from '../format/confusion-figure.js';
import { type JsonValue, jsonText } from '../format/json-text.js';
import { printable } from '../format/printable.js';
import { textTable } from '../format/text-table.js';
import { prepareOutputFolder } from '../io/output-folder.js';
import { type FileArray, readArray } from '../io/read-array.js';
import { readVocab } from '../io/read-vocab.js';
import { MAX_CLASSES, MAX_TOP_LOSSES } from '../limits.js';
import { optionRange, parseOptions } from '../parse-options.js';
import { notProbabilities, notProbabilitiesMessage } from '../probability-rows.js';
import { UsageError } from '../usage-error.js';

// Imports only tfjs-free modules: the interpretation subpath (with @interp/viz, which imports
// only @interp/core/base) and the metrics.

/** Top losses listed when --k is not given (fewer when there are fewer items). */
const DEFAULT_TOP_LOSSES = 10;

const OPTIONS = {
  preds: { type: 'string' },
  targs: { type: 'string' },
  vocab: { type: 'string' },
  act: { type: 'string', choices: ['none', 'softmax', 'sigmoid'], default: 'none' },
  // No default here: a --k above the item count is an error only when given.
  k: { type: 'integer', min: 1, max: MAX_TOP_LOSSES },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: interp classification --preds P --targs T [--vocab V] [--act none|softmax|sigmoid]
                             [--k ${DEFAULT_TOP_LOSSES}] [--json] [--out DIR]

  --preds P   N x C class scores (.npy float32/float64, .json nested array, .csv without header)
              or N predicted labels (1-D)
  --targs T   N integer labels (.npy int32/int64, .json, .csv or .txt one per line)
  --vocab V   class names: a .json array or a text file with one name per line (default 0..C-1)
              at most ${MAX_CLASSES.toLocaleString('en-US')} classes (labels 0..${MAX_CLASSES - 1})
  --act A     none (default: scores are probabilities; each row must sum to 1 within 1e-3),
              softmax or sigmoid, applied to the scores
  --k K       number of top losses to list (${optionRange(OPTIONS.k)}, default ${DEFAULT_TOP_LOSSES})
  --json      print one JSON object instead of text
  --out DIR   also write DIR/confusion_matrix.svg and DIR/confusion_matrix.png
  -h, --help  show this help
`;

interface Inputs {
  numClasses: number;
  names: string[];
  targs: ArrayLike<number>;
  /** Activated N x C probabilities, when scores were given. */
  probs?: Float32Array | Float64Array;
  /** Predicted labels, when labels were given. */
  labels?: ArrayLike<number>;
}

/** `interp classification`: see USAGE. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'classification');
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.preds === undefined) {
    throw new UsageError(
      'missing --preds P (N x C scores or N labels); see interp classification --help',
    );
  }
  if (values.targs === undefined) {
    throw new UsageError('missing --targs T (N integer labels); see interp classification --help');
  }
  // Checked before any work: a bad --out costs nothing.
  const outFolder = values.out === undefined ? undefined : prepareOutputFolder(values.out, io.cwd);
  const act = values.act;
  const kGiven = values.k !== undefined;
  const k = values.k ?? DEFAULT_TOP_LOSSES;

  const preds = readArray(values.preds, io.cwd);
  const targsFile = readArray(values.targs, io.cwd);
  const vocab = values.vocab === undefined ? undefined : readVocab(values.vocab, io.cwd);
  const inputs = prepare(preds, targsFile, vocab, values.vocab, act);
  const n = inputs.targs.length;
  if (inputs.probs === undefined && act !== 'none') {
    throw new UsageError(`--act ${act} needs class scores, but ${preds.file} holds labels (1-D)`);
  }
  if (kGiven && k > n) {
    throw new UsageError(`--k ${k} is more than the ${n} items`);
  }

  // The library's interpretation holds every number printed; the scores were checked above.
  const interp = ClassificationInterpretation.fromPredictions({
    preds:
      inputs.probs === undefined
        ? undefined
        : { data: inputs.probs, shape: [n, inputs.numClasses] },
    decoded: inputs.labels,
    targs: inputs.targs,
    vocab: inputs.names,
  });
  const matrix = interp.confusionMatrix();
  const decoded = interp.decoded.data;
  const top =
    inputs.probs === undefined ? undefined : topJson(interp.scoreTopLosses(Math.min(k, n)));
  const report = interp.classificationReport();
  const pairs = interp.mostConfused();

  // Figures first: when the disk is full the run fails before printing a report.
  const figures =
    outFolder === undefined
      ? undefined
      : await writeConfusionFigures(outFolder, matrix, inputs.names, { title: 'Confusion matrix' });
  if (figures?.note !== undefined) io.stderr.write(`interp classification: ${figures.note}\n`);
  const written = figures?.paths;
  if (values.json) {
    const out = new Map<string, JsonValue>([
      ['vocab', inputs.names],
      ['confusionMatrix', matrix],
      ['mostConfused', pairs],
      ['report', reportJson(report)],
    ]);
    if (top !== undefined) {
      out.set(
        'topLosses',
        new Map<string, JsonValue>([
          ['losses', top.losses],
          ['indices', top.indices],
        ]),
      );
    }
    io.stdout.write(`${jsonText(out)}\n`);
  } else {
    io.stdout.write(textReport(report, matrix, pairs, inputs, decoded, top));
  }
  if (written !== undefined && !values.json) io.stdout.write(`\nWrote ${written.join(' and ')}\n`);
  return 0;
}

/** Checks shapes, labels and probabilities; applies the activation. Errors name the file. */
function prepare(
  preds: FileArray,
  targsFile: FileArray,
  vocab: string[] | undefined,
  vocabFile: string | undefined,
  act: 'none' | 'softmax' | 'sigmoid',
): Inputs {
  const targs = asLabelsShape(targsFile, 'targets');
  const isScores = preds.shape.length === 2 && preds.shape[1] !== 1;
  const n = preds.shape[0]!;
  if (n !== targs.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${preds.file} has ${n} items but ${targsFile.file} has ${targs.length}; pass one target per prediction`,
    );
  }
  if (n === 0) throw new InterpError('EMPTY_INPUT', `${preds.file}: no items`);
  if (isScores) {
    const c = preds.shape[1]!;
    if (c > MAX_CLASSES) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${preds.file} has ${c} columns (classes); at most ${MAX_CLASSES} classes are supported`,
      );
    }
    if (vocab !== undefined && vocab.length !== c) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${vocabFile} has ${vocab.length} names but ${preds.file} has ${c} columns (classes); pass one name per class`,
      );
    }
    checkLabels(
      targs,
      c,
      targsFile.file,
      vocab !== undefined ? `${vocabFile} has ${c} names` : `${preds.file} has ${c} columns`,
    );
    const scores = checkScores(preds, act);
    const probs =
      act === 'softmax' ? softmaxRows(scores, c) : act === 'sigmoid' ? sigmoid(scores) : scores;
    return { numClasses: c, names: classNames(vocab, c), targs, probs };
  }
  const labels = asLabelsShape(preds, 'predicted labels');
  let c: number;
  let why: string;
  if (vocab !== undefined) {
    c = vocab.length;
    why = `${vocabFile} has ${c} names`;
  } else {
    checkLargestLabel(targs, targsFile.file);
    checkLargestLabel(labels, preds.file);
    c = classCount([labels, targs]);
    why = 'labels must be integers >= 0';
  }
  checkLabels(targs, c, targsFile.file, why);
  checkLabels(labels, c, preds.file, why);
  return { numClasses: c, names: classNames(vocab, c), targs, labels };
}

/** A 1-D array (or N x 1, squeezed) of labels. */
function asLabelsShape(a: FileArray, what: string): FileArray['data'] {
  if (a.shape.length === 1 || a.shape[1] === 1) return a.data;
  throw new InterpError(
    'SHAPE_MISMATCH',
    `${a.file}: expected N ${what} (1-D), got shape [${a.shape.join(', ')}]`,
  );
}

/** Refuses a label that would make the class count (and the C x C matrix) exceed MAX_CLASSES. */
function checkLargestLabel(labels: ArrayLike<number>, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v >= MAX_CLASSES) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${file}: item ${i} has label ${v}; labels must be class indices below ${MAX_CLASSES} (at most ${MAX_CLASSES} classes)`,
      );
    }
  }
}

function checkLabels(labels: ArrayLike<number>, c: number, file: string, why: string): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v >>> 0 === v && v < c) continue;
    if (!Number.isInteger(v)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${file}: item ${i} is ${v}, not an integer class label`,
      );
    }
    throw new InterpError(
      'LABEL_OUT_OF_RANGE',
      `${file}: item ${i} has label ${v}, outside 0..${c - 1} (${why})`,
    );
  }
}

/** Scores as float arrays; probabilities checked in [0, 1] (act none) or finite (softmax, sigmoid). */
function checkScores(
  preds: FileArray,
  act: 'none' | 'softmax' | 'sigmoid',
): Float32Array | Float64Array {
  const data =
    preds.data instanceof Float32Array || preds.data instanceof Float64Array
      ? preds.data
      : Float64Array.from(preds.data);
  const c = preds.shape[1]!;
  const where = (i: number) => `${preds.file}: value [${Math.floor(i / c)}, ${i % c}]`;
  if (act === 'none') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v >= 0 && v <= 1) continue;
      if (Number.isNaN(v))
        throw new InterpError('NON_FINITE', `${where(i)} is NaN; scores must be numbers`);
      throw new InterpError(
        'INVALID_ARGUMENT',
        v < 0
          ? `${where(i)} is ${v}, a negative probability; pass --act softmax (or sigmoid) if the scores are logits`
          : `${where(i)} is ${v}, not a probability in [0, 1]; pass --act softmax (or sigmoid) if the scores are logits`,
      );
    }
    const bad = notProbabilities(data, c);
    if (bad !== undefined) {
      throw new InterpError('INVALID_ARGUMENT', notProbabilitiesMessage(preds.file, bad));
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (Number.isFinite(v)) continue;
      throw new InterpError('NON_FINITE', `${where(i)} is ${v}; scores must be finite numbers`);
    }
  }
  return data;
}

function topJson(t: { losses: Float64Array; indices: Int32Array }) {
  return { losses: Array.from(t.losses), indices: Array.from(t.indices) };
}

function scoresJson(s: ClassScores): JsonValue {
  return new Map<string, JsonValue>([
    ['precision', s.precision],
    ['recall', s.recall],
    ['f1', s.f1],
    ['support', s.support],
  ]);
}

function reportJson(r: ClassificationReport): JsonValue {
  const classes = new Map<string, JsonValue>();
  for (const name of r.classNames) {
    // A descriptor, not r.classes[name]: a class named "__proto__" is an own property.
    classes.set(name, scoresJson(Object.getOwnPropertyDescriptor(r.classes, name)!.value));
  }
  return new Map<string, JsonValue>([
    ['classes', classes],
    ['accuracy', r.accuracy],
    ['macroAvg', scoresJson(r.macroAvg)],
    ['weightedAvg', scoresJson(r.weightedAvg)],
  ]);
}

function textReport(
  report: ClassificationReport,
  matrix: number[][],
  pairs: [string, string, number][],
  inputs: Inputs,
  decoded: ArrayLike<number>,
  top: { losses: number[]; indices: number[] } | undefined,
): string {
  // Class names come from files: printed escaped, so they cannot drive the terminal.
  const names = inputs.names.map(printable);
  let text = formatClassificationReport(
    names.every((n, i) => n === inputs.names[i])
      ? report
      : classificationReport(matrix, { vocab: names }),
  );
  text += '\nConfusion matrix (rows: actual, columns: predicted)\n';
  const rows = [['', ...names], ...matrix.map((row, i) => [names[i]!, ...row.map(String)])];
  text += `${textTable(rows, ['left'])}\n`;
  text += '\nMost confused (actual -> predicted: count)\n';
  text +=
    pairs.length === 0
      ? '  none\n'
      : pairs.map(([a, p, v]) => `  ${printable(a)} -> ${printable(p)}: ${v}\n`).join('');
  if (top !== undefined && inputs.probs !== undefined) {
    const c = inputs.numClasses;
    const probs = inputs.probs;
    text += `\nTop ${top.losses.length} losses (largest first)\n`;
    const lossRows = [
      ['item', 'actual', 'predicted', 'loss', 'p(predicted)'],
      ...top.indices.map((i, r) => {
        const pred = decoded[i]!;
        return [
          String(i),
          names[inputs.targs[i]!]!,
          names[pred]!,
          top.losses[r]!.toFixed(4),
          probs[i * c + pred]!.toFixed(4),
        ];
      }),
    ];
    text += `${textTable(lossRows, ['right', 'left', 'left', 'right', 'right'])
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`;
  }
  return text;
}
