import type { Learner } from '@interp/core';
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
import { requireLayersModel } from './internal/model-layers.js';

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
 */
export class ModelDebugger {
  readonly learn: Learner;

  constructor(learn: Learner) {
    requireLayersModel(learn, 'ModelDebugger');
    this.learn = learn;
  }

  /** Per-layer gradient norms over a few training batches; see {@link checkGradientFlow}. */
  checkGradientFlow(options: GradientFlowOptions = {}): Promise<GradientFlowReport> {
    return checkGradientFlow(this.learn, options);
  }

  /** Per-layer output statistics for the input `x`; see {@link checkLayerOutputs}. */
  checkLayerOutputs(x: tf.Tensor, options: LayerOutputOptions = {}): Promise<LayerOutputReport> {
    return checkLayerOutputs(this.learn, x, options);
  }

  /** Units that never activate over a dataset; see {@link checkDeadNeurons}. */
  checkDeadNeurons(options: DeadNeuronOptions = {}): Promise<DeadNeuronReport> {
    return checkDeadNeurons(this.learn, options);
  }

  /** Statistics and histograms of every weight; see {@link checkWeightDistribution}. */
  checkWeightDistribution(
    options: WeightDistributionOptions = {},
  ): Promise<WeightDistributionReport> {
    return checkWeightDistribution(this.learn, options);
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
