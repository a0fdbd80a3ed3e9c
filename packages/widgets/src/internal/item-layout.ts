// How a widget feeds an image item to a model graph and reads an input-shaped map back. A
// DecodedItem image is H x W x C (what a renderer draws); the model may want C x H x W (most ONNX
// exports) or a flat vector (an MLP): the graph's layout and declared input shape decide.
import { type ImageItem, type ModelGraph, spatialSize } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';

/** An item's shape as the model takes it (batch axis excluded), and whether it is C x H x W. */
export interface ItemLayout {
  shape: number[];
  chw: boolean;
  height: number;
  width: number;
  channels: number;
}

/**
 * The layout `graph` wants an image item in: C x H x W when the graph is NCHW with a 4-D input;
 * else its declared input shape when that has as many values as the item (a flat MLP input), else
 * the item's own H x W x C.
 *
 * @example
 * ```ts
 * itemLayout(onnxDigits, [28, 28, 1]).shape; // [1, 28, 28]
 * ```
 */
export function itemLayout(graph: ModelGraph, itemShape: readonly number[]): ItemLayout {
  const [height, width, channels = 1] = itemShape as [number, number, number?];
  const hwc = [height, width, channels];
  const declared = graph.inputShape.slice(1);
  if (graph.layout === 'NCHW' && declared.length === 3) {
    return { shape: [channels, height, width], chw: true, height, width, channels };
  }
  const size = height * width * channels;
  const known = declared.every((d) => typeof d === 'number');
  const n = (declared as number[]).reduce((a, b) => a * b, 1);
  const shape = known && declared.length > 0 && n === size ? (declared as number[]) : hwc;
  return { shape, chw: false, height, width, channels };
}

/** The item as a batch of one in the model's layout. */
export function itemInput(item: ImageItem, layout: ItemLayout): tf.Tensor {
  return tf.tidy(() =>
    fromHwc(tf.tensor(item.data, [1, layout.height, layout.width, layout.channels]), layout),
  );
}

/** A tensor shaped like one H x W x C item ([1, H, W, C]) in the model's layout. */
export function fromHwc(t: tf.Tensor, layout: ItemLayout): tf.Tensor {
  return tf.tidy(() =>
    layout.chw ? tf.transpose(t, [0, 3, 1, 2]) : tf.reshape(t, [1, ...layout.shape]),
  );
}

/** An input-shaped map of one item back to H x W x C (what the overlay draws over the image). */
export function toHwc(t: tf.Tensor, layout: ItemLayout): tf.Tensor {
  const { height, width, channels } = layout;
  return tf.tidy(() =>
    layout.chw
      ? tf.reshape(tf.transpose(t, [0, 2, 3, 1]), [height, width, channels])
      : tf.reshape(t, [height, width, channels]),
  );
}

/**
 * The layer a widget's layer methods read by default: GradCAM's own default, the last node whose
 * output is an image larger than 1 x 1 in the graph's layout (a 1 x 1 map would be constant).
 * Undefined when the graph has no such node (a dense model, or a plain function).
 *
 * @example
 * ```ts
 * defaultLayer(toModelGraph(demoCnn)); // 'conv3' (conv3 - global pool - dense)
 * ```
 */
export function defaultLayer(graph: ModelGraph): string | undefined {
  const layout = graph.layout === 'NCHW' ? 'NCHW' : 'NHWC';
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if ((spatialSize(node.outputShape, layout) ?? 0) > 1) return node.name;
  }
  return undefined;
}
