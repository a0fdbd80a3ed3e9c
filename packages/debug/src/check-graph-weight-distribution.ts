import { InterpError, type ModelGraph } from '@interp/core';
import {
  addWeight,
  type WeightDistributionOptions,
  type WeightDistributionReport,
  weightDistributionSettings,
} from './check-weight-distribution.js';

/**
 * {@link checkWeightDistribution} on a model graph: statistics, histogram and warnings of each
 * parameter the graph exposes through `parameters()` (ONNX initializers, GraphModel weights,
 * LayersModel weights). A graph without `parameters()` (a plain function) is refused.
 *
 * @example
 * ```ts
 * (await checkGraphWeightDistribution(onnxModel)).weights.map((w) => w.name); // ['fc1.weight', ...]
 * ```
 */
export async function checkGraphWeightDistribution(
  graph: ModelGraph,
  options: WeightDistributionOptions = {},
): Promise<WeightDistributionReport> {
  const { bins, hugeThreshold } = weightDistributionSettings(options);
  if (typeof graph.parameters !== 'function') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `checkWeightDistribution needs the model's weights, and this model graph (kind ${graph.kind}) does not expose them (no parameters()); use a LayersModel, a GraphModel or an ONNX model`,
    );
  }
  const report: WeightDistributionReport = { weights: [], warnings: [] };
  for (const p of graph.parameters()) {
    const values = (await p.value.data()) as Float32Array;
    addWeight(
      { layer: p.node, name: p.name, shape: [...p.value.shape] },
      values,
      bins,
      hugeThreshold,
      report,
    );
  }
  return report;
}
