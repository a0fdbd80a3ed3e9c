import {
  arrayDataLoader,
  crossEntropyPerItem,
  DataLoaders,
  type GraphSource,
  Learner,
  toModelGraph,
} from '@interp/core';
import { FeatureImportance } from '@interp/tabular';
import type * as tf from '@tensorflow/tfjs-core';

/** The page's permutation importance settings (as interp report's: accuracy drop, seeded). */
export const tableImportanceDefaults = { nRepeats: 5, randomState: 0 } as const;

/**
 * Permutation importance of the table's features, computed here in the browser, drawn as a list
 * of bars (largest first). Feature names are set as text.
 */
export async function showImportance(
  model: GraphSource,
  table: { features: string[]; x: (number | null)[] },
  targets: number[],
  out: HTMLElement,
): Promise<void> {
  const n = targets.length;
  const f = table.features.length;
  const x = Float32Array.from(table.x, (v) => (v === null ? Number.NaN : v));
  const dl = arrayDataLoader(
    { data: x, shape: [n, f] },
    { data: Float32Array.from(targets), shape: [n] },
    { batchSize: n },
  );
  const options = { dls: new DataLoaders(dl, dl), lossFunc: crossEntropyPerItem };
  const graph = toModelGraph(model);
  const learn = new Learner((t: tf.Tensor) => graph.predict(t), options);
  const r = await new FeatureImportance(learn).permutationImportance({
    dl,
    ...tableImportanceDefaults,
    scoring: 'accuracy',
    featureNames: table.features,
  });
  const section = document.createElement('section');
  section.id = 'importance';
  const h2 = document.createElement('h2');
  h2.textContent = 'Feature importance';
  const p = document.createElement('p');
  p.textContent = `Drop in accuracy (baseline ${r.baselineScore.toFixed(4)}) when one column is shuffled, ${tableImportanceDefaults.nRepeats} seeded repeats, mean ± std; computed in this page.`;
  const ol = document.createElement('ol');
  const order = r.features
    .map((_, i) => i)
    .sort((a, b) => r.importancesMean[b]! - r.importancesMean[a]!);
  const top = Math.max(1e-12, ...r.importancesMean.map(Math.abs));
  for (const i of order) {
    const li = document.createElement('li');
    li.dataset.feature = r.features[i]!;
    li.dataset.importance = String(r.importancesMean[i]);
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round((200 * Math.max(0, r.importancesMean[i]!)) / top)}px`;
    const label = document.createElement('span');
    label.textContent = `${r.features[i]}: ${r.importancesMean[i]!.toFixed(4)} ± ${r.importancesStd[i]!.toFixed(4)}`;
    li.append(bar, label);
    ol.append(li);
  }
  section.append(h2, p, ol);
  out.append(section);
}
