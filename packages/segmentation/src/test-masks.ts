// Hand-worked fixture shared by the metric tests (excluded from the build).
//
// 4 classes, 3 x 4 pixels, 255 = ignore. Class 2 is predicted only on an ignored pixel, so it is
// absent everywhere once ignored pixels are dropped; class 3 is only predicted (never a target).
//
//   targs  0 0 0 0      preds  0 0 3 0
//          1 1 1 255           1 1 0 2
//          0 1 255 0           0 3 1 1
//
// Counted pixels (t, p): (0,0) x4, (0,3), (0,1), (1,1) x2, (1,0), (1,3) -> rows = target:
export const TARGS = [0, 0, 0, 0, 1, 1, 1, 255, 0, 1, 255, 0];
export const PREDS = [0, 0, 3, 0, 1, 1, 0, 2, 0, 3, 1, 1];
export const NUM_CLASSES = 4;
export const IGNORE = 255;
export const MATRIX = [
  [4, 1, 0, 1],
  [1, 2, 0, 1],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
];
// TP = [4, 2, 0, 0], target pixels = [6, 4, 0, 0], predicted pixels = [5, 3, 0, 2], total 10.
export const EXPECTED = {
  perClassAccuracy: [4 / 6, 2 / 4, Number.NaN, Number.NaN],
  iou: [4 / (6 + 5 - 4), 2 / (4 + 3 - 2), Number.NaN, 0 / 2],
  dice: [8 / (6 + 5), 4 / (4 + 3), Number.NaN, 0 / 2],
  meanIoU: (4 / 7 + 2 / 5 + 0) / 3,
  frequencyWeightedIoU: (6 / 10) * (4 / 7) + (4 / 10) * (2 / 5),
  pixelAccuracy: 6 / 10,
};

/** Scores (channels last) whose argmax is PREDS, with ties and negative values on purpose. */
export function scoresFor(preds: readonly number[], numClasses: number): Float32Array {
  const s = new Float32Array(preds.length * numClasses).fill(-1);
  preds.forEach((p, i) => {
    s[i * numClasses + p] = 2;
    // a tie with a higher class: the lower one must win
    if (p + 1 < numClasses && i % 2 === 0) s[i * numClasses + p + 1] = 2;
  });
  return s;
}

/** The obvious reference: argmax with ties to the lower class, then count. */
export function referenceConfusion(
  scores: ArrayLike<number>,
  numClasses: number,
  targs: ArrayLike<number>,
  ignoreIndex?: number,
): Float64Array {
  const cm = new Float64Array(numClasses * numClasses);
  for (let i = 0; i < targs.length; i++) {
    let arg = 0;
    for (let k = 1; k < numClasses; k++) {
      if (scores[i * numClasses + k]! > scores[i * numClasses + arg]!) arg = k;
    }
    const t = targs[i]!;
    if (t === ignoreIndex) continue;
    cm[t * numClasses + arg]! += 1;
  }
  return cm;
}

/** Seeded random scores quantized to a few levels (many ties) and labels with some ignored. */
export function randomCase(pixels: number, numClasses: number, seed: number, ignoreIndex = 255) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const scores = new Float64Array(pixels * numClasses);
  for (let i = 0; i < scores.length; i++) scores[i] = Math.floor(next() * 4) - 1.5;
  const targs = new Int32Array(pixels);
  for (let i = 0; i < pixels; i++)
    targs[i] = next() < 0.1 ? ignoreIndex : Math.floor(next() * numClasses);
  return { scores, targs };
}
