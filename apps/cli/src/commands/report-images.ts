import type { ModelGraph } from '@interp/core';
import { InterpError, type NDArray } from '@interp/core/base';
import type { ImageFolder, ImageLayout, LoadImageFolderOptions } from '@interp/data';
import type * as tfc from '@tensorflow/tfjs-core';
import type { CliIO } from '../cli-io.js';
import type { LoadedModel } from '../io/load-model.js';
import { progressBar } from '../progress-bar.js';

/** What `--size`, `--mean`, `--std`, `--preset` and `preprocess.json` decide together. */
export interface ImagePreprocessing {
  size?: [number, number];
  mean?: number[];
  std?: number[];
  preset?: '[0,1]' | '[-1,1]' | 'imagenet';
}

/** A batch of images fitted to the model, and how to show them. */
export interface ModelImages {
  folder: ImageFolder;
  layout: ImageLayout;
  mean: readonly number[];
  std: readonly number[];
}

/**
 * Loads `--data` for the model: the layout and channel count from the model's input, the size from
 * `--size`, else `preprocess.json`, else the images' own. A model whose input size differs from
 * the images' is refused, naming both sizes and the `--size` that fits.
 *
 * @example
 * ```ts
 * const images = await loadModelImages('digits', undefined, 'cnn/model.json', loaded.graph, {}, io);
 * ```
 */
