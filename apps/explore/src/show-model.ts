import { ClassificationInterpretation } from '@interp/classification';
import { arrayDataLoader, DataLoaders, Learner, type ModelGraph } from '@interp/core';
import { type ImageLayout, imageToInput, type RawImage } from '@interp/data';
import { InteractiveClassifier } from '@interp/widgets';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** Labelled images and how to normalize them for the model. */
export interface ImageSet {
  images: RawImage[];
  targets: number[];
  vocab: string[];
  mean: number[];
  std: number[];
}

declare global {
  interface Window {
    /** The widget shown (browser tests and the bench drive it). */
    explore?: { widget: InteractiveClassifier };
    /** The segmentation widget, when the data are masks. */
    exploreSegmentation?: import('@interp/widgets').InteractiveSegmentation;
  }
}

/** The model's input as a batch of `set`'s images, resized to its size. */
function inputs(
  set: ImageSet,
  shape: readonly (number | null)[],
  layout: ImageLayout,
): { data: Float32Array; shape: number[] } {
  const [h, w, c] =
    layout === 'NHWC' ? [shape[1], shape[2], shape[3]] : [shape[2], shape[3], shape[1]];
  const first = set.images[0]!;
  const size: [number, number] = [h ?? first.height, w ?? first.width];
  const channels = c === 1 || c === 3 ? c : 3;
  const item = size[0] * size[1] * channels;
  const data = new Float32Array(set.images.length * item);
  set.images.forEach((img, i) => {
    imageToInput(img, { size, channels, mean: set.mean, std: set.std, layout }, data, i * item);
  });
  const dims = layout === 'NHWC' ? [size[0], size[1], channels] : [channels, size[0], size[1]];
  return { data, shape: [set.images.length, ...dims] };
}

/** The classifier widget over a tfjs LayersModel: predictions, then attributions on demand. */
export async function showLayersModel(
  model: LayersModel,
  set: ImageSet,
  out: HTMLElement,
  title: string,
): Promise<void> {
  const x = inputs(set, model.inputs[0]!.shape, 'NHWC');
  const dl = arrayDataLoader(
    x,
    { data: Int32Array.from(set.targets), shape: [set.targets.length] },
    {
      batchSize: 64,
      vocab: set.vocab,
    },
  );
  const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl) });
  const widget = new InteractiveClassifier(learn, { dsIdx: 1, title, attribution: 'ig' });
  await widget.show(out);
  window.explore = { widget };
}

/**
 * The classifier widget over an ONNX model's predictions (computed here, in batches). The widget
 * attributes through a tfjs Learner, so an ONNX model gets no attribution panel.
 */
export async function showOnnxModel(
  graph: ModelGraph,
  set: ImageSet,
  out: HTMLElement,
  title: string,
): Promise<void> {
  const layout: ImageLayout = graph.layout === 'NCHW' ? 'NCHW' : 'NHWC';
  const x = inputs(set, graph.inputShape, layout);
  const n = x.shape[0]!;
  const item = x.data.length / n;
  const rows: Float32Array[] = [];
  for (let s = 0; s < n; s += 64) {
    const e = Math.min(n, s + 64);
    const y = tf.tidy(() => {
      const out = graph.predict(
        tf.tensor(x.data.subarray(s * item, e * item), [e - s, ...x.shape.slice(1)]),
      );
      const flat = tf.reshape(out, [e - s, -1]);
      // Logits become probabilities; rows that already sum to 1 stay as they are.
      const sums = tf.sum(flat, 1);
      const isProb = tf.all(
        tf.logicalAnd(
          tf.greaterEqual(flat, 0),
          tf.less(tf.abs(tf.sub(tf.expandDims(sums, 1), 1)), 1e-3),
        ),
      );
      return isProb.dataSync()[0] ? flat : tf.softmax(flat);
    });
    rows.push((await y.data()) as Float32Array);
    y.dispose();
  }
  const classes = rows[0]!.length / Math.min(64, n);
  const probs = new Float32Array(n * classes);
  let off = 0;
  for (const r of rows) {
    probs.set(r, off);
    off += r.length;
  }
  await showPredictions(probs, classes, set.targets, set.vocab, out, title);
}

/** The classifier widget over predictions only (confusion matrix, losses, probabilities). */
export async function showPredictions(
  probs: ArrayLike<number>,
  classes: number,
  targets: number[],
  vocab: string[],
  out: HTMLElement,
  title: string,
): Promise<void> {
  const interp = ClassificationInterpretation.fromPredictions({
    preds: { data: Float32Array.from(probs), shape: [targets.length, classes] },
    targs: Int32Array.from(targets),
    vocab,
  });
  const widget = InteractiveClassifier.fromInterpretation(interp, { title, attribution: null });
  await widget.show(out);
  window.explore = { widget };
}
