import type { ClassificationInterpretation } from '@interp/classification';
import type { Learner, NDArray } from '@interp/core';
import { figure, type ReportSection } from './report-html.js';

/** One attribution map per item, for {@link attributionGrid}. */
export interface AttributionMaps {
  /** Caption under item `k`'s map. */
  caption: (k: number) => string;
  /** The maps of all items, item `k` at `k * H * W * C`, channels last (summed for display). */
  data: ArrayLike<number>;
  /** Blend over the image (default) or show the map alone (as |saliency|). */
  overlay?: boolean;
}

/** What {@link attributionGrid} draws. */
export interface AttributionGridInput {
  interp: ClassificationInterpretation;
  document: Document;
  /** The items shown, in order (item `k` of the maps is `indices[k]`). */
  indices: readonly number[];
  /** Item `k`'s image, HWC in [0, 1], for display. */
  image: (k: number) => NDArray<Float32Array>;
  maps: readonly AttributionMaps[];
  title: string;
}

/**
 * An SVG grid, one row of cells per item: the image (captioned predicted/actual, green when right)
 * then each attribution map (signed maps blended over the image, green positive, red negative).
 * Shared by the demo and `interp report`.
 *
 * @example
 * ```ts
 * const svg = await attributionGrid({ interp, document, indices: [4, 9], image, maps: [{ caption: () => 'ig', data }], title: 'IG' });
 * ```
 */
export async function attributionGrid(input: AttributionGridInput): Promise<string> {
  const attr = await import('@interp/attribution');
  const viz = await import('@interp/viz');
  const { interp, indices, maps } = input;
  const cells: { src: string; caption: string; color?: string }[] = [];
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    const image = input.image(k);
    const [h, w, channels] = image.shape as [number, number, number];
    const pred = interp.classNames[interp.decoded.data[i]!]!;
    const actual = interp.classNames[interp.targs.data[i]!]!;
    cells.push({
      src: viz.imageToDataURL(image),
      caption: `${pred}/${actual}`,
      color: pred === actual ? '#1a7f37' : '#cf222e',
    });
    for (const m of maps) {
      const c = m.data.length / (indices.length * h * w);
      // Channels summed, as Captum's visualize_image_attr does for a heat map.
      const map = {
        data: Float32Array.from({ length: h * w }, (_, p) => {
          let v = 0;
          for (let j = 0; j < c; j++) v += m.data[(k * h * w + p) * c + j]!;
          return v;
        }),
        shape: [h, w, 1] as [number, number, number],
      };
      const gray =
        channels === 1
          ? image
          : {
              data: Float32Array.from(
                { length: h * w },
                (_, p) =>
                  (image.data[3 * p]! + image.data[3 * p + 1]! + image.data[3 * p + 2]!) / 3,
              ),
              shape: [h, w, 1] as [number, number, number],
            };
      const rendered =
        m.overlay === false
          ? await attr.attributionOverlay(undefined, map, { sign: 'absolute_value' })
          : await attr.attributionOverlay(gray, map, {
              method: 'blended_heat_map',
              sign: 'all',
              alpha: 0.6,
            });
      cells.push({ src: rendered.dataURL, caption: m.caption(k) });
    }
  }
  return viz.toSVGString(
    viz.imageGrid(cells, {
      ncols: Math.min(8, (maps.length + 1) * Math.max(1, Math.floor(8 / (maps.length + 1)))),
      imageSize: 84,
      title: input.title,
      document: input.document,
    }),
  );
}

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
    const image = (k: number) => ({
      data: pixels.subarray(k * 784, (k + 1) * 784),
      shape: [28, 28, 1] as [number, number, number],
    });
    const grid = await attributionGrid({
      interp,
      document,
      indices: Array.from(indices),
      image,
      maps: [
        { caption: () => 'saliency', data: s, overlay: false },
        { caption: (k) => `IG (δ ${d[k]!.toExponential(1)})`, data: g },
        { caption: () => 'GradCAM (signed)', data: c },
      ],
      title: 'Top-loss digits: input, saliency, Integrated Gradients, GradCAM',
    });
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