export async function loadModelImages(
  dir: string,
  labelsCsv: string | undefined,
  modelFile: string,
  graph: ModelGraph,
  flags: ImagePreprocessing,
  io: CliIO,
  loader?: (options: LoadImageFolderOptions) => Promise<ImageFolder>,
): Promise<ModelImages> {
  const data = await import('@interp/data/node');
  const fromJson = data.readPreprocessJson(modelFile) ?? {};
  const shape = graph.inputShape;
  if (shape.length !== 4) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${modelFile} takes input [${shape.map((d) => d ?? 'N').join(', ')}], not a batch of images [N, H, W, C] or [N, C, H, W]`,
    );
  }
  const layout: ImageLayout = graph.layout === 'NCHW' ? 'NCHW' : (fromJson.layout ?? 'NHWC');
  const [h, w, c] =
    layout === 'NHWC' ? [shape[1], shape[2], shape[3]] : [shape[2], shape[3], shape[1]];
  if (c !== null && c !== undefined && c !== 1 && c !== 3) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${modelFile} takes ${c}-channel images; interp reads gray (1) or RGB (3)`,
    );
  }
  const modelSize =
    typeof h === 'number' && typeof w === 'number' ? ([h, w] as [number, number]) : undefined;
  // Never resized to the model's size unasked: a mismatch is more often the wrong folder or model.
  const size = flags.size ?? fromJson.size;
  const { mean, std } = data.resolveNormalization({
    preset: flags.preset ?? fromJson.preset,
    mean: flags.mean ?? fromJson.mean,
    std: flags.std ?? fromJson.std,
  });
  const bar = progressBar(io.stderr, 'loading images', { delayMs: 500 });
  const options: LoadImageFolderOptions = {
    size,
    mean,
    std,
    layout,
    labelsCsv,
    channels: c === 1 || c === 3 ? c : fromJson.channels,
    onProgress: (done, total) => bar.update(done, total),
  };
  const folder = await (loader ?? ((o) => data.loadImageFolder(dir, o)))(options);
  bar.finish();
  const got = folder.x.shape;
  const [gh, gw] = layout === 'NHWC' ? [got[1], got[2]] : [got[2], got[3]];
  if (modelSize && (gh !== modelSize[0] || gw !== modelSize[1])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${dir}: the images are ${gh} x ${gw} but ${modelFile} takes ${modelSize[0]} x ${modelSize[1]}; pass --size ${modelSize[0]},${modelSize[1]} to resize them`,
    );
  }
  return { folder, layout, mean, std };
}

/**
 * The images' class scores, `batch` items per model call, with a progress bar on stderr.
 * Returns the outputs flattened per item (`classes` values each; `itemShape` is one item's output
 * shape, e.g. [H, W, C] for a segmentation model).
 *
 * @example
 * ```ts
 * const { scores, classes } = await predictImages(tf, loaded, images.folder.x, 256, io);
 * ```
 */
export async function predictImages(
  tf: typeof tfc,
  loaded: LoadedModel,
  x: NDArray<Float32Array>,
  batch: number,
  io: CliIO,
): Promise<{ scores: Float32Array; classes: number; itemShape: number[] }> {
  const n = x.shape[0]!;
  const item = x.data.length / n;
  const bar = progressBar(io.stderr, 'predicting', { delayMs: 500 });
  const parts: Float32Array[] = [];
  let classes = 0;
  let itemShape: number[] = [];
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const out = tf.tidy(() => {
      const xb = tf.tensor(x.data.subarray(start * item, end * item), [
        end - start,
        ...x.shape.slice(1),
      ]);
      const y = loaded.graph.predict(xb);
      itemShape = y.shape.slice(1);
      return tf.reshape(y, [end - start, -1]);
    });
    classes = out.shape[1]!;
    parts.push((await out.data()) as Float32Array);
    out.dispose();
    bar.update(end, n);
  }
  bar.finish();
  const scores = new Float32Array(n * classes);
  let off = 0;
  for (const p of parts) {
    scores.set(p, off);
    off += p.length;
  }
  return { scores, classes, itemShape };
}

/** Image `i` of the model input as HWC in [0, 1] for display (the normalization undone). *
 * @example
 * ```ts
 * displayImage(images, 0).shape; // [28, 28, 1]
 * ```
 */
export function displayImage(images: ModelImages, i: number): NDArray<Float32Array> {
  const { folder, layout, mean, std } = images;
  const s = folder.x.shape;
  const [h, w, c] = layout === 'NHWC' ? [s[1]!, s[2]!, s[3]!] : [s[2]!, s[3]!, s[1]!];
  const plane = h * w;
  const base = i * plane * c;
  const out = new Float32Array(plane * c);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < c; k++) {
      const v = folder.x.data[base + (layout === 'NHWC' ? p * c + k : k * plane + p)]!;
      const m = mean.length === 1 ? mean[0]! : mean[k]!;
      const sd = std.length === 1 ? std[0]! : std[k]!;
      out[p * c + k] = Math.min(1, Math.max(0, v * sd + m));
    }
  }
  return { data: out, shape: [h, w, c] };
}

/** Every displayed image as one NHWC array (what a top-losses plot shows). *
 * @example
 * ```ts
 * displayImages(images).shape; // [N, 28, 28, 1]
 * ```
 */
export function displayImages(images: ModelImages): NDArray<Float32Array> {
  const n = images.folder.x.shape[0]!;
  const first = displayImage(images, 0);
  const out = new Float32Array(n * first.data.length);
  for (let i = 0; i < n; i++)
    out.set(i === 0 ? first.data : displayImage(images, i).data, i * first.data.length);
  return { data: out, shape: [n, ...first.shape] };
}

/** One method's maps of the attributed items, channels last, and a caption per item. */
export interface MethodMaps {
  method: string;
  data: Float32Array;
  caption: (k: number) => string;
  seconds: number;
  layer?: string;
  /** Positions (into the attributed items) whose map is zero at every pixel. */
  zero: number[];
}

/** How `attributeItems` runs the methods. */
export interface AttributeItemsOptions {
  /**
   * GradCAM's ReLU (default true, Grad-CAM as published): false keeps the signed map, so a map
   * whose weighted channels sum to <= 0 everywhere shows its negative evidence instead of nothing.
   */
  gradcamRelu?: boolean;
}

/**
 * Runs each attribution method on the items `indices` (explaining each one's predicted class) with
 * a progress bar, and returns the maps channels last (a map of one channel when the method gives
 * an H x W map, as GradCAM).
 *
 * @example
 * ```ts
 * const [ig, cam] = await attributeItems(tf, loaded, images, [3, 7], ['ig', 'gradcam'], io);
 * ```
 */
export async function attributeItems(
  tf: typeof tfc,
  loaded: LoadedModel,
  images: ModelImages,
  indices: readonly number[],
  methods: readonly string[],
  io: CliIO,
  options: AttributeItemsOptions = {},
): Promise<MethodMaps[]> {
  const [{ runAttribution }, { GradCAM }] = await Promise.all([
    import('@interp/attribution/methods'),
    import('@interp/attribution'),
  ]);
  const x = images.folder.x;
  const item = x.data.length / x.shape[0]!;
  const picked = new Float32Array(indices.length * item);
  for (const [k, i] of indices.entries()) {
    picked.set(x.data.subarray(i * item, (i + 1) * item), k * item);
  }
  const xt = tf.tensor(picked, [indices.length, ...x.shape.slice(1)]);
  const out: MethodMaps[] = [];
  try {
    for (const method of methods) {
      const bar = progressBar(io.stderr, method, { delayMs: 500 });
      const t0 = performance.now();
      // The catalog runs GradCAM as published (ReLU on); the signed map needs GradCAM's own option.
      const signed = method === 'gradcam' && options.gradcamRelu === false;
      const cam = signed ? new GradCAM(loaded.model) : undefined;
      const r = cam
        ? { attributions: await cam.attribute(xt, { relu: false }), layer: cam.layerName }
        : await runAttribution(loaded.model, method, xt, {
            layout: images.layout,
            progress: (done, total) => bar.update(done, total),
          });
      const delta = 'delta' in r && r.delta ? r.delta : undefined;
      bar.finish();
      const data = toChannelsLast(
        (await r.attributions.data()) as Float32Array,
        r.attributions.shape,
        images.layout,
      );
      const gaps = delta ? ((await delta.data()) as Float32Array) : undefined;
      tf.dispose([r.attributions, ...(delta ? [delta] : [])]);
      const name = signed ? 'gradcam (signed)' : method;
      const per = data.length / indices.length;
      const zero = indices
        .map((_, k) => k)
        .filter((k) => data.subarray(k * per, (k + 1) * per).every((v) => v === 0));
      out.push({
        method: name,
        data,
        zero,
        caption: (k) =>
          `${gaps ? `${name} (δ ${gaps[k]!.toExponential(1)})` : name}${zero.includes(k) ? ', all zero' : ''}`,
        seconds: (performance.now() - t0) / 1000,
        ...(r.layer === undefined ? {} : { layer: r.layer }),
      });
    }
  } finally {
    xt.dispose();
  }
  return out;
}

function toChannelsLast(
  data: Float32Array,
  shape: readonly number[],
  layout: ImageLayout,
): Float32Array {
  if (layout !== 'NCHW' || shape.length !== 4 || shape[1] === 1) return data;
  const [n, c, h, w] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < h * w; p++) out[(i * h * w + p) * c + k] = data[(i * c + k) * h * w + p]!;
  return out;
}

/**
 * What the report says about a method's all-zero maps (undefined when none is): which items, and
 * why — for Grad-CAM, that after its ReLU nothing is left because the predicted class's
 * gradient-weighted sum of the layer's channels is <= 0 at every pixel, with the signed option.
 *
 * @example
 * ```ts
 * zeroMapsNote({ method: 'gradcam', layer: 'conv3', zero: [0, 2], ... }, ['a.png', 'b.png', 'c.png']);
 * ```
 */
export function zeroMapsNote(maps: MethodMaps, names: readonly string[]): string | undefined {
  if (maps.zero.length === 0) return undefined;
  const which = maps.zero.map((k) => names[k] ?? `item ${k}`).join(', ');
  const count = `${maps.zero.length} of ${names.length} ${maps.method} maps are all zero (${which})`;
  if (maps.method === 'gradcam') {
    return `${count}: Grad-CAM keeps only positive evidence (a ReLU on the weighted sum), and at every pixel the channels of layer ${maps.layer ?? '(default)'} weighted by the predicted class's mean gradients sum to <= 0 (the active channels have negative weights), so nothing is left. Rerun with --gradcam-relu false for the signed map, or pick another layer with interp attribute.`;
  }
  return `${count}: by this method no pixel of these images moves the predicted class's score.`;
}
