import {
  confusionCountsToArray,
  diceCoefficient,
  intersectionOverUnion,
  meanIoU,
  pixelAccuracy,
  pixelConfusionMatrix,
} from '@interp/segmentation';

// Target and predicted label masks (any layout, flattened alike): 0 = background, 1 = car, 2 = road,
// 255 = void pixels that count nowhere.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const vocab = ['background', 'car', 'road'];
const target = Uint8Array.from([0, 0, 1, 1, 2, 2, 2, 255, 0, 1, 2, 2]);
const predicted = Uint8Array.from([0, 1, 1, 1, 2, 2, 0, 1, 0, 1, 2, 1]);
const cm = pixelConfusionMatrix(target, predicted, 3, { ignoreIndex: 255 });
const iou = intersectionOverUnion(cm);
const dice = diceCoefficient(cm);
const table = document.createElement('table');
const head = table.createTHead().insertRow();
for (const h of ['class', 'IoU', 'Dice']) head.insertCell().textContent = h;
const body = table.createTBody();
vocab.forEach((name, k) => {
  const row = body.insertRow();
  row.insertCell().textContent = name;
  row.insertCell().textContent = iou[k]!.toFixed(3);
  row.insertCell().textContent = dice[k]!.toFixed(3);
});
const pre = document.createElement('pre');
pre.textContent = [
  `pixel confusion matrix (rows target): ${JSON.stringify(confusionCountsToArray(cm))}`,
  `mean IoU ${meanIoU(cm).toFixed(3)}, pixel accuracy ${pixelAccuracy(cm).toFixed(3)}`,
].join('\n');
out.append(pre, table);
