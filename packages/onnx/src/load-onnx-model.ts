import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { decodeModel, defaultOpset, validateGraph } from './decode-model.js';
import { planGraph, type Step } from './graph-plan.js';
import { alignedFloats, convOnlyWeights, hostConvWeight } from './host-conv-weights.js';
import { type HostTensor, hostTensorOf, type RawWeight, rawWeightOf } from './host-tensor.js';
import { OnnxModel } from './onnx-model.js';
import { int64ToNumber, type TensorProto } from './onnx-proto.js';
import { makeContext } from './op-context.js';
import type { Value } from './ops/op-types.js';
import { type ExternalDataFiles, type OnnxSource, readModelSource } from './read-model-source.js';
import { weightTensor } from './weight-tensor.js';

/** Options of {@link loadOnnxModel}. */
export interface LoadOnnxModelOptions {
  /**
   * External data files by the `location` the model names, for a model given as bytes (a path or
   * URL finds them beside the model).
   */
  externalData?: ExternalDataFiles;
  /**
   * Settles once the tfjs backend is set up (e.g. setupBackend's promise): the model file is read,
   * decoded and checked meanwhile, and no tensor is made before it. A rejection is thrown.
   */
  backendReady?: PromiseLike<unknown>;
}

/**
 * Loads an ONNX model (a PyTorch, Keras or scikit-learn export) to run on tfjs, node by node,
 * differentiably. The protobuf is decoded with onnx-proto and validated: opset 11-17 of the default
 * domain, every op supported (one error lists all that are not), every initializer present,
 * external data files beside the model. The returned model owns its weights: `dispose()` them.
 *
 * @example
 * ```ts
 * const model = await loadOnnxModel('resnet18.onnx');            // Node: a path (or file: URL)
 * const model2 = await loadOnnxModel(new URL('/m.onnx', location.href)); // browser: fetch
 * const logits = model.predict(tf.randomNormal([1, 3, 224, 224]));
 * ```
 */
export async function loadOnnxModel(
  source: OnnxSource,
  options: LoadOnnxModelOptions = {},
): Promise<OnnxModel> {
  const src = await readModelSource(source, options.externalData);
  const model = decodeModel(src.bytes, src.label);
  const opset = defaultOpset(model);
  const graph = model.graph!;
  // Large float weights of bytes the loader read stay as those bytes (RawWeight) until they
  // are written to the backend: one copy, whatever their alignment.
  const initializers = new Map<string, HostTensor | RawWeight>();
  for (const t of graph.initializer ?? []) {
    const raw = await externalBytes(t, src.readExternal);
    const weight = src.owned ? rawWeightOf(t, raw) : undefined;
    initializers.set(t.name ?? '', weight ?? hostTensorOf(t, raw, { inPlace: src.owned }));
  }
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  if (inputs.length !== 1) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `loadOnnxModel: the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); @interp/onnx runs models with exactly one input`,
    );
  }
  validateGraph(graph, new Set([inputs[0]!.name ?? '', ...initializers.keys()]));
  const plan = planGraph(graph, initializers);
  const convWeights = convOnlyWeights(plan.steps, initializers);
  // The backend is needed from here on: a caller may have started it alongside the parse.
  await options.backendReady;
  const constants = new Map<string, Value>();
  for (const [name, host] of initializers) {
    if ('bytes' in host) {
      // A conv-only weight stays on the host (conv.ts writes its HWIO filter to the backend).
      const values = convWeights.has(name) ? alignedFloats(host.bytes, src.bytes) : undefined;
      const tensor =
        (values && hostConvWeight(values, host.shape)) ?? weightTensor(host.bytes, host.shape);
      constants.set(name, { tensor, constant: true });
      continue;
    }
    const tensor = tf.tensor(host.data, host.shape, host.dtype);
    constants.set(name, { tensor, constant: true, ...(small(host.data) ? { host } : {}) });
  }
  const folded = foldConstants(plan.steps, constants, opset);
  return new OnnxModel(plan, constants, folded, opset);
}

/**
 * Constants up to this many values keep a host copy (shape-like inputs are read from it); weights
 * live on the backend only.
 */
const HOST_COPY_MAX = 4096;

function small(data: ArrayLike<number>): boolean {
  return data.length <= HOST_COPY_MAX;
}

async function externalBytes(
  t: TensorProto,
  read: (
    location: string,
    offset: number,
    length: number | undefined,
    tensor: string,
  ) => Promise<Uint8Array>,
): Promise<Uint8Array | undefined> {
  // TensorProto.DataLocation.EXTERNAL = 1
  if (t.dataLocation !== 1) return undefined;
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) {
    throw new InterpError(
      'PARSE',
      `loadOnnxModel: tensor ${JSON.stringify(t.name)} is marked external but names no location`,
    );
  }
  const offset = entries.has('offset') ? Number(entries.get('offset')) : 0;
  const length = entries.has('length') ? Number(entries.get('length')) : undefined;
  return read(location, int64ToNumber(offset), length, t.name ?? '');
}

/**
 * Runs, once at load time, every node whose inputs are all constants (shape arithmetic, Constant
 * nodes, weight reshapes), so runs skip them and shape-like values are known on the host.
 */
function foldConstants(
  steps: readonly Step[],
  constants: Map<string, Value>,
  opset: number,
): Set<number> {
  const folded = new Set<number>();
  const memos = new Map<string, tf.Tensor>();
  steps.forEach((step, i) => {
    const { node } = step;
    const inputs = node.inputs.map((name) => (name ? constants.get(name) : undefined));
    if (node.inputs.some((name, k) => name && inputs[k] === undefined)) return;
    const outputs = tf.tidy(() => {
      const result = step.kernel(makeContext(node, inputs, opset, memos, undefined));
      return (Array.isArray(result) ? result : [result]).map((v) => v.tensor);
    });
    node.outputs.forEach((name, k) => {
      const t = outputs[k];
      if (!name || !t) return;
      const value: Value = { tensor: t, constant: true };
      if (t.size <= HOST_COPY_MAX) {
        const data = t.dataSync() as HostTensor['data'];
        value.host = { dtype: t.dtype as HostTensor['dtype'], shape: [...t.shape], data };
      }
      constants.set(name, value);
    });
    folded.add(i);
  });
  for (const t of memos.values()) t.dispose();
  return folded;
}
