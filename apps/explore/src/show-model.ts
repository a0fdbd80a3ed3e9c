import { ClassificationInterpretation } from '@interp/classification';
import { type GraphSource, type ModelGraph, toModelGraph } from '@interp/core';
import { type ImageLayout, imageToInput, type RawImage } from '@interp/data';
import { InteractiveClassifier } from '@interp/widgets';
import * as tf from '@tensorflow/tfjs-core';

/** Labelled images and how to normalize them for the model. */
export interface ImageSet {
  images: RawImage[];
  targets: number[];
  vocab: string[];
  mean: number[];
  std: number[];
}

/** A batch of model inputs, row-major, in the model's layout. */
export interface Inputs {
  data: Float32Array;
  shape: number[];
}

declare global {
  interface Window {
    /** The widget shown (browser tests and the bench drive it). */
    explore?: { widget: InteractiveClassifier; probs?: Float32Array };
    /** The segmentation widget, when the data are masks. */
    exploreSegmentation?: import('@interp/widgets').InteractiveSegmentation;
  }
}

/** The model's input as a batch of `set`'s images, resized to its size, in the graph's layout. */
export function imageInputs(set: ImageSet, graph: ModelGraph): Inputs {
  const layout: ImageLayout = graph.layout === 'NCHW' ? 'NCHW' : 'NHWC';
  const shape = graph.inputShape;
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

/** The model's class probabilities of `x`, in batches of 64 (logits go through softmax). */
export async function probabilities(graph: ModelGraph, x: Inputs): Promise<Float32Array> {
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
  const probs = new Float32Array(rows.reduce((a, r) => a + r.length, 0));
  let off = 0;
  for (const r of rows) {
    probs.set(r, off);
    off += r.length;
  }
  return probs;
}

/** Image inputs as H x W x C items (what the widget shows and feeds back through the graph). */
function channelsLast(graph: ModelGraph, x: Inputs): Inputs {
  if (graph.layout !== 'NCHW' || x.shape.length !== 4) return x;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out = new Float32Array(x.data.length);
  const plane = h * w;
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < plane; p++)
        out[(i * plane + p) * c + k] = x.data[(i * c + k) * plane + p]!;
  return { data: out, shape: [n, h, w, c] };
}

/**
 * The classifier widget over any model (a tfjs LayersModel or GraphModel, an ONNX ModelGraph):
 * predictions of `x` (in the model's layout) here, then attributions on demand through the
 * model's graph, in its layout.
 */
export async function showModel(
  model: GraphSource,
  x: Inputs,
  targets: number[],
  vocab: string[],
  out: HTMLElement,
  title: string,
): Promise<void> {
  const graph = toModelGraph(model);
  const probs = await probabilities(graph, x);
  const interp = ClassificationInterpretation.fromPredictions({
    preds: { data: probs, shape: [targets.length, probs.length / targets.length] },
    targs: Int32Array.from(targets),
    vocab,
    inputs: channelsLast(graph, x),
  });
  const widget = InteractiveClassifier.fromInterpretation(interp, {
    model: graph,
    title,
    attribution: 'ig',
  });
  await widget.show(out);
  window.explore = { widget, probs };
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
