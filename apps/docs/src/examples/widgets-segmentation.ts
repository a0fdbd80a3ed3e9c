import { Interpretation } from '@interp/core';
import { InteractiveSegmentation } from '@interp/widgets';

// Masks from any segmentation model (made up here): 12 images of 24x24 with a square (class 1)
// and a disc (class 2); the "prediction" shifts the square by a few pixels and misses part of the disc.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const n = 12;
const s = 24;
const targs = new Int32Array(n * s * s);
const decoded = new Int32Array(n * s * s);
const images = new Float32Array(n * s * s);
const losses = new Float32Array(n);
for (let i = 0; i < n; i++) {
  const shift = i % 4;
  let wrong = 0;
  for (let r = 0; r < s; r++) {
    for (let c = 0; c < s; c++) {
      const k = i * s * s + r * s + c;
      const inSquare = (dr: number) => r >= 3 + dr && r < 11 + dr && c >= 3 && c < 11;
      const inDisc = (r - 15) ** 2 + (c - 15) ** 2 < 25;
      targs[k] = inSquare(0) ? 1 : inDisc ? 2 : 0;
      decoded[k] = inSquare(shift) ? 1 : inDisc && c < 18 - (i % 3) ? 2 : 0;
      images[k] = targs[k] === 0 ? 0.1 + 0.05 * ((r * c) % 3) : targs[k] === 1 ? 0.8 : 0.55;
      if (targs[k] !== decoded[k]) wrong++;
    }
  }
  losses[i] = wrong / (s * s);
}
const interp = new Interpretation({
  targs: { data: targs, shape: [n, s, s] },
  decoded: { data: decoded, shape: [n, s, s] },
  losses,
  inputs: { data: images, shape: [n, s, s] },
  vocab: ['background', 'square', 'disc'],
});
const widget = InteractiveSegmentation.fromInterpretation(interp, { opacity: 0.6 });
await widget.show(out);
