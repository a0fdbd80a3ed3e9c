import { barChart, heatmap, imageGrid, imageToDataURL, lineChart } from '@interp/viz';

// Every plot function returns a DOM element: in the browser, append it to the page.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const cm = heatmap(
  [
    [50, 2, 1],
    [5, 43, 2],
    [0, 3, 47],
  ],
  {
    xLabels: ['cat', 'dog', 'bird'],
    yLabels: ['cat', 'dog', 'bird'],
    xLabel: 'Predicted',
    yLabel: 'Actual',
    title: 'heatmap',
    width: 300,
    height: 280,
  },
);
const bars = barChart(
  [
    { label: 'flipper length', value: 0.31, error: 0.03 },
    { label: 'bill length', value: 0.22, error: 0.02 },
    { label: 'island', value: 0.04, error: 0.01 },
  ],
  { title: 'barChart', xLabel: 'drop in accuracy', width: 360 },
);
const steps = Array.from({ length: 50 }, (_, i) => i);
const lines = lineChart(
  [
    { name: 'train', x: steps, y: steps.map((i) => 2 * Math.exp(-i / 12) + 0.1) },
    { name: 'valid', x: steps, y: steps.map((i) => 2 * Math.exp(-i / 15) + 0.2) },
  ],
  { title: 'lineChart', xLabel: 'batch', yLabel: 'loss', width: 360, height: 240 },
);
const ramp = (f: (r: number, c: number) => number) => ({
  data: Float32Array.from({ length: 16 * 16 }, (_, i) => f(Math.floor(i / 16), i % 16)),
  shape: [16, 16] as [number, number],
});
const grid = imageGrid(
  [
    { src: imageToDataURL(ramp((r, c) => (r + c) / 30)), caption: 'diagonal' },
    {
      src: imageToDataURL(
        ramp((r) => r / 15),
        { cmap: 'viridis' },
      ),
      caption: 'viridis',
    },
    { src: imageToDataURL(ramp((r, c) => ((r ^ c) & 4 ? 1 : 0))), caption: ['checker', 'board'] },
  ],
  { title: 'imageGrid', imageSize: 80 },
);
out.append(cm, bars, lines, grid);
