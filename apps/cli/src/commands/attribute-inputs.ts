// The array files of `interp attribute`: --baseline FILE.npy and --feature-mask FILE.npy,
// checked against the fitted input before any tensor is made, and the run options built from them.
import type { RunAttributionOptions } from '@interp/attribution/methods';
import { InterpError } from '@interp/core/base';
import { readNpyFile } from '@interp/data/files';
import type * as tfc from '@tensorflow/tfjs-core';

/** A loaded array, shaped for the library (a leading axis of 1 or k items). */
export interface LoadedArray {
  data: Float32Array | Int32Array;
  shape: number[];
}

const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `--baseline FILE.npy`: one item (shape of x's item, shared by all items) or k items
 * ([k, ...item]: one per item, or the distribution DeepLiftShap and GradientShap draw from).
 *
 * @example
 * readBaseline('ref.npy', process.cwd(), [2, 4]); // ref.npy [4] -> { shape: [1, 4], ... }
 */
export function readBaseline(file: string, cwd: string, xShape: readonly number[]): LoadedArray {
  const npy = readNpyFile(file, cwd);
  const item = xShape.slice(1);
  const shape = same(npy.shape, item)
    ? [1, ...item]
    : npy.shape.length === xShape.length && same(npy.shape.slice(1), item) && npy.shape[0]! > 0
      ? npy.shape
      : undefined;
  if (shape === undefined) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `--baseline ${file} has shape [${npy.shape.join(', ')}]; expected one item [${item.join(', ')}] or k items [k, ${item.join(', ')}]`,
    );
  }
  const data = new Float32Array(npy.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(npy.data[i]!);
    if (!Number.isFinite(v)) {
      throw new InterpError(
        'NON_FINITE',
        `--baseline ${file}: value ${v} at index ${i} is not finite`,
      );
    }
    data[i] = v;
  }
  return { data, shape };
}

/**
 * `--feature-mask FILE.npy`: integer feature ids (any numeric dtype holding whole numbers), of
 * x's shape or broadcastable to it; an array without the batch axis gets a leading 1. Whether it
 * broadcasts is the library's check (it names both shapes).
 *
 * @example
 * readFeatureMask('mask.npy', process.cwd(), [2, 1, 4, 4]); // mask.npy [1, 4, 4] -> [1, 1, 4, 4]
 */
export function readFeatureMask(file: string, cwd: string, xShape: readonly number[]): LoadedArray {
  const npy = readNpyFile(file, cwd);
  const data = new Int32Array(npy.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(npy.data[i]!);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `--feature-mask ${file}: value ${v} at index ${i} is not an integer feature id; save the mask as integers (e.g. numpy int32)`,
      );
    }
    data[i] = v;
  }
  const shape = npy.shape.length === xShape.length - 1 ? [1, ...npy.shape] : npy.shape;
  return { data, shape };
}

/**
 * runAttribution's options from the parsed flags (only those given: checkMethodOptions has
 * refused the ones the method does not read): the --baseline and --feature-mask files become
 * tensors pushed onto `held` (the caller disposes them with the rest).
 *
 * @example
 * const options = runOptions(tf, { seed: 1 }, cwd, x, held); // { seed: 1 }
 */
export function runOptions(
  tf: typeof import('@tensorflow/tfjs-core'),
  values: {
    baseline?: string;
    'feature-mask'?: string;
    'n-steps'?: number;
    'ig-method'?: string;
    'n-samples'?: number;
    seed?: number;
    window?: number[];
    strides?: number[];
    layer?: string;
    neuron?: number[];
  },
  cwd: string,
  x: tfc.Tensor,
  held: tfc.Tensor[],
): RunAttributionOptions {
  const options: RunAttributionOptions = {
    nSteps: values['n-steps'],
    // Checked against APPROXIMATION_METHODS by the command before anything loads.
    approximation: values['ig-method'] as RunAttributionOptions['approximation'],
    nSamples: values['n-samples'],
    seed: values.seed,
    slidingWindowShapes: values.window,
    // Captum's strides default (1) with a given window.
    strides: values.window === undefined ? undefined : (values.strides ?? 1),
    layer: values.layer,
    neuron: values.neuron,
  };
  if (values.baseline === 'zeros') options.baselines = 0;
  else if (values.baseline !== undefined) {
    const b = readBaseline(values.baseline, cwd, x.shape);
    options.baselines = tf.tensor(b.data, b.shape);
    held.push(options.baselines);
  }
  if (values['feature-mask'] !== undefined) {
    const m = readFeatureMask(values['feature-mask'], cwd, x.shape);
    options.featureMask = tf.tensor(m.data, m.shape, 'int32');
    held.push(options.featureMask);
  }
  return options;
}
