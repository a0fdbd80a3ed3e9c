import {
  type GraphSource,
  InterpError,
  isModelGraph,
  type Learner,
  type ModelGraph,
  toModelGraph,
} from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import {
  checkDeadNeurons,
  type DeadNeuronOptions,
  type DeadNeuronReport,
} from './check-dead-neurons.js';
import {
  checkGradientFlow,
  type GradientFlowOptions,
  type GradientFlowReport,
} from './check-gradient-flow.js';
import { checkGraphDeadNeurons } from './check-graph-dead-neurons.js';
import {
  checkGraphGradientFlow,
  type GraphGradientFlowOptions,
} from './check-graph-gradient-flow.js';
import { checkGraphLayerOutputs } from './check-graph-layer-outputs.js';
import { checkGraphWeightDistribution } from './check-graph-weight-distribution.js';
import {
  checkLayerOutputs,
  type LayerOutputOptions,
  type LayerOutputReport,
} from './check-layer-outputs.js';
import {
  checkWeightDistribution,
  type WeightDistributionOptions,
  type WeightDistributionReport,
} from './check-weight-distribution.js';
import {
  type DebugPlotOptions,
  plotDeadNeurons,
  plotGradientFlow,
  plotLayerOutputs,
  plotWeightDistribution,
} from './internal/debug-plots.js';
import type { GraphBatch } from './internal/graph-activation-record.js';
import { requireLayersModel } from './internal/model-layers.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';

/** Options of {@link ModelDebugger} on a model graph. */
export interface ModelDebuggerOptions {
  /**
   * Batches for the checks that run over data (gradient flow, dead neurons) on a model graph,
   * which has no data loaders: tensors (yours) or a data loader's `{ x, y }` (disposed).
   */
  data?: Iterable<GraphBatch> | AsyncIterable<GraphBatch>;
}

/**
 * Debugging tools for a learner's model, four checks named in parallel: `checkGradientFlow`,
 * `checkLayerOutputs`, `checkDeadNeurons` and `checkWeightDistribution`, each returning plain data
 * with warnings, and each with a plot. Nothing here changes the model.
 *
 * @example
 * ```ts
 * const dbg = new ModelDebugger(learn);
 * const flow = await dbg.checkGradientFlow();
 * flow.vanishing; // ['dense_1'] when no gradient reaches it
 * dbg.plotGradientFlow(flow, { document });
 * ```
 *
 * On a model graph (an ONNX model, a GraphModel, a bare LayersModel) the checks run without
 * training: gradient flow with respect to the input and each node's output
 * ({@link checkGraphGradientFlow}), layer outputs, dead units over `data`, and the weights the
 * graph exposes through `parameters()`.
 *
 * ```ts
 * const dbg = new ModelDebugger(await loadOnnxModel('mlp.onnx'), { data: [x] });
 * (await dbg.checkDeadNeurons()).warnings;
 * ```
 *
 * A learner around a model graph (`new Learner(onnxModel, { dls })`) runs the same graph checks
 * over its loaders (`dsIdx` as on a learner) unless `data` is given.
 */
export class ModelDebugger {
  /** The learner; undefined on a model graph. */
  readonly learn: Learner | undefined;
  /** The model graph; on a learner, the one it wraps (`learn.modelGraph`), if any. */
  readonly graph: ModelGraph | undefined;
  private readonly data: ModelDebuggerOptions['data'];

  constructor(model: Learner | GraphSource, { data }: ModelDebuggerOptions = {}) {
    if (
      typeof model === 'object' &&
      model !== null &&
      'dls' in model &&
      isModelGraph((model as Learner).modelGraph)
    ) {
      // A learner around a model graph (an ONNX model): the graph checks, over its loaders by default.
      this.learn = model as Learner;
      this.graph = (model as Learner).modelGraph;
    } else if (typeof model === 'object' && model !== null && 'dls' in model) {
      requireLayersModel(
        model as Learner,
        'ModelDebugger',
        '; for an ONNX model or a GraphModel pass the model itself: new ModelDebugger(model, { data })',
      );
      this.learn = model as Learner;
      this.graph = undefined;
    } else {
      this.learn = undefined;
      this.graph = toModelGraph(model, 'ModelDebugger');
    }
    this.data = data;
  }

