import {
  ClassificationInterpretation,
  confusionMatrix,
  expectedCalibrationError,
} from '@interp/classification';

// Scores from any model (here made up): 300 items, 3 classes, where 'cat' is often taken for 'dog'.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const vocab = ['cat', 'dog', 'bird'];
const n = 300;
const targs = Int32Array.from({ length: n }, (_, i) => i % 3);
const preds = new Float32Array(n * 3);
for (let i = 0; i < n; i++) {
  const t = targs[i]!;
  const wrong = t === 0 && i % 4 === 0 ? 1 : i % 17 === 0 ? (t + 2) % 3 : -1;
  const top = wrong >= 0 ? wrong : t;
  for (let c = 0; c < 3; c++) preds[i * 3 + c] = c === top ? 0.7 : 0.15;
}

// The tfjs-free metric: typed arrays in, counts out.
const decoded = Int32Array.from({ length: n }, (_, i) => {
  const row = preds.subarray(i * 3, i * 3 + 3);
  return row.indexOf(Math.max(...row));
});
const cm = confusionMatrix(targs, decoded, 3);

// The interpretation: report, most confused pairs, confusion matrix plot.
const interp = ClassificationInterpretation.fromPredictions({
  preds: { data: preds, shape: [n, 3] },
  targs,
  vocab,
});
const ece = expectedCalibrationError(preds, 3, targs, { nBins: 10 });
const pre = document.createElement('pre');
pre.textContent = [
  `confusionMatrix: ${JSON.stringify(cm)}`,
  `mostConfused(): ${JSON.stringify(interp.mostConfused())}`,
  `expected calibration error: ${ece.ece.toFixed(3)}`,
  '',
  interp.printClassificationReport({ log: () => {} }),
].join('\n');
out.append(pre, interp.plotConfusionMatrix({ title: 'Confusion matrix' }));
