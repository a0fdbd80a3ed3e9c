import { resolve } from 'node:path';
import type { ClassificationInterpretation } from '@interp/classification';
import { InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { escapeHtml, type ReportSection } from '../demo/report-html.js';
import { importanceSection } from '../demo/tabular-section.js';
import { progressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { asProbabilities } from './report-probabilities.js';

/** The table report's inputs. */
export interface TableReportInput {
  model: string;
  data: string;
  targetColumn: string | undefined;
  batchSize: number;
  /** setupBackend's threads, from threadsOption. */
  threads: true | number;
}

/**
 * The report of a classifier on a table: the classification sections (from `classify`) on its
 * predictions, then permutation importance (accuracy drop, 5 seeded repeats) and the partial
 * dependence of the most important feature.
 *
 * @example
 * ```ts
 * const sections = await tableReport({ model, data: 'penguins.csv', targetColumn: 'species', batchSize: 256 }, document, io, classify);
 * ```
 */
export async function tableReport(
  input: TableReportInput,
  document: Document,
  io: CliIO,
  classify: (interp: ClassificationInterpretation) => Promise<ReportSection[]>,
): Promise<ReportSection[]> {
  if (input.targetColumn === undefined) {
    throw new UsageError(
      'a table needs --target-column NAME (the column holding the classes); see interp report --help',
    );
  }
  const { loadTable } = await import('@interp/data/node');
  const table = loadTable(resolve(io.cwd, input.data), { targetColumn: input.targetColumn });
  if (!(table.targets instanceof Int32Array)) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${input.data}: column ${input.targetColumn} holds non-integer numbers; interp report handles classifiers (text or class-id targets)`,
    );
  }
  const targets = table.targets;
  const [tf, core, tabular, models, { ClassificationInterpretation }] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('@interp/tabular'),
    import('../io/load-model.js'),
    import('@interp/classification'),
  ]);
  await core.setupBackend('wasm', {
    threads: input.threads,
    warn: (m) => io.stderr.write(`${m}\n`),
  });
  const loaded = await models.loadModel(resolve(io.cwd, input.model));
  try {
    const { graph, layersModel } = loaded;
    const [n, f] = table.x.shape as [number, number];
    if (graph.inputShape.length !== 2 || graph.inputShape[1] !== f) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${input.model} takes input [${graph.inputShape.map((d) => d ?? 'N').join(', ')}] but ${input.data} has ${f} feature columns besides ${input.targetColumn}`,
      );
    }
    const bar = progressBar(io.stderr, 'predicting', { delayMs: 500 });
    const y = tf.tidy(() => graph.predict(tf.tensor2d(table.x.data, [n, f])));
    const c = y.shape[1] ?? 1;
    const scores = (await y.data()) as Float32Array;
    y.dispose();
    bar.update(1, 1);
    bar.finish();
    const vocab = table.vocab ?? Array.from({ length: c }, (_, k) => String(k));
    if (c < 2 || vocab.length > c) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${input.model} gives ${c} scores per row but column ${input.targetColumn} has ${vocab.length} classes; interp report needs one score per class`,
      );
    }
    const names =
      vocab.length === c
        ? vocab
        : [
            ...vocab,
            ...Array.from({ length: c - vocab.length }, (_, k) => String(vocab.length + k)),
          ];
    const { probs } = asProbabilities(scores, c, input.model);
    const interp = ClassificationInterpretation.fromPredictions({
      preds: { data: probs, shape: [n, c] },
      targs: targets,
      vocab: names,
    });
    const sections = await classify(interp);

    const dl = core.arrayDataLoader(
      { data: table.x.data, shape: [n, f] },
      { data: Float32Array.from(targets), shape: [n] },
      { batchSize: n },
    );
    const learnerOptions = {
      dls: new core.DataLoaders(dl, dl),
      lossFunc: core.crossEntropyPerItem,
    };
    const learn = layersModel
      ? core.Learner.fromLayersModel(layersModel, learnerOptions)
      : new core.Learner((x) => graph.predict(x), learnerOptions);
    const fi = new tabular.FeatureImportance(learn);
    const pbar = progressBar(io.stderr, 'permutations', { delayMs: 500 });
    const r = await fi.permutationImportance({
      dl,
      nRepeats: 5,
      randomState: 0,
      scoring: 'accuracy',
      featureNames: table.featureNames,
      onProgress: (done, total) => pbar.update(done, total),
    });
    pbar.finish();
    sections.push(
      await importanceSection(learn, fi, r, {
        id: 'tabular',
        title: 'Feature importance',
        document,
        intro: `<p>Permutation importance of the ${f} feature columns of ${escapeHtml(input.data)}: the drop in accuracy (baseline ${r.baselineScore.toFixed(4)}) when one column is shuffled, 5 seeded repeats, mean ± std.</p>`,
        pdCaption:
          'Predicted probability of each class: the average (thick) and individual rows (ICE, thin) as the feature varies over its 5th-95th percentile range.',
        featureNames: table.featureNames,
      }),
    );
    return sections;
  } finally {
    loaded.dispose();
  }
}
