import {
  type FitOptions,
  type GraphNode,
  type GraphSource,
  InterpError,
  isModelGraph,
  type Learner,
  type ModelGraph,
  type Recorder,
  toModelGraph,
} from '@interp/core';
import { assertInteger, describe } from '@interp/core/internal';
import type * as tf from '@tensorflow/tfjs-core';
import type { Layer, LayerRef } from './hook-layers.js';
import {
  type ActivationPlotOptions,
  colorDimFigure,
  layerStatsFigure,
} from './internal/activation-plots.js';
import { HIST_BINS } from './internal/activation-summary.js';
import {
  forEachBatch,
  type GraphBatch,
  graphActivationRecord,
  watchedNodes,
} from './internal/graph-activation-record.js';
import {
  hasParams,
  leafLayers,
  requireLayersModel,
  resolveLayers,
} from './internal/model-layers.js';
import { type RecordedBatch, recordFitBatches } from './internal/record-fit-batches.js';

/** Options of {@link ActivationStats}. */
export interface ActivationStatsOptions {
  /** Also record a 40-bin histogram of each output over [0, 10] (fastai's `with_hist`). */
  withHist?: boolean;
  /** Record every `every`-th training batch (0, every, 2 every, ...); default every batch. */
  every?: number;
  /**
   * Layers to watch; default every layer with weights (fastai's default), nested models opened.
   * On a model graph: node names, module paths or node indices; default the nodes with params.
   */
  layers?: readonly LayerRef[];
  /** With the default layers, also watch layers without weights (activations, pooling, ...). */
  includeParamless?: boolean;
}

/** ActivationStats defaults, written once. */
export const activationStatsDefaults = Object.freeze({
  withHist: false,
  every: 1,
  includeParamless: false,
} as const);

/** One layer's statistics for one recorded batch. */
export interface ActivationRecord {
  mean: number;
  /** Sample standard deviation (n - 1), as torch's `std()`. */
  std: number;
  /** Fraction of values <= 0.05. */
  nearZero: number;
  /** Counts of values in [k/4, (k+1)/4) for k = 0..39 (10 itself in the last bin); with `withHist`. */
  hist?: Float32Array;
}

/** One layer's statistics over the recorded batches, in batch order. */
export interface LayerActivationStats {
  layer: string;
  className: string;
  /** The training iteration (0-based, across epochs) of each recorded batch. */
  iterations: number[];
  mean: number[];
  std: number[];
  nearZero: number[];
  /** One 40-bin histogram per recorded batch; with `withHist`. */
  hist?: Float32Array[];
}

/**
 * Records the mean, standard deviation, fraction near zero (<= 0.05) and, with `withHist`, a
 * 40-bin histogram over [0, 10] of each watched layer's output on every training batch of
 * `learn.fit`, as fastai's `ActivationStats` callback. Statistics are computed on the device
 * during the forward pass and read once at the end of each fit. Like fastai, each fit starts a
 * fresh record. It hooks into `learn.fit` until `remove()`; the model itself is never changed.
 *
 * @example
 * ```ts
 * const activs = new ActivationStats(learn, { withHist: true });
 * await learn.fit(1);
 * activs.statsByLayer(); // [{ layer: 'conv2d_1', mean: [...], std: [...], nearZero: [...] }, ...]
 * activs.plotLayerStats({ document });
 * activs.remove();
 * ```
 *
 * On a {@link ModelGraph} (an ONNX model, a GraphModel: no training loop), record batches with
 * {@link ActivationStats.record} or build it with {@link ActivationStats.fromGraph}.
 */
export class ActivationStats {
  /** The learner whose fit is recorded; undefined on a model graph. */
  readonly learn: Learner | undefined;
  /** The model graph `record` runs; undefined on a learner. */
  readonly graph: ModelGraph | undefined;
  readonly withHist: boolean;
  readonly every: number;
  /** The watched layers (graph nodes on a model graph), in model order. */
  readonly layers: readonly (Layer | GraphNode)[];
  private batches: RecordedBatch[] = [];
  private removed = false;
  private readonly originalFit: Learner['fit'] | undefined;
  private readonly ownFit: PropertyDescriptor | undefined;
  private readonly wrappedFit: Learner['fit'] | undefined;

