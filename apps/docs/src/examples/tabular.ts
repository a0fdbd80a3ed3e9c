import { FeatureImportance, Table, TabularData, tabularLearner } from '@interp/tabular';

// A table whose answer we know: the class is decided by `size` (strongly) and `color` (a little);
// `noise` is unrelated. Permutation importance should rank them in that order.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const n = 400;
let seed = 7;
const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
const size: number[] = [];
const color: string[] = [];
const noise: number[] = [];
const kind: string[] = [];
for (let i = 0; i < n; i++) {
  size.push(rand() * 10);
  color.push(rand() < 0.5 ? 'red' : 'blue');
  noise.push(rand());
  const score = size[i]! - 5 + (color[i] === 'red' ? 1.5 : -1.5);
  kind.push(score > 0 ? 'big' : 'small');
}
const table = Table.fromColumns({ size, color, noise, kind });
const data = new TabularData(table, {
  yName: 'kind',
  catNames: ['color'],
  contNames: ['size', 'noise'],
  seed: 0,
});
const learn = tabularLearner(data, { layers: [32, 16], seed: 0 });
await learn.fit(8, { lr: 1e-2 });
const fi = new FeatureImportance(learn);
const r = await fi.permutationImportance({ nRepeats: 5, randomState: 0 });
const pre = document.createElement('pre');
pre.textContent = [
  `validation accuracy ${(100 * learn.recorder.epochs.at(-1)!.metrics.accuracy!).toFixed(1)}%`,
  ...r.features.map(
    (f, i) =>
      `${f.padEnd(10)} ${r.importancesMean[i]!.toFixed(3)} ± ${r.importancesStd[i]!.toFixed(3)}`,
  ),
].join('\n');
out.append(pre, fi.plotImportance({ maxVars: 5, figsize: [6, 2.6] }));
