// Captum 0.8 reference cases (scripts/captum-reference.py writes them to test-fixtures/captum/):
// the oracle every attribution method is compared against. Test-only (excluded from builds).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type ModelGraph, setupBackend } from '@interp/core';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';

/** A tensor as the case files store it: row-major float64 values rounded to 1e-9. */
export interface CaptumTensor {
  shape: number[];
  values: number[];
}

/** One recorded Captum call. Argument objects keep Captum's own (snake_case) keyword names. */
export interface CaptumCase {
  name: string;
  /** Captum's class or function name, e.g. `IntegratedGradients`, `LayerConductance`, `infidelity`. */
  method: string;
  kind: 'primary' | 'layer' | 'neuron' | 'metric';
  /** The layer's PyTorch module path (what `findNode` accepts), for layer and neuron methods. */
  layer?: string;
  /** The ONNX node computing that layer's output (e.g. `/block/relu2/Relu`). */
  node?: string;
  constructor: Record<string, unknown>;
  attribute: Record<string, unknown>;
  /** True when every item was attributed alone (batch of 1) and the results stacked. */
  batch_of_one?: boolean;
  /** The call's inputs when they are not the file's `inputs`. */
  inputs?: CaptumTensor;
  expected: CaptumTensor;
  delta?: CaptumTensor;
  /** Random draws Captum used (random methods), so a test can replay them. */
  draws?: Record<string, unknown>;
  note?: string;
}

/** A model's case file: the model, its inputs, PyTorch's float64 logits on them, the cases. */
export interface CaptumCaseFile {
  model: string;
  captum: string;
  torch: string;
  inputs: CaptumTensor;
  logits: CaptumTensor;
  cases: CaptumCase[];
}

/**
 * The models with case files: `rescnn` ([N, 3, 8, 8] residual CNN with batch norm and max pooling),
 * `mlp` ([N, 6] -> 3 logits, tanh), `mlp-softmax` ([N, 6] -> 3 probabilities, sigmoid + softmax),
 * and Captum's unit-test toy models with fixed weights (`toy/...`, analytic numbers).
 */
export type CaptumModelName =
  | 'rescnn'
  | 'mlp'
  | 'mlp-softmax'
  | 'toy/multilayer'
  | 'toy/relu-linear'
  | 'toy/relu-deeplift'
  | 'toy/tanh-deeplift'
  | 'toy/simple-lrp';

/** Every model with a case file. */
export const captumModelNames: readonly CaptumModelName[] = [
  'rescnn',
  'mlp',
  'mlp-softmax',
  'toy/multilayer',
  'toy/relu-linear',
  'toy/relu-deeplift',
  'toy/tanh-deeplift',
  'toy/simple-lrp',
];

/** Relative tolerance of float32 results against Captum's float64 (issue 14): 2e-3. */
export const captumTolerance = 2e-3;

const fixtureDir = fileURLToPath(new URL('../test-fixtures/captum/', import.meta.url));

/** Absolute path of a committed fixture file (a model such as `rescnn.onnx`, or a case file). */
export function captumFixturePath(file: string): string {
  return `${fixtureDir}${file}`;
}

/** Reads a model's case file. */
export async function readCaptumCases(model: CaptumModelName): Promise<CaptumCaseFile> {
  return JSON.parse(await readFile(captumFixturePath(`${model}.json`), 'utf8')) as CaptumCaseFile;
}

/** A loaded reference model and its recorded cases. */
export interface CaptumModel {
  graph: ModelGraph;
  file: CaptumCaseFile;
}

/**
 * The named reference models (`name.onnx`) with their case files, loaded on the WASM backend
 * before the calling file's tests and disposed after them; the map fills in `beforeAll`.
 */
export function loadedCaptumModels(
  names: readonly CaptumModelName[],
): Map<CaptumModelName, CaptumModel> {
  const models = new Map<CaptumModelName, CaptumModel>();
  beforeAll(async () => {
    await setupBackend('wasm');
    for (const name of names) {
      const graph = await loadOnnxModel(captumFixturePath(`${name}.onnx`));
      models.set(name, { graph, file: await readCaptumCases(name) });
    }
  });
  afterAll(() => {
    for (const { graph } of models.values()) graph.dispose();
  });
  return models;
}

/** A method's result as attributions plus the convergence delta when it returned one. */
export function attributionsAndDelta(result: unknown): {
  attributions: tf.Tensor;
  delta?: tf.Tensor;
} {
  return result instanceof tf.Tensor
    ? { attributions: result }
    : (result as { attributions: tf.Tensor; delta?: tf.Tensor });
}

/** The case named `name` (throws with the available names if there is none). */
export function captumCase(file: CaptumCaseFile, name: string): CaptumCase {
  const found = file.cases.find((c) => c.name === name);
  if (!found) {
    const names = file.cases.map((c) => c.name).join(', ');
    throw new Error(`no Captum case '${name}' in ${file.model}; cases: ${names}`);
  }
  return found;
}

/** True for a stored tensor (a `{ shape, values }` argument value). */
export function isCaptumTensor(v: unknown): v is CaptumTensor {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as CaptumTensor).shape) &&
    Array.isArray((v as CaptumTensor).values)
  );
}

/** A stored tensor as a float32 tfjs tensor (the caller disposes it). */
export function captumTensor(t: CaptumTensor): tf.Tensor {
  return tf.tensor(t.values, t.shape, 'float32');
}

/**
 * Expects `actual` to equal Captum's `expected` in shape and values: each element within
 * `tolerance * max|expected|` (relative to the attribution's scale, since float32 rounding error
 * scales with the largest terms, not with each element) plus 1e-6.
 */
export async function expectCloseToCaptum(
  actual: tf.Tensor | ArrayLike<number>,
  expected: CaptumTensor,
  tolerance = captumTolerance,
): Promise<void> {
  let values: ArrayLike<number> = actual as ArrayLike<number>;
  if (actual instanceof tf.Tensor) {
    expect(actual.shape).toEqual(expected.shape);
    values = await actual.data();
  }
  expect(values.length).toBe(expected.values.length);
  const scale = Math.max(...expected.values.map(Math.abs));
  const bound = tolerance * scale + 1e-6;
  let worst = 0;
  let worstAt = 0;
  for (let i = 0; i < expected.values.length; i++) {
    const err = Math.abs(values[i]! - expected.values[i]!);
    if (!(err <= worst)) {
      worst = err;
      worstAt = i;
    }
  }
  expect(
    worst,
    `element ${worstAt}: ${values[worstAt]} vs Captum ${expected.values[worstAt]} (bound ${bound})`,
  ).toBeLessThanOrEqual(bound);
}
