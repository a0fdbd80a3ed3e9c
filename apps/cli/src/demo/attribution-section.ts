import type { ClassificationInterpretation } from '@interp/classification';
import type { Learner } from '@interp/core';
import { figure, type ReportSection } from './report-html.js';

/**
 * The report's attribution section: for the top-loss digits, the input next to its saliency map,
 * Integrated Gradients and GradCAM, each explaining the predicted class.
 */
export async function attributionSection(
  learn: Learner,
  interp: ClassificationInterpretation,
  document: Document,
  count = 8,
): Promise<ReportSection> {
  const tf = await import('@tensorflow/tfjs-core');
  const attr = await import('@interp/attribution');
  const viz = await import('@interp/viz');
  const { indices } = interp.topLosses(count);
  const items = await Promise.all(Array.from(indices, (i) => interp.item(i)));
  const pixels = new Float32Array(count * 784);
  items.forEach((it, k) => {
    if (it.kind === 'image') pixels.set(it.data, k * 784);
  });
  const x = tf.tensor4d(pixels, [count, 28, 28, 1]);
  const t0 = performance.now();
  const saliency = await attr.saliencyMap(learn, x);
  const ig = new attr.IntegratedGradients(learn);
  const { attributions: igAttr, delta } = await ig.attribute(x, {
    nSteps: 50,
    returnConvergenceDelta: true,
  });
  // Without the ReLU: with a flatten + dense head the channel weights (mean gradients) can be
  // negative almost everywhere, and a ReLU'd map would be blank; the signed map shows both.
  const cam = await new attr.GradCAM(learn).attribute(x, { relu: false });
  const seconds = (performance.now() - t0) / 1000;
  try {
    const [s, g, c, d] = await Promise.all([
      saliency.data(),
      igAttr.data(),
      cam.data(),
      delta.data(),
    ]);
    const cells: { src: string; caption: string; color?: string }[] = [];
    for (let k = 0; k < count; k++) {
      const i = indices[k]!;
      const image = {
        data: pixels.subarray(k * 784, (k + 1) * 784),
        shape: [28, 28, 1] as [number, number, number],
      };
      const map = (a: ArrayLike<number>) => ({
        data: Float32Array.from({ length: 784 }, (_, p) => a[k * 784 + p]!),
        shape: [28, 28, 1] as [number, number, number],
      });
      const pred = interp.classNames[interp.decoded.data[i]!]!;
      const actual = interp.classNames[interp.targs.data[i]!]!;
      cells.push({
        src: viz.imageToDataURL(image),
        caption: `${pred}/${actual}`,
        color: pred === actual ? '#1a7f37' : '#cf222e',
      });
      cells.push({
        src: (await attr.attributionOverlay(undefined, map(s), { sign: 'absolute_value' })).dataURL,
        caption: 'saliency',
      });
      cells.push({
        src: (
          await attr.attributionOverlay(image, map(g), {
            method: 'blended_heat_map',
            sign: 'all',
            alpha: 0.6,
          })
        ).dataURL,
        caption: `IG (δ ${d[k]!.toExponential(1)})`,
      });
      cells.push({
        src: (
          await attr.attributionOverlay(image, map(c), {
            method: 'blended_heat_map',
            sign: 'all',
            alpha: 0.6,
          })
        ).dataURL,
        caption: 'GradCAM (signed)',
      });
    }
    const grid = viz.toSVGString(
      viz.imageGrid(cells, {
        ncols: 8,
        imageSize: 84,
        title: 'Top-loss digits: input, saliency, Integrated Gradients, GradCAM',
        document,
      }),
    );
    return {
      id: 'attribution',
      title: 'Attribution',
      body: [
        `<p>Which pixels drove each prediction of the ${count} digits with the largest loss (predicted class explained). Saliency: |∂score/∂x|; Integrated Gradients: 50 Gauss–Legendre steps from a black baseline (green positive, red negative; δ is the completeness gap); GradCAM on the last layer with a spatial output, shown signed (before its ReLU: this net's flatten + dense head gives negative channel weights on much of the map). Computed in ${seconds.toFixed(1)} s on WASM.</p>`,
        figure(grid),
      ].join('\n'),
    };
  } finally {
    tf.dispose([x, saliency, igAttr, cam, delta]);
  }
}
