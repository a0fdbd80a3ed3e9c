import { InterpError, type Learner } from '@interp/core';
import { assertInteger, assertNumber } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { leafLayers, weightSize } from './internal/model-layers.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';

/** Options of {@link ModelDebugger.checkGradientFlow}. */
export interface GradientFlowOptions {
  /** Batches to average over. */
  nBatches?: number;
  /** 0 = train (default), 1 = valid. */
  dsIdx?: number;
  /** A layer whose mean |gradient| is below this is vanishing. */
  vanishingThreshold?: number;
  /** A layer whose gradient norm is above this is exploding. */
  explodingThreshold?: number;
}

/** Gradient statistics of one layer, averaged over batches. */
export interface LayerGradientFlow {
  layer: string;
  type: string;
  /** Number of trainable parameters. */
  params: number;
  /** L2 norm of the gradient over all the layer's trainable weights (mean over batches). */
  gradNorm: number;
  /** Mean |gradient| per parameter (mean over batches). */
  meanAbsGrad: number;
  /** Largest |gradient| seen. */
  maxAbsGrad: number;
  status: 'ok' | 'vanishing' | 'exploding' | 'non-finite';
}

/** What {@link ModelDebugger.checkGradientFlow} returns. */
export interface GradientFlowReport {
  layers: LayerGradientFlow[];
  vanishing: string[];
  exploding: string[];
  nonFinite: string[];
  batches: number;
  warnings: string[];
}

/**
 * Gradient of the mean training loss over `nBatches` batches (training mode): per layer with
 * trainable weights, the gradient's L2 norm, mean and max |gradient|. Layers with mean
 * |gradient| below `vanishingThreshold` are vanishing, with a norm above `explodingThreshold`
 * exploding; NaN or infinite gradients are flagged too. What {@link ModelDebugger.checkGradientFlow} runs.
 *
 * @example
 * ```ts
 * (await checkGradientFlow(learn, { nBatches: 1 })).vanishing; // ['dense_1'] when no gradient reaches it
 * ```
 */
export async function checkGradientFlow(
  learn: Learner,
  options: GradientFlowOptions = {},
): Promise<GradientFlowReport> {
  const d = modelDebuggerDefaults.gradientFlow;
  const {
    nBatches = d.nBatches,
    dsIdx = d.dsIdx,
    vanishingThreshold = d.vanishingThreshold,
    explodingThreshold = d.explodingThreshold,
  } = options;
  assertInteger(nBatches, 'nBatches', 1);
  assertNumber(vanishingThreshold, 'vanishingThreshold', 0);
  assertNumber(explodingThreshold, 'explodingThreshold', 0);
  const dl = learn.dls.byIndex(dsIdx);
  const layers = leafLayers(learn.layersModel!).filter((l) => l.trainableWeights.length > 0);
  if (layers.length === 0) {
    throw new InterpError('EMPTY_INPUT', 'checkGradientFlow: the model has no trainable weights');
  }
  const vars = layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const params = layers.map((l) => l.trainableWeights.reduce((a, w) => a + weightSize(w), 0));
  const sums = layers.map(() => ({ norm: 0, meanAbs: 0, maxAbs: 0, bad: 0 }));
  let batches = 0;
  for await (const { x, y } of dl) {
    let data: Float32Array;
    try {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(learn.lossFunc(learn.predict(x, { training: true }), y)) as tf.Scalar,
        vars,
      );
      const stats = tf.tidy(() =>
        tf.stack(
          layers.map((l) => {
            const gs = l.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
            return tf.stack([
              tf.addN(gs.map((g) => tf.sum(tf.square(g)))),
              tf.addN(gs.map((g) => tf.sum(tf.abs(g)))),
              tf.max(tf.stack(gs.map((g) => tf.max(tf.abs(g))))),
              tf.addN(gs.map((g) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(g)), 'float32')))),
            ]);
          }),
        ),
      );
      tf.dispose([value, ...Object.values(grads)]);
      data = (await stats.data()) as Float32Array;
      stats.dispose();
    } finally {
      tf.dispose([x, y]);
    }
    layers.forEach((_, i) => {
      const s = sums[i]!;
      s.norm += Math.sqrt(data[4 * i]!);
      s.meanAbs += data[4 * i + 1]! / params[i]!;
      s.maxAbs = Math.max(s.maxAbs, data[4 * i + 2]!);
      s.bad += data[4 * i + 3]!;
    });
    if (++batches >= nBatches) break;
  }
  if (batches === 0)
    throw new InterpError('EMPTY_INPUT', 'checkGradientFlow: the data loader yielded no batches');
  const rows = layers.map((l, i) =>
    flowRow({ layer: l.name, type: l.getClassName(), params: params[i]! }, sums[i]!, batches, {
      vanishingThreshold,
      explodingThreshold,
    }),
  );
  return gradientFlowReport(rows, batches, { vanishingThreshold, explodingThreshold });
}

/** Gradient sums over batches: norm and mean |grad| summed, max |grad|, non-finite count. */
export interface GradientSums {
  norm: number;
  meanAbs: number;
  maxAbs: number;
  bad: number;
}

interface FlowThresholds {
  vanishingThreshold: number;
  explodingThreshold: number;
}

/** One row of the report from sums over `batches` batches, with its status. */
export function flowRow(
  id: Pick<LayerGradientFlow, 'layer' | 'type' | 'params'>,
  s: GradientSums,
  batches: number,
  { vanishingThreshold, explodingThreshold }: FlowThresholds,
): LayerGradientFlow {
  const gradNorm = s.norm / batches;
  const meanAbsGrad = s.meanAbs / batches;
  const status: LayerGradientFlow['status'] =
    s.bad > 0 || !Number.isFinite(gradNorm)
      ? 'non-finite'
      : meanAbsGrad < vanishingThreshold
        ? 'vanishing'
        : gradNorm > explodingThreshold
          ? 'exploding'
          : 'ok';
  return { ...id, gradNorm, meanAbsGrad, maxAbsGrad: s.maxAbs, status };
}

/** The report: rows, the names by status, and the warnings. */
export function gradientFlowReport(
  rows: LayerGradientFlow[],
  batches: number,
  { vanishingThreshold, explodingThreshold }: FlowThresholds,
): GradientFlowReport {
  const named = (st: LayerGradientFlow['status']) =>
    rows.filter((r) => r.status === st).map((r) => r.layer);
  const vanishing = named('vanishing');
  const exploding = named('exploding');
  const nonFinite = named('non-finite');
  const warnings: string[] = [];
  if (vanishing.length) {
    warnings.push(
      `vanishing gradients (mean |grad| < ${vanishingThreshold}) in ${vanishing.join(', ')}: these layers barely train; look for zero weights downstream, dead ReLUs or saturated activations`,
    );
  }
  if (exploding.length) {
    warnings.push(
      `exploding gradients (norm > ${explodingThreshold}) in ${exploding.join(', ')}: lower the learning rate, normalize inputs or clip gradients`,
    );
  }
  if (nonFinite.length) warnings.push(`NaN or infinite gradients in ${nonFinite.join(', ')}`);
  return { layers: rows, vanishing, exploding, nonFinite, batches, warnings };
}
