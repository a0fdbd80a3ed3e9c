import { resolve } from 'node:path';
import { InterpError, keyword } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { type JsonValue, jsonText } from '../format/json-text.js';
import { textTable } from '../format/text-table.js';
import { parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';
import { readImportanceData } from './importance-data.js';

// tfjs and the tabular package load only after the arguments are checked, so usage errors are fast.

const USAGE = `Usage: interp importance --model DIR/model.json --data X.npy|X.csv (--targs y.npy | --target COLUMN)
                         [--n-repeats 5] [--seed 0] [--scoring S] [--act auto|softmax|none]
                         [--batch-size ROWS] [--json]

Permutation feature importance of a saved tfjs LayersModel, with scikit-learn's
permutation_importance semantics: importance = baseline score - score with the feature's
column permuted, for each of --n-repeats permutations; mean and population std (ddof 0).

  --model M        a tfjs LayersModel (model.json + weights) mapping N x F floats to N x C
                   scores (C > 1: a classifier) or N x 1 values (a regressor)
  --data X         the features: .npy (N x F; features named x0..x{F-1}, as scikit-learn names
                   array columns) or .csv (numbers only; a header row names the features and is
                   required with --target; without one they are x0..x{F-1})
  --targs Y        targets: N class indices 0..C-1 (classifier) or N values (regressor), in
                   .npy, .json, .csv or .txt
  --target COLUMN  take the targets from this column of the CSV; its other columns are the
                   features, in order
  --n-repeats R    permutations per feature (default 5)
  --seed S         seed of the permutations (default 0). Permutations are Fisher-Yates shuffles
                   on interp's xoshiro128** generator, and, as in scikit-learn, every feature
                   gets the same sequence of permutations; scikit-learn's generator differs, so
                   the numbers agree with scikit-learn in expectation, not digit for digit
  --scoring S      accuracy (default for classifiers), neg_log_loss, r2 (default for
                   regressors) or neg_mean_squared_error
  --act A          how a classifier's outputs become probabilities for neg_log_loss:
                   auto (default) = used as they are when every row is non-negative and sums
                   to 1 (within 1e-3), else softmax; softmax; none (used as they are).
                   Accuracy takes the argmax, which no activation changes
  --batch-size N   rows per model call (default: as many as fit 2^18 input values)
  --json           print { "baselineScore", "features", "importancesMean",
                   "importancesStd", "importances" } instead of a table
  -h, --help       show this help
`;

const defaults = { nRepeats: 5, seed: 0, act: 'auto' } as const;
const SCORINGS = ['accuracy', 'neg_log_loss', 'r2', 'neg_mean_squared_error'] as const;
type ScoringName = (typeof SCORINGS)[number];

/** `interp importance`: see USAGE. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      model: { type: 'string' },
      data: { type: 'string' },
      targs: { type: 'string' },
      target: { type: 'string' },
      'n-repeats': { type: 'string' },
      seed: { type: 'string' },
      scoring: { type: 'string' },
      act: { type: 'string' },
      'batch-size': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'importance',
  );
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.model === undefined) {
    throw new UsageError('missing --model DIR/model.json; see interp importance --help');
  }
  if (values.data === undefined) {
    throw new UsageError('missing --data X.npy|X.csv; see interp importance --help');
  }
  if ((values.targs === undefined) === (values.target === undefined)) {
    throw new UsageError(
      'pass exactly one of --targs Y (a targets file) or --target COLUMN (a column of the CSV); see interp importance --help',
    );
  }
  const nRepeats = integerOption(values['n-repeats'], '--n-repeats', defaults.nRepeats, 1);
  const seed = integerOption(values.seed, '--seed', defaults.seed, 0);
  const batchSize =
    values['batch-size'] === undefined
      ? undefined
      : integerOption(values['batch-size'], '--batch-size', 0, 1);
  const scoringOption =
    values.scoring === undefined
      ? undefined
      : keyword(values.scoring as ScoringName, '--scoring', SCORINGS);
  const act = keyword(
    values.act as 'auto' | 'softmax' | 'none' | undefined,
    '--act',
    ['auto', 'softmax', 'none'],
    defaults.act,
  );

  const data = await readImportanceData(values.data, values.targs, values.target, io.cwd);

  const [tf, tfl, core, tabular, files] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
    import('@interp/core'),
    import('@interp/tabular'),
    import('../io/layers-model-files.js'),
  ]);
  await core.setupBackend('wasm', { warn: (m) => io.stderr.write(`${m}\n`) });
  const model = await files.loadLayersModelFromFile(
    { ...tfl, io: tf.io },
    resolvePath(io.cwd, values.model),
  );
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  if (model.inputs.length !== 1 || inShape.length !== 2 || model.outputs.length !== 1) {
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
      `${values.model} expects ${inShape[1]} features per row but ${values.data} has ${nFeatures} feature column(s)${values.target === undefined ? '' : ` (besides ${values.target})`}`,
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
  const learn = core.Learner.fromLayersModel(model, {
    dls: new core.DataLoaders(dl, dl),
    lossFunc: classifier ? core.crossEntropyPerItem : core.mseLossPerItem,
  });
  let activation: 'softmax' | 'none' = 'none';
  if (classifier && scoring === 'neg_log_loss') {
    activation = act === 'auto' ? await probabilitiesOrSoftmax(tf, learn, data) : act;
  }
  const fi = new tabular.FeatureImportance(learn);
  const r = await fi.permutationImportance({
    dl,
    nRepeats,
    randomState: seed,
    scoring,
    featureNames: data.featureNames,
    act: activation,
    ...(batchSize === undefined ? {} : { batchSize }),
  });
  model.dispose();

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
      f,
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

function integerOption(text: string | undefined, name: string, fallback: number, min: number) {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function resolvePath(cwd: string, file: string): string {
  return resolve(cwd, file);
}

/**
 * --act auto: the outputs are probabilities when every row is non-negative and sums to 1 within
 * 1e-3 (a softmax last layer); otherwise they are logits and get a softmax.
 */
async function probabilitiesOrSoftmax(
  tf: typeof import('@tensorflow/tfjs-core'),
  learn: import('@interp/core').Learner,
  data: { x: Float32Array; shape: [number, number] },
): Promise<'none' | 'softmax'> {
  const x = tf.tensor2d(data.x, data.shape);
  let out: import('@tensorflow/tfjs-core').Tensor | undefined;
  try {
    out = learn.predict(x);
    const p = await out.data();
    const c = out.shape[1]!;
    for (let i = 0; i < data.shape[0]; i++) {
      let sum = 0;
      for (let k = 0; k < c; k++) {
        const v = p[i * c + k]!;
        if (v < 0) return 'softmax';
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-3) return 'softmax';
    }
    return 'none';
  } finally {
    x.dispose();
    out?.dispose();
  }
}
