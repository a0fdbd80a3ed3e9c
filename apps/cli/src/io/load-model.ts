import { existsSync } from 'node:fs';
import type { ModelGraph } from '@interp/core';
import { InterpError, isInterpError } from '@interp/core/base';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { printable } from '../format/printable.js';
import { type ModelFiles, shortMessage } from './layers-model-files.js';

/** A model file loaded for a command: its graph, and the tfjs LayersModel when it is one. */
export interface LoadedModel {
  /** `layers` for a tfjs LayersModel model.json, `graph-model` for a GraphModel one, `onnx`. */
  format: 'layers' | 'graph-model' | 'onnx';
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
  loadOnnxModel?: (
    source: string | Uint8Array,
    options?: { backendReady?: PromiseLike<unknown> },
  ) => Promise<ModelGraph>;
}

/** What the CLI needs of `@tensorflow/tfjs-converter` (an optional peer, imported on demand). */
export interface ConverterModule {
  loadGraphModel?: (handler: tfc.io.IOHandler) => Promise<unknown>;
}

/** Options of {@link loadModel}; tests inject the ONNX and converter modules. */
export interface LoadModelOptions {
  importOnnx?: () => Promise<OnnxModule>;
  importConverter?: () => Promise<ConverterModule>;
  /**
   * The backend's setup, when the caller started it without waiting: an ONNX model is read and
   * decoded meanwhile (its tensors wait for it), other formats wait for it before loading.
   */
  backendReady?: PromiseLike<unknown>;
}

/**
 * Loads `--model`: a `.onnx` file through `@interp/onnx` (imported on demand, so tfjs-only
 * commands never load it), a model.json of `"format": "graph-model"` as a tfjs-converter
 * GraphModel (`@tensorflow/tfjs-converter` imported on demand), anything else as a tfjs
 * LayersModel model.json. Errors are InterpErrors naming the file, never quoting the model.
 */
export async function loadModel(
  path: string,
  options: LoadModelOptions = {},
): Promise<LoadedModel> {
  if (path.toLowerCase().endsWith('.onnx')) return loadOnnx(path, options);
  await options.backendReady;
  const files = await import('./layers-model-files.js');
  const read = files.readModelFiles(path);
  if (read.json.format === 'graph-model') return loadGraph(path, read, options);
  const [tf, tflayers, core] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
    import('@interp/core'),
  ]);
  const layersModel = await files.loadLayersModelFromFile({ ...tflayers, io: tf.io }, path, read);
  // Built on first use: summary reads a multi-input LayersModel itself, which a graph refuses.
  let graph: ModelGraph | undefined;
  return {
    format: 'layers',
    get graph() {
      try {
        graph ??= core.layersModelGraph(layersModel);
      } catch (e) {
        throw isInterpError(e) ? new InterpError(e.code, `${path}: ${e.message}`) : e;
      }
      return graph;
    },
    layersModel,
    model: layersModel,
    dispose: () => layersModel.dispose(),
  };
}

async function loadGraph(
  path: string,
  read: ModelFiles,
  options: LoadModelOptions,
): Promise<LoadedModel> {
  const shown = printable(path);
  const importConverter =
    options.importConverter ??
    (() => import('@tensorflow/tfjs-converter') as Promise<ConverterModule>);
  let converter: ConverterModule;
  try {
    converter = await importConverter();
  } catch {
    converter = {};
  }
  if (typeof converter.loadGraphModel !== 'function') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${shown} is a GraphModel, which needs @tensorflow/tfjs-converter 4.x; install it next to the CLI`,
    );
  }
  const [tf, core] = await Promise.all([import('@tensorflow/tfjs-core'), import('@interp/core')]);
  let model: { dispose(): void };
  try {
    model = (await converter.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: read.json.modelTopology,
        weightSpecs: read.groups.flatMap((g) => g.weights),
        weightData: read.weightData.buffer as ArrayBuffer,
      }),
    )) as { dispose(): void };
  } catch (e) {
    throw new InterpError('PARSE', `${shown}: cannot build the graph model (${shortMessage(e)})`);
  }
  let graph: ModelGraph;
  try {
    graph = core.graphModelGraph(model as Parameters<typeof core.graphModelGraph>[0]);
  } catch (e) {
    model.dispose();
    if (isInterpError(e)) throw new InterpError(e.code, `${shown}: ${e.message}`);
    throw new InterpError('PARSE', `${shown}: cannot run the graph model (${shortMessage(e)})`);
  }
  return {
    format: 'graph-model',
    graph,
    layersModel: undefined,
    model: graph,
    dispose: () => model.dispose(),
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
    graph = await onnx.loadOnnxModel(
      path,
      options.backendReady === undefined ? undefined : { backendReady: options.backendReady },
    );
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
