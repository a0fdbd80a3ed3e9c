import { resolve } from 'node:path';
import { InterpError, isInterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { type JsonValue, jsonText } from '../format/json-text.js';
import { printable } from '../format/printable.js';
import { textTable } from '../format/text-table.js';
import { modelWeightBytes } from '../io/model-weight-bytes.js';
import { MAX_BATCH_ROWS, MAX_REPEATS } from '../limits.js';
import {
  defaultThreads,
  threadsHelp,
  threadsOption,
  threadsOptionSpec,
} from '../options/threads.js';
import { optionRange, parseOptions } from '../parse-options.js';
import {
  notProbabilities,
  notProbabilitiesMessage,
  ROW_SUM_TOLERANCE,
} from '../probability-rows.js';
import { progressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { readImportanceData } from './importance-data.js';

// tfjs and the tabular package load only after the arguments are checked, so usage errors are fast.

const SCORINGS = ['accuracy', 'neg_log_loss', 'r2', 'neg_mean_squared_error'] as const;
type ScoringName = (typeof SCORINGS)[number];

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  targs: { type: 'string' },
  'target-column': { type: 'string' },
  // No default: the library's (permutationImportanceDefaults), read when it loads.
  'n-repeats': { type: 'integer', min: 1, max: MAX_REPEATS },
  seed: { type: 'integer', min: 0, max: 2 ** 32 - 1, default: 0 },
  scoring: { type: 'string', choices: SCORINGS },
  act: { type: 'string', choices: ['auto', 'softmax', 'none'], default: 'auto' },
  'batch-size': { type: 'integer', min: 1, max: MAX_BATCH_ROWS },
  json: { type: 'boolean' },
  ...threadsOptionSpec,
  help: { type: 'boolean', short: 'h' },
} as const;

/** Milliseconds a run may take before the progress bar shows on stderr. */
const PROGRESS_DELAY_MS = 2000;

function usage(nRepeats: number): string {
  return `Usage: interp importance --model DIR/model.json|FILE.onnx --data X.npy|X.csv (--targs y.npy | --target-column NAME)
                         [--n-repeats ${nRepeats}] [--seed ${OPTIONS.seed.default}] [--scoring S] [--act auto|softmax|none]
                         [--batch-size ROWS] [--threads N|auto] [--json]

Permutation feature importance of a saved tfjs LayersModel or ONNX model, with scikit-learn's
permutation_importance semantics: importance = baseline score - score with the feature's
column permuted, for each of --n-repeats permutations; mean and population std (ddof 0).
Runs longer than ${PROGRESS_DELAY_MS / 1000} s show a progress bar on stderr.

  --model M        a tfjs LayersModel (model.json + weights) or an ONNX model (.onnx, e.g. a
                   PyTorch or scikit-learn export) mapping N x F floats to N x C
                   scores (C > 1: a classifier) or N x 1 values (a regressor)
  --data X         the features: .npy (N x F; features named x0..x{F-1}, as scikit-learn names
                   array columns) or .csv (numbers only; a header row names the features and is
                   required with --target-column; without one they are x0..x{F-1})
  --targs Y        targets: N class indices 0..C-1 (classifier) or N values (regressor), in
                   .npy, .json, .csv or .txt
  --target-column NAME
                   take the targets from this column of the CSV; its other columns are the
                   features, in order
  --n-repeats R    permutations per feature (${optionRange(OPTIONS['n-repeats'])}, default ${nRepeats})
  --seed S         seed of the permutations (${optionRange(OPTIONS.seed)}). Permutations are
                   Fisher-Yates shuffles on interp's xoshiro128** generator, and, as in
                   scikit-learn, every feature gets the same sequence of permutations;
                   scikit-learn's generator differs, so the numbers agree with scikit-learn in
                   expectation, not digit for digit
  --scoring S      accuracy (default for classifiers), neg_log_loss, r2 (default for
                   regressors) or neg_mean_squared_error
  --act A          how a classifier's outputs become probabilities for neg_log_loss:
                   auto (default) = used as they are when every row is non-negative and sums
                   to 1 (within ${ROW_SUM_TOLERANCE}), else softmax; softmax; none (used as they are,
                   and refused unless every row is such a distribution).
                   Accuracy takes the argmax, which no activation changes
  --batch-size N   rows per model call (${optionRange(OPTIONS['batch-size'])}; default: as many as
                   fit 2^18 input values)
  --json           print { "baselineScore", "features", "importancesMean",
                   "importancesStd", "importances" } instead of a table
${threadsHelp(19, true)}  -h, --help       show this help
`;
}

/** `interp importance`: see USAGE. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'importance');
  // Only its defaults: tfjs and the model load after the data is read.
  const { permutationImportanceDefaults } = await import('@interp/tabular');
  if (values.help) {
    io.stdout.write(usage(permutationImportanceDefaults.nRepeats));
    return 0;
  }
  if (values.model === undefined) {
    throw new UsageError('missing --model DIR/model.json; see interp importance --help');
  }
  if (values.data === undefined) {
    throw new UsageError('missing --data X.npy|X.csv; see interp importance --help');
  }
  if ((values.targs === undefined) === (values['target-column'] === undefined)) {
    throw new UsageError(
      'pass exactly one of --targs Y (a targets file) or --target-column NAME (a column of the CSV); see interp importance --help',
    );
  }
  const nRepeats = values['n-repeats'] ?? permutationImportanceDefaults.nRepeats;
  const seed = values.seed;
  const batchSize = values['batch-size'];
  const scoringOption: ScoringName | undefined = values.scoring;
  const act = values.act;
  const givenThreads = threadsOption(values.threads);

  const data = await readImportanceData(values.data, values.targs, values['target-column'], io.cwd);

  const [tf, core, tabular, models] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('@interp/tabular'),
    import('../io/load-model.js'),
  ]);
  // Each feature is permuted nRepeats times: a pass over the data each, plus the baseline.
  const threads =
    givenThreads ??
    defaultThreads(
      {
        weightBytes: modelWeightBytes(resolvePath(io.cwd, values.model)),
        inputValues: data.x.length,
        passes: 1 + nRepeats * data.shape[1],
      },
      core.getBackendInfo(),
    );
  await core.setupBackend('wasm', { threads, warn: (m) => io.stderr.write(`${m}\n`) });
  const loaded = await models.loadModel(resolvePath(io.cwd, values.model));
  const { graph, layersModel } = loaded;
  const inShape = graph.inputShape;
  const outShape = graph.outputShape;
  if (inShape.length !== 2 || (layersModel !== undefined && layersModel.outputs.length !== 1)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${values.model}: the model must take one N x F input and give one output; it takes [${inShape.join(', ')}]`,
    );
  }
  if (outShape.length !== 2 || typeof outShape[1] !== 'number') {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${values.model}: the model's output has shape [${outShape.map(String).join(', ')}]; it must map N x F to N x C scores or N x 1 values`,
    );
  }
  const nFeatures = data.shape[1];
  if (inShape[1] !== nFeatures) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${values.model} expects ${inShape[1]} features per row but ${values.data} has ${nFeatures} feature column(s)${values['target-column'] === undefined ? '' : ` (besides ${values['target-column']})`}`,
    );
  }
  const nOutputs = outShape[1];
  const classifier = nOutputs > 1;
  const scoring: ScoringName = scoringOption ?? (classifier ? 'accuracy' : 'r2');
  if (!classifier && (scoring === 'accuracy' || scoring === 'neg_log_loss')) {
    throw new InterpError(
      'INVALID_OPTION',
      `--scoring ${scoring} needs a classifier, but ${values.model} has 1 output (a regressor); use r2 or neg_mean_squared_error`,
    );
  }

  const dl = core.arrayDataLoader(
    { data: data.x, shape: data.shape },
    { data: data.y, shape: data.yShape },
    { batchSize: data.shape[0] },
  );
  const learnerOptions = {
    dls: new core.DataLoaders(dl, dl),
    lossFunc: classifier ? core.crossEntropyPerItem : core.mseLossPerItem,
  };
  // An ONNX model runs through its graph; a LayersModel as itself.
  const learn = layersModel
    ? core.Learner.fromLayersModel(layersModel, learnerOptions)
    : new core.Learner((x) => graph.predict(x), learnerOptions);
  let activation: 'softmax' | 'none' = 'none';
  if (classifier && scoring === 'neg_log_loss' && act !== 'softmax') {
    const bad = await firstNonProbabilityRow(tf, learn, data);
    if (bad !== undefined && act === 'none') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `--act none: ${notProbabilitiesMessage(`the outputs of ${values.model} on ${values.data}`, bad)}`,
      );
    }
    activation = bad === undefined ? 'none' : 'softmax';
  } else if (classifier && scoring === 'neg_log_loss') {
    activation = 'softmax';
  }
  const fi = new tabular.FeatureImportance(learn);
  const bar = progressBar(io.stderr, 'permutations', { delayMs: PROGRESS_DELAY_MS });
  let r: import('@interp/tabular').PermutationImportanceResult;
  try {
    r = await fi.permutationImportance({
      dl,
      nRepeats,
      randomState: seed,
      scoring,
      featureNames: data.featureNames,
      act: activation,
      ...(batchSize === undefined ? {} : { batchSize }),
      onProgress: (done, total) => bar.update(done, total),
    });
  } catch (e) {
    // The library speaks of rows and targets; the user needs to know which file holds them.
    if (!isInterpError(e)) throw e;
    const targets =
      values.targs ?? `column ${JSON.stringify(values['target-column'])} of ${values.data}`;
    const where = /^target of row/.test(e.message) ? targets : `${values.model} on ${values.data}`;
    throw new InterpError(e.code, `${where}: ${e.message}`);
  }
  bar.finish();
  loaded.dispose();

  if (values.json) {
    const out = new Map<string, JsonValue>([
      ['baselineScore', r.baselineScore],
      ['features', r.features],
      ['importancesMean', r.importancesMean],
      ['importancesStd', r.importancesStd],
      ['importances', r.importances],
    ]);
    io.stdout.write(`${jsonText(out)}\n`);
    return 0;
  }
  const order = r.features
    .map((f, k) => ({ f, k }))
    .sort((a, b) => r.importancesMean[b.k]! - r.importancesMean[a.k]! || a.k - b.k);
  const rows = [
    ['feature', 'mean', 'std'],
    ...order.map(({ f, k }) => [
      printable(f),
      r.importancesMean[k]!.toFixed(4),
      r.importancesStd[k]!.toFixed(4),
    ]),
  ];
  io.stdout.write(
    `Permutation importance (${scoring}, ${nRepeats} repeat${nRepeats === 1 ? '' : 's'}, seed ${seed}) on ${data.shape[0]} rows\n` +
      `baseline score: ${r.baselineScore.toFixed(4)}\n\n${textTable(rows, ['left'])}\n`,
  );
  return 0;
}

function resolvePath(cwd: string, file: string): string {
  return resolve(cwd, file);
}

/**
 * The first row of the model's outputs on the data that is not a probability distribution
 * (a value below 0, or a sum off 1 by more than 1e-3): `--act auto` then takes a softmax and
 * `--act none` refuses, as `interp classification --act none` does.
 */
async function firstNonProbabilityRow(
  tf: typeof import('@tensorflow/tfjs-core'),
  learn: import('@interp/core').Learner,
  data: { x: Float32Array; shape: [number, number] },
): Promise<import('../probability-rows.js').NotProbabilities | undefined> {
  const x = tf.tensor2d(data.x, data.shape);
  let out: import('@tensorflow/tfjs-core').Tensor | undefined;
  try {
    out = learn.predict(x);
    return notProbabilities(await out.data(), out.shape[1]!);
  } finally {
    x.dispose();
    out?.dispose();
  }
}
