import { fitDefaults, isModelGraph, type Learner, type ModelGraph } from '@interp/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  fullGraphInputSize,
  GRAPH_KIND_NAMES,
  type GraphRow,
  graphTable,
} from './internal/graph-table.js';
import {
  formatShape,
  fullInputSize,
  type LayerRow,
  layerTable,
  modelInputShape,
  type OutputShape,
  withBatch,
} from './internal/layer-table.js';
import { learnerOrModel, weightSize } from './internal/model-layers.js';

export type { OutputShape } from './internal/layer-table.js';

/** Options of {@link summary}. */
export interface SummaryOptions {
  /**
   * Input shape to run a zero input of through the model, so every output shape is the one the
   * model really computes (with or without the batch axis; batch 1 when left out). Without it,
   * shapes come from the model's static shapes, with the learner's batch size as the batch axis.
   */
  inputSize?: readonly number[];
}

/** One row of a {@link ModelSummary}. */
export interface SummaryRow {
  name: string;
  /** Names of the nested models holding the layer, outermost first. */
  path: string[];
  /** The tfjs-layers class name (`Conv2D`, `Dense`, ...), or a graph node's op (`Conv`, `Relu`). */
  type: string;
  outputShape: OutputShape;
  params: number;
  /** Whether the layer's weights train; null for a layer without weights. */
  trainable: boolean | null;
}

/** What {@link summary} returns; `text` (also `String(s)`) is the printable table. */
export interface ModelSummary {
  modelName: string;
  modelType: string;
  inputShape: (number | null)[] | (number | null)[][];
  layers: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  optimizer: string;
  loss: string;
  text: string;
  toString(): string;
}

/**
 * A model summary in fastai's layout: each computing layer (nested models opened) with its type,
 * output shape, parameter count and whether it trains; then total, trainable and non-trainable
 * parameters, the optimizer and the loss. Takes a Learner (its loss, and `learn.fit`'s Adam), a
 * bare LayersModel (its compiled optimizer and loss, if any), or a model graph (an ONNX model from
 * `@interp/onnx`: one row per node with its op, output shape and parameters, in the same table).
 *
 * @example
 * ```ts
 * console.log(summary(learn).text);
 * // Sequential (Input shape: 64 x 28 x 28 x 1)
 * // Layer (type)            Output Shape        Param #   Trainable
 * // conv2d_1 (Conv2D)       64 x 26 x 26 x 16   160       True
 * // ...
 * ```
 */
export function summary(
  learn: Learner | LayersModel | ModelGraph,
  options: SummaryOptions = {},
): ModelSummary {
  const { inputSize } = options;
  if (isModelGraph(learn)) return graphSummary(learn, inputSize);
  // A learner around a model graph (new Learner(onnxModel, { dls })): the graph's table.
  const wrapped = (learn as Partial<Learner>).modelGraph;
  if (isModelGraph(wrapped)) return graphSummary(wrapped, inputSize);
  const { model, learner } = learnerOrModel(learn, 'summary');
  const batch = learner?.dls.train.batchSize;
  let rows = layerTable(model, inputSize);
  let inputShape: ModelSummary['inputShape'];
  if (inputSize !== undefined) {
    inputShape = fullInputSize(model, inputSize);
  } else {
    inputShape =
      model.inputs.length === 1 ? modelInputShape(model) : model.inputs.map((i) => [...i.shape]);
    if (batch !== undefined) {
      inputShape = withBatch(inputShape, batch);
      rows = rows.map((r) => ({ ...r, outputShape: withBatch(r.outputShape, batch) }));
    }
  }
  const totalParams = model.countParams();
  const trainableParams = model.trainableWeights.reduce((a, w) => a + weightSize(w), 0);
  const optimizer = learner
    ? `Adam (learn.fit's default, lr ${fitDefaults.lr})`
    : describeOptimizer(model);
  const loss = learner ? learner.lossFunc.lossName : describeLoss(model);
  const layers = summaryRows(rows);
  const modelType = model.getClassName() === 'Model' ? 'Functional' : model.getClassName();
  const text = formatSummary({
    modelType,
    inputShape,
    layers,
    totalParams,
    trainableParams,
    optimizer,
    loss,
  });
  return {
    modelName: model.name,
    modelType,
    inputShape,
    layers,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    optimizer,
    loss,
    text,
    toString: () => text,
  };
}

