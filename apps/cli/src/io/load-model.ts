import { existsSync } from 'node:fs';
import type { ModelGraph } from '@interp/core';
import { InterpError, isInterpError } from '@interp/core/base';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A model file loaded for a command: its graph, and the tfjs LayersModel when it is one. */
export interface LoadedModel {
  /** `layers` for a tfjs model.json, `onnx` for a .onnx file. */
  format: 'layers' | 'onnx';
  /** The model graph every feature runs (taps, hooks, layout, nodes). */
  graph: ModelGraph;
  /** The LayersModel of a model.json (attribution's tape-free input gradient uses it). */
  layersModel: tfl.LayersModel | undefined;
  /** What to pass to attribution and tabular: the LayersModel when there is one, else the graph. */
  model: tfl.LayersModel | ModelGraph;
  /** Frees the model. */
  dispose(): void;
}

/** What the CLI needs of `@interp/onnx` (typed here so the CLI builds before it does). */
export interface OnnxModule {
  loadOnnxModel?: (source: string | Uint8Array) => Promise<ModelGraph>;
}

/** Options of {@link loadModel}; tests inject the ONNX module. */
export interface LoadModelOptions {
  importOnnx?: () => Promise<OnnxModule>;
}

/**
 * Loads `--model`: a `.onnx` file through `@interp/onnx` (imported on demand, so tfjs-only
 * commands never load it), anything else as a tfjs LayersModel model.json. Errors are
 * InterpErrors naming the file.
 */
export async function loadModel(
  path: string,
  options: LoadModelOptions = {},
): Promise<LoadedModel> {
  if (path.toLowerCase().endsWith('.onnx')) return loadOnnx(path, options);
  const [tf, tflayers, core, files] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
    import('@interp/core'),
    import('./layers-model-files.js'),
  ]);
  const layersModel = await files.loadLayersModelFromFile({ ...tflayers, io: tf.io }, path);
  let graph: ModelGraph;
  try {
    graph = core.layersModelGraph(layersModel);
  } catch (e) {
    layersModel.dispose();
    throw isInterpError(e) ? new InterpError(e.code, `${path}: ${e.message}`) : e;
  }
  return {
    format: 'layers',
    graph,
    layersModel,
    model: layersModel,
    dispose: () => layersModel.dispose(),
  };
}

async function loadOnnx(path: string, options: LoadModelOptions): Promise<LoadedModel> {
  if (!existsSync(path)) throw new InterpError('IO', `cannot read ${path}: no such file`);
  const importOnnx = options.importOnnx ?? (() => import('@interp/onnx') as Promise<OnnxModule>);
  let onnx: OnnxModule;
  try {
    onnx = await importOnnx();
  } catch {
    onnx = {};
  }
  if (typeof onnx.loadOnnxModel !== 'function') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${path}: ONNX support needs @interp/onnx with loadOnnxModel; install it next to the CLI`,
    );
  }
  let graph: ModelGraph;
  try {
    graph = await onnx.loadOnnxModel(path);
  } catch (e) {
    if (isInterpError(e)) throw e;
    throw new InterpError('PARSE', `${path}: cannot load the ONNX model (${(e as Error).message})`);
  }
  return {
    format: 'onnx',
    graph,
    layersModel: undefined,
    model: graph,
    dispose: () => graph.dispose(),
  };
}

/**
 * An input file's shape as a batch the model takes, in the model's layout: as is, with a batch
 * axis added (one item), or with a channel axis of 1 added where the layout keeps channels
 * (N x H x W images for an N x H x W x 1 NHWC model or an N x 1 x H x W NCHW one).
 */
export function fitInputShape(
  shape: readonly number[],
  graph: Pick<ModelGraph, 'inputShape' | 'layout'>,
  inputFile: string,
  modelFile: string,
): number[] {
  const expected = graph.inputShape;
  const fits = (s: number[]) =>
    s.length === expected.length &&
    s[0]! > 0 &&
    expected.every((d, i) => i === 0 || d === null || d === s[i]);
  const withChannel = graph.layout === 'NCHW' ? [shape[0]!, 1, ...shape.slice(1)] : [...shape, 1];
  for (const candidate of [[...shape], [1, ...shape], withChannel]) {
    if (fits(candidate)) return candidate;
  }
  const want = expected.map((d) => (d === null ? 'N' : String(d))).join(', ');
  const layout = graph.layout === 'none' ? '' : ` (${graph.layout})`;
  throw new InterpError(
    'SHAPE_MISMATCH',
    `${inputFile} has shape [${shape.join(', ')}] but ${modelFile} takes [${want}]${layout}`,
  );
}