  /**
   * Per-layer gradient norms over a few training batches; see {@link checkGradientFlow}. On a
   * model graph: gradients of the target score over `data`; see {@link checkGraphGradientFlow}.
   */
  async checkGradientFlow(
    options: GradientFlowOptions & GraphGradientFlowOptions = {},
  ): Promise<GradientFlowReport> {
    if (this.graph) {
      const dsIdx = options.dsIdx ?? modelDebuggerDefaults.gradientFlow.dsIdx;
      return checkGraphGradientFlow(
        this.graph,
        this.requireData('checkGradientFlow', dsIdx),
        options,
      );
    }
    return checkGradientFlow(this.learn!, options);
  }

  /** Per-layer output statistics for the input `x`; see {@link checkLayerOutputs}. */
  async checkLayerOutputs(
    x: tf.Tensor,
    options: LayerOutputOptions = {},
  ): Promise<LayerOutputReport> {
    if (this.graph) {
      return checkGraphLayerOutputs(this.graph, x, {
        ...(options.layers ? { layers: options.layers as (string | number)[] } : {}),
      });
    }
    return checkLayerOutputs(this.learn!, x, options);
  }

  /** Units that never activate over a dataset (`data` on a graph); see {@link checkDeadNeurons}. */
  async checkDeadNeurons(options: DeadNeuronOptions = {}): Promise<DeadNeuronReport> {
    if (this.graph) {
      const { threshold, layers, dsIdx = modelDebuggerDefaults.deadNeurons.dsIdx } = options;
      return checkGraphDeadNeurons(this.graph, this.requireData('checkDeadNeurons', dsIdx), {
        ...(threshold === undefined ? {} : { threshold }),
        ...(layers ? { layers: layers as (string | number)[] } : {}),
      });
    }
    return checkDeadNeurons(this.learn!, options);
  }

  /** Statistics and histograms of every weight; see {@link checkWeightDistribution}. */
  async checkWeightDistribution(
    options: WeightDistributionOptions = {},
  ): Promise<WeightDistributionReport> {
    if (this.graph) return checkGraphWeightDistribution(this.graph, options);
    return checkWeightDistribution(this.learn!, options);
  }

  private requireData(check: string, dsIdx: number): NonNullable<ModelDebuggerOptions['data']> {
    if (this.data === undefined && this.learn !== undefined) return this.learn.dls.byIndex(dsIdx);
    if (this.data === undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${check} on a model graph needs batches to run: new ModelDebugger(graph, { data: [x1, x2] }) (a model graph has no data loaders)`,
      );
    }
    return this.data;
  }
  /** Bars of each layer's gradient norm and mean |gradient|, flagged layers marked. */
  plotGradientFlow(report: GradientFlowReport, options: DebugPlotOptions = {}): SVGSVGElement {
    return plotGradientFlow(report, options);
  }

  /** Each layer's output mean with ±std error bars, and its min and max. */
  plotLayerOutputs(report: LayerOutputReport, options: DebugPlotOptions = {}): SVGSVGElement {
    return plotLayerOutputs(report, options);
  }

  /** Fraction of dead units per layer. */
  plotDeadNeurons(report: DeadNeuronReport, options: DebugPlotOptions = {}): SVGSVGElement {
    return plotDeadNeurons(report, options);
  }

  /** One histogram line per weight tensor (density over its value range). */
  plotWeightDistribution(
    report: WeightDistributionReport,
    options: DebugPlotOptions = {},
  ): SVGSVGElement {
    return plotWeightDistribution(report, options);
  }
}