  constructor(learn: Learner | ModelGraph, options: ActivationStatsOptions = {}) {
    const graph = isModelGraph(learn) ? learn : undefined;
    const model = graph
      ? undefined
      : requireLayersModel(
          learn as Learner,
          'ActivationStats',
          '; for an ONNX model or a GraphModel use ActivationStats.fromGraph(model, batches)',
        );
    const {
      withHist = activationStatsDefaults.withHist,
      every = activationStatsDefaults.every,
      layers,
      includeParamless = activationStatsDefaults.includeParamless,
    } = options;
    if (typeof withHist !== 'boolean') {
      throw new InterpError(
        'INVALID_OPTION',
        `invalid withHist: ${describe(withHist)}; expected true or false`,
      );
    }
    assertInteger(every, 'every', 1);
    this.graph = graph;
    this.learn = graph ? undefined : (learn as Learner);
    this.withHist = withHist;
    this.every = every;
    this.layers = graph
      ? watchedNodes(graph, layers, includeParamless)
      : layers === undefined
        ? leafLayers(model!).filter((l) => includeParamless || hasParams(l))
        : [...new Set(resolveLayers(model!, layers))];
    if (this.layers.length === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        'ActivationStats found no layers to watch: the model has no layers with weights; pass { layers } or { includeParamless: true }',
      );
    }
    if (graph) return;
    this.ownFit = Object.getOwnPropertyDescriptor(learn, 'fit');
    this.originalFit = (learn as Learner).fit;
    const self = this;
    this.wrappedFit = function (this: Learner, epochs: number, fitOptions?: FitOptions) {
      return self.removed
        ? self.originalFit!.call(this, epochs, fitOptions)
        : self.recordFit(this, epochs, fitOptions ?? {});
    };
    Object.defineProperty(learn, 'fit', {
      value: this.wrappedFit,
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }

  /**
   * Records every batch of `batches` through a model graph (an ONNX model, a GraphModel, a
   * LayersModel, a Learner) in inference mode: what a model without a training loop has instead
   * of `learn.fit`. Tensors in `batches` stay yours; a data loader's `{ x, y }` batches are
   * disposed after use.
   *
   * @example
   * ```ts
   * const activs = await ActivationStats.fromGraph(await loadOnnxModel('mlp.onnx'), [x1, x2]);
   * activs.layerStats('/fc1/Gemm').mean; // one value per batch
   * ```
   */
  static async fromGraph(
    model: GraphSource,
    batches: Iterable<GraphBatch> | AsyncIterable<GraphBatch>,
    options: ActivationStatsOptions = {},
  ): Promise<ActivationStats> {
    const activs = new ActivationStats(toModelGraph(model, 'ActivationStats.fromGraph'), options);
    const n = await forEachBatch(batches, (x) => activs.record(x));
    if (n === 0) {
      throw new InterpError('EMPTY_INPUT', 'ActivationStats.fromGraph: batches held no batch');
    }
    return activs;
  }

  /**
   * Runs the model graph on one batch `x` (inference mode) and appends each watched node's
   * statistics as the next recorded batch. Only on a model graph: a learner records in `fit`.
   *
   * @example
   * ```ts
   * const activs = new ActivationStats(onnxModel, { layers: ['/act1/Relu'] });
   * await activs.record(x);
   * ```
   */
  async record(x: tf.Tensor): Promise<void> {
    if (!this.graph) {
      throw new InterpError(
        'NOT_SUPPORTED',
        'ActivationStats.record runs a model graph; this one watches a learner and records during learn.fit(...)',
      );
    }
    const values = await graphActivationRecord(
      this.graph,
      this.layers as readonly GraphNode[],
      x,
      this.withHist,
    );
    this.batches.push({ iteration: this.batches.length, values });
  }

  /** Stops recording and gives `learn.fit` back; the recorded statistics stay. */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    if (!this.learn) return;
    // Restore only when nothing was stacked on top of us; otherwise our wrapper passes through.
    if (this.learn.fit === this.wrappedFit) {
      if (this.ownFit) Object.defineProperty(this.learn, 'fit', this.ownFit);
      else delete (this.learn as unknown as { fit?: unknown }).fit;
    }
  }

  private async recordFit(learn: Learner, epochs: number, options: FitOptions): Promise<Recorder> {
    this.batches = [];
    return recordFitBatches(
      { learn, fit: this.originalFit!, layers: this.layers as readonly Layer[] },
      { every: this.every, withHist: this.withHist },
      epochs,
      options,
      this.batches,
    );
  }

  private get width(): number {
    return 3 + (this.withHist ? HIST_BINS : 0);
  }

  /** Number of recorded batches (of the last fit). */
  get length(): number {
    return this.batches.length;
  }

