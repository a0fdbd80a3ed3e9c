import { ClassificationInterpretation } from '@interp/classification';
import { InteractiveClassifier } from '@interp/widgets';

// A widget over predictions made elsewhere (no model needed): 60 tiny 8x8 "images" of 3 classes.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const vocab = ['stripes', 'dots', 'crosses'];
const n = 60;
const targs = Int32Array.from({ length: n }, (_, i) => i % 3);
const preds = new Float32Array(n * 3);
const images = new Float32Array(n * 64);
for (let i = 0; i < n; i++) {
  const t = targs[i]!;
  // Every fifth item is confused with the next class, more or less confidently.
  const top = i % 5 === 0 ? (t + 1) % 3 : t;
  const confidence = 0.5 + ((i * 7) % 10) / 25;
  for (let c = 0; c < 3; c++) preds[i * 3 + c] = c === top ? confidence : (1 - confidence) / 2;
  for (let p = 0; p < 64; p++) {
    const [r, c] = [Math.floor(p / 8), p % 8];
    const on =
      t === 0 ? r % 2 === 0 : t === 1 ? r % 3 === 1 && c % 3 === 1 : r === c || r === 7 - c;
    images[i * 64 + p] = on ? 1 : 0.1;
  }
}
const interp = ClassificationInterpretation.fromPredictions({
  preds: { data: preds, shape: [n, 3] },
  targs,
  vocab,
  inputs: { data: images, shape: [n, 8, 8] },
});
const widget = InteractiveClassifier.fromInterpretation(interp, {
  title: 'Predictions (made up)',
});
await widget.show(out);
