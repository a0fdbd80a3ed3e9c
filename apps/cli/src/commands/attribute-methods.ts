// The attribution methods of `interp attribute`, run with a progress bar: Integrated Gradients
// and occlusion one slice of items at a time (each item's attribution is independent of the
// others), SmoothGrad through a NoiseTunnel whose wrapped saliency call counts its rows (the
// noise stream, and so the result, is the one SmoothGrad draws).
import type { AttributionModel } from '@interp/attribution';
import type * as tfc from '@tensorflow/tfjs-core';

/** The methods `--method` names. */
export const ATTRIBUTE_METHODS = [
  'saliency',
  'gxi',
  'ig',
  'gradcam',
  'smoothgrad',
  'occlusion',
] as const;
export type AttributeMethod = (typeof ATTRIBUTE_METHODS)[number];

/** The CLI's own SmoothGrad choices: noise is relative to the input's value range. */
export const smoothGradCliDefaults = { nSamples: 10, noise: 0.15, seed: 0 } as const;

export interface AttributeRun {
  method: AttributeMethod;
  targets: Int32Array;
  nSteps: number;
  igMethod: import('@interp/attribution').ApproximationMethod;
  nSamples: number;
  layer: string | undefined;
  /** Called with (done, total) work units as the run goes. */
  progress: (done: number, total: number) => void;
}

/** Attributions (and IG's convergence deltas), the caller's to dispose. */
export async function computeAttributions(
  tf: typeof import('@tensorflow/tfjs-core'),
  attribution: typeof import('@interp/attribution'),
  model: AttributionModel,
  x: tfc.Tensor,
  run: AttributeRun,
  occlusionWindow: (item: number[]) => {
    slidingWindowShapes: number[];
    strides: number | number[];
  },
): Promise<{
  attributions: tfc.Tensor;
  delta?: tfc.Tensor;
  /** GradCAM: the layer it weighted (given or chosen by default) and its warnings. */
  layer?: string;
  warnings?: string[];
}> {
  const { method, targets } = run;
  if (method === 'saliency') {
    return { attributions: await attribution.saliencyMap(model, x, { target: targets }) };
  }
  if (method === 'gxi') {
    return { attributions: await attribution.gradientTimesInput(model, x, { target: targets }) };
  }
  if (method === 'gradcam') {
    const cam = new attribution.GradCAM(model, { layer: run.layer });
    const attributions = await cam.attribute(x, { target: targets });
    return { attributions, layer: cam.layerName, warnings: cam.warnings };
  }
  if (method === 'smoothgrad') {
    const range = await valueRange(tf, x);
    const n = x.shape[0]!;
    const total = n * run.nSamples;
    let done = 0;
    run.progress(0, total);
    const tunnel = new attribution.NoiseTunnel(model, async (noisy, { target }) => {
      const a = await attribution.saliencyMap(model, noisy, { target, abs: false });
      done += noisy.shape[0]!;
      run.progress(done, total);
      return a;
    });
    const attributions = await tunnel.attribute(x, {
      target: targets,
      nSamples: run.nSamples,
      stdevs: smoothGradCliDefaults.noise * (range > 0 ? range : 1),
      randomState: smoothGradCliDefaults.seed,
    });
    return { attributions };
  }
  // IG and occlusion: item slices, so the bar moves on long runs.
  const n = x.shape[0]!;
  const per = Math.max(1, Math.ceil(n / 50));
  const parts: tfc.Tensor[] = [];
  const deltas: tfc.Tensor[] = [];
  try {
    run.progress(0, n);
    for (let start = 0; start < n; start += per) {
      const count = Math.min(per, n - start);
      const xi = tf.slice(x, start, count);
      const ti = targets.subarray(start, start + count);
      try {
        if (method === 'ig') {
          const r = await new attribution.IntegratedGradients(model).attribute(xi, {
            target: ti,
            nSteps: run.nSteps,
            method: run.igMethod,
            returnConvergenceDelta: true,
          });
          parts.push(r.attributions);
          deltas.push(r.delta);
        } else {
          const occlusion = new attribution.Occlusion(model);
          parts.push(
            await occlusion.attribute(xi, { target: ti, ...occlusionWindow(x.shape.slice(1)) }),
          );
        }
      } finally {
        xi.dispose();
      }
      run.progress(start + count, n);
    }
    const attributions = parts.length === 1 ? parts.pop()! : tf.concat(parts);
    if (method !== 'ig') return { attributions };
    const delta = deltas.length === 1 ? deltas.pop()! : tf.concat(deltas);
    return { attributions, delta };
  } finally {
    // The slices (all of them when a slice failed); a single slice was handed over above.
    tf.dispose(parts);
    tf.dispose(deltas);
  }
}

async function valueRange(tf: typeof import('@tensorflow/tfjs-core'), x: tfc.Tensor) {
  const [lo, hi] = tf.tidy(() => [tf.min(x), tf.max(x)]);
  const range = (await hi!.data())[0]! - (await lo!.data())[0]!;
  tf.dispose([lo!, hi!]);
  return range;
}
