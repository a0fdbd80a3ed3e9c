import { InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { UsageError } from '../usage-error.js';
import { exploreDefaults } from './explore.js';
import { addModelFiles, type ExploreData } from './explore-data.js';
import type { RouteTable } from './explore-routes.js';
import { asProbabilities } from './report-probabilities.js';

/**
 * Loads a table (.csv or .npy) and its classifier, predicts in Node, and adds the model files to
 * `routes`; the page computes permutation importance in the browser from the rows in data.json.
 */
export async function exploreTable(
  input: { model: string; data: string; targetColumn?: string },
  routes: RouteTable,
  io: CliIO,
): Promise<ExploreData> {
  if (input.targetColumn === undefined) {
    throw new UsageError('a table needs --target-column NAME (the column holding the classes)');
  }
  const [{ loadTable }, tf, core, models] = await Promise.all([
    import('@interp/data/node'),
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('../io/load-model.js'),
  ]);
  const table = loadTable(input.data, { targetColumn: input.targetColumn });
  if (!(table.targets instanceof Int32Array)) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${input.data}: column ${input.targetColumn} holds non-integer numbers; explore shows classifiers (text or class-id targets)`,
    );
  }
  const [n, f] = table.x.shape as [number, number];
  if (n > exploreDefaults.maxItems) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${input.data} has ${n} rows; explore shows at most ${exploreDefaults.maxItems} (pass a sample)`,
    );
  }
  await core.setupBackend('wasm', { warn: (m) => io.stderr.write(`${m}\n`) });
  const loaded = await models.loadModel(input.model);
  try {
    const shape = loaded.graph.inputShape;
    if (shape.length !== 2 || shape[1] !== f) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${input.model} takes input [${shape.map((d) => d ?? 'N').join(', ')}] but ${input.data} has ${f} feature columns besides ${input.targetColumn}`,
      );
    }
    const y = tf.tidy(() => loaded.graph.predict(tf.tensor2d(table.x.data, [n, f])));
    const classes = y.shape[1] ?? 1;
    const scores = (await y.data()) as Float32Array;
    y.dispose();
    const vocab = table.vocab ?? Array.from({ length: classes }, (_, k) => String(k));
    if (classes < 2 || vocab.length !== classes) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${input.model} gives ${classes} scores per row but column ${input.targetColumn} has ${vocab.length} classes; explore needs one score per class`,
      );
    }
    const { probs } = asProbabilities(scores, classes, input.model);
    return {
      task: 'tabular',
      vocab,
      targets: Array.from(table.targets),
      probs: Array.from(probs),
      classes,
      files: [],
      thumbs: false,
      table: { features: table.featureNames, x: Array.from(table.x.data) },
      model: {
        url: addModelFiles(routes, input.model),
        format: loaded.format,
        layout: 'NHWC',
        mean: [],
        std: [],
      },
    };
  } finally {
    loaded.dispose();
  }
}