  /** Per recorded batch, per layer: fastai's `stats`. */
  get stats(): ActivationRecord[][] {
    const w = this.width;
    return this.batches.map((b) =>
      this.layers.map((_, i) => {
        const r: ActivationRecord = {
          mean: b.values[i * w]!,
          std: b.values[i * w + 1]!,
          nearZero: b.values[i * w + 2]!,
        };
        if (this.withHist) r.hist = b.values.slice(i * w + 3, (i + 1) * w);
        return r;
      }),
    );
  }

  /** Each watched layer's statistics over the recorded batches. */
  statsByLayer(): LayerActivationStats[] {
    return this.layers.map((_, i) => this.layerRecord(i));
  }

  /** One layer's `{ mean, std, nearZero }` over batches (fastai's `layer_stats`). */
  layerStats(layer: LayerRef): LayerActivationStats {
    return this.layerRecord(this.layerIndex(layer));
  }

  /**
   * One layer's histograms over time as fastai's `hist(idx)`: a 40 x batches matrix of
   * `log1p(count)`, row k for bin k (values near 0 in row 0).
   */
  hist(layer: LayerRef): number[][] {
    const i = this.layerIndex(layer);
    this.requireHist('hist');
    const w = this.width;
    return Array.from({ length: HIST_BINS }, (_, k) =>
      this.batches.map((b) => Math.log1p(b.values[i * w + 3 + k]!)),
    );
  }

  /**
   * fastai's `plot_layer_stats` for every watched layer (or `layers`): three panels, the mean, the
   * std and the % of values near zero (<= 0.05) of each layer's output over the recorded batches.
   */
  plotLayerStats(
    options: ActivationPlotOptions & { layers?: readonly LayerRef[] } = {},
  ): SVGSVGElement {
    this.requireBatches('plotLayerStats');
    const picked = options.layers
      ? options.layers.map((l) => this.layerIndex(l))
      : this.layers.map((_, i) => i);
    return layerStatsFigure(
      picked.map((i) => this.layerRecord(i)),
      options,
    );
  }

  /**
   * fastai's "colorful dimension" of one layer: the log1p of its 40-bin histograms (values 0 to
   * 10, bottom to top) stacked over the recorded batches (left to right). Needs `withHist`.
   */
  colorDim(layer: LayerRef, options: ActivationPlotOptions = {}): SVGSVGElement {
    const i = this.layerIndex(layer);
    this.requireHist('colorDim');
    this.requireBatches('colorDim');
    return colorDimFigure(
      this.layers[i]!.name,
      this.hist(i),
      this.batches.map((b) => b.iteration),
      options,
    );
  }

  /** Throws unless a fit recorded at least one batch. */
  requireBatches(what: string): void {
    if (this.batches.length === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        `${what}: no batches recorded yet; ${this.graph ? 'call record(x)' : 'run learn.fit(...) while this ActivationStats is attached'}`,
      );
    }
  }

  /** Index of a layer among the watched ones, by name, watched index or object. */
  layerIndex(layer: LayerRef): number {
    const i =
      typeof layer === 'number'
        ? Number.isInteger(layer) && layer >= 0 && layer < this.layers.length
          ? layer
          : -1
        : this.layers.findIndex((l) =>
            typeof layer === 'string' ? l.name === layer : l === layer,
          );
    if (i < 0) {
      throw new InterpError(
        'UNKNOWN_LAYER',
        `${typeof layer === 'object' ? 'that layer' : JSON.stringify(layer)} is not watched by this ActivationStats; watched layers: ${this.layers.map((l, k) => `${k} ${l.name}`).join(', ')}`,
      );
    }
    return i;
  }

  /** Throws unless histograms were recorded. */
  requireHist(what: string): void {
    if (!this.withHist) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${what} needs histograms: create the ActivationStats with { withHist: true } and fit again`,
      );
    }
  }

  private layerRecord(i: number): LayerActivationStats {
    const w = this.width;
    const layer = this.layers[i]!;
    const rec: LayerActivationStats = {
      layer: layer.name,
      className: 'getClassName' in layer ? layer.getClassName() : layer.op,
      iterations: this.batches.map((b) => b.iteration),
      mean: this.batches.map((b) => b.values[i * w]!),
      std: this.batches.map((b) => b.values[i * w + 1]!),
      nearZero: this.batches.map((b) => b.values[i * w + 2]!),
    };
    if (this.withHist) rec.hist = this.batches.map((b) => b.values.slice(i * w + 3, (i + 1) * w));
    return rec;
  }
}