const NOT_COMPILED = 'none (a model graph is not compiled)';

/** The summary of a model graph: one row per node, in the same table as a LayersModel's. */
function graphSummary(graph: ModelGraph, inputSize: readonly number[] | undefined): ModelSummary {
  const rows = graphTable(graph, inputSize);
  const inputShape =
    inputSize === undefined ? [...graph.inputShape] : fullGraphInputSize(graph, inputSize);
  const totalParams = rows.reduce((a, r) => a + r.params, 0);
  const trainableParams = rows.reduce((a, r) => a + r.trainableParams, 0);
  const layers = summaryRows(rows);
  const modelType = GRAPH_KIND_NAMES[graph.kind];
  const fields = { modelType, inputShape, layers, totalParams, trainableParams };
  const text = formatSummary({ ...fields, optimizer: NOT_COMPILED, loss: NOT_COMPILED });
  return {
    ...fields,
    modelName: modelType,
    nonTrainableParams: totalParams - trainableParams,
    optimizer: NOT_COMPILED,
    loss: NOT_COMPILED,
    text,
    toString: () => text,
  };
}

function formatSummary(s: {
  modelType: string;
  inputShape: ModelSummary['inputShape'];
  layers: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  optimizer: string;
  loss: string;
}): string {
  const head = ['Layer (type)', 'Output Shape', 'Param #', 'Trainable'];
  const cells = s.layers.map((l) => [
    `${[...l.path, l.name].join('/')} (${l.type})`,
    formatShape(l.outputShape),
    String(l.params),
    l.trainable === null ? '' : l.trainable ? 'True' : 'False',
  ]);
  // fastai's column widths (20, 20, 10, 10), widened to fit tfjs's longer layer names.
  const widths = [20, 20, 10, 10].map((w, c) =>
    Math.max(w, head[c]!.length, ...cells.map((row) => row[c]!.length)),
  );
  const line = (row: string[]) =>
    row
      .map((v, c) => v.padEnd(widths[c]!))
      .join(' ')
      .trimEnd();
  const n = widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  const fmt = (v: number) => v.toLocaleString('en-US');
  const out = [
    `${s.modelType} (Input shape: ${formatShape(s.inputShape)})`,
    '='.repeat(n),
    line(head),
    '='.repeat(n),
    ...cells.map(line),
    '_'.repeat(n),
    '',
    `Total params: ${fmt(s.totalParams)}`,
    `Total trainable params: ${fmt(s.trainableParams)}`,
    `Total non-trainable params: ${fmt(s.totalParams - s.trainableParams)}`,
    '',
    `Optimizer used: ${s.optimizer}`,
    `Loss function: ${s.loss}`,
  ];
  return `${out.join('\n')}\n`;
}

function describeOptimizer(model: LayersModel): string {
  const opt = (model as unknown as { optimizer_?: { getClassName(): string } }).optimizer_;
  return opt ? opt.getClassName() : 'none (the model is not compiled)';
}

function describeLoss(model: LayersModel): string {
  const loss = (model as unknown as { loss?: unknown }).loss;
  if (loss === undefined || loss === null) return 'none (the model is not compiled)';
  const name = (l: unknown) => (typeof l === 'function' ? l.name || 'custom' : String(l));
  if (Array.isArray(loss)) return loss.map(name).join(', ');
  if (typeof loss === 'object')
    return Object.entries(loss)
      .map(([k, v]) => `${k}: ${name(v)}`)
      .join(', ');
  return name(loss);
}

/** The public rows of a layer or graph table (trainable is null for a layer without parameters). */
function summaryRows(rows: readonly (LayerRow | GraphRow)[]): SummaryRow[] {
  return rows.map((r) => ({
    name: r.name,
    path: r.path,
    type: r.type,
    outputShape: r.outputShape,
    params: r.params,
    trainable: r.params === 0 ? null : r.trainableParams > 0,
  }));
}
