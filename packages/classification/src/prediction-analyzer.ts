import { classNames, type DataLoader, getPreds, InterpError, type Learner } from '@interp/core';
import { assertInteger, describe } from '@interp/core/internal';
import { type BarChartOptions, barChart, type Figsize, panelGrid } from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import { confusionMatrixFromScores } from './metrics/confusion-matrix-from-scores.js';
import {
  type ExpectedCalibrationErrorOptions,
  expectedCalibrationError,
  expectedCalibrationErrorDefaults,
} from './metrics/expected-calibration-error.js';
import { binOf, uniformEdges } from './metrics/internal/bins.js';
import { type ConfusedPair, mostConfused } from './metrics/most-confused.js';
import { reliabilityChart } from './reliability-chart.js';

/** Options of {@link PredictionAnalyzer}. */
export interface PredictionAnalyzerOptions {
  /** The loader to analyze; default the learner's validation loader. */
  dl?: DataLoader;
}

/** Options of the analyzer's plots. */
export type AnalyzerPlotOptions = Pick<BarChartOptions, 'figsize' | 'document'>;

/** Binning of the analyzer's histograms and calibration: ECE's option, with ECE's default. */
export type AnalyzerBinOptions = Pick<ExpectedCalibrationErrorOptions, 'nBins'>;

/**
 * PredictionAnalyzer defaults, written once: the bin count is expectedCalibrationError's, so the
 * analyzer's ECE is the metric's ECE.
 */
export const predictionAnalyzerDefaults: {
  readonly nBins: number;
  readonly topK: number;
  readonly distributionFigsize: Figsize;
} = Object.freeze({
  nBins: expectedCalibrationErrorDefaults.nBins,
  topK: 10,
  distributionFigsize: Object.freeze([12, 4] as const),
});

/** What {@link PredictionAnalyzer.predictionDistribution} returns. */
export interface PredictionDistribution {
  classNames: string[];
  /** `nBins + 1` edges over [0, 1]; a value on an inner edge counts in the lower bin. */
  edges: number[];
  /** Items per bin of confidence (the predicted class's probability). */
  confidenceCounts: number[];
  /** Per class, items per bin of that class's probability (score histograms). */
  scoreCounts: number[][];
  /** Items predicted as each class. */
  predictedCounts: number[];
  /** Items of each actual class. */
  actualCounts: number[];
  meanConfidence: number;
}

/** One confidence bin of {@link PredictionAnalyzer.confidenceAnalysis}. */
export interface ConfidenceBin {
  lo: number;
  hi: number;
  count: number;
  /** Fraction of the bin's items predicted right (NaN for an empty bin). */
  accuracy: number;
  /** Mean confidence of the bin's items (NaN for an empty bin). */
  meanConfidence: number;
}

/** What {@link PredictionAnalyzer.confidenceAnalysis} returns. */
export interface ConfidenceAnalysis {
  bins: ConfidenceBin[];
  accuracy: number;
  meanConfidence: number;
  /** {@link expectedCalibrationError}'s ECE of the same predictions and bins. */
  ece: number;
  /** Mean confidence of the right and of the wrong predictions. */
  meanConfidenceCorrect: number;
  meanConfidenceWrong: number;
}

/** What {@link PredictionAnalyzer.errorAnalysis} returns. */
export interface ErrorAnalysis {
  total: number;
  errors: number;
  errorRate: number;
  /** Per actual class: items, errors and error rate (NaN without items). */
  byClass: { label: string; count: number; errors: number; errorRate: number }[];
  /** Per confidence bin: items, errors and error rate. */
  byConfidence: { lo: number; hi: number; count: number; errors: number; errorRate: number }[];
  /** {@link mostConfused} of the confusion matrix: most frequent first, ties in class order. */
  mostConfused: ConfusedPair<string>[];
  /** The most confident wrong predictions (ties: lower index first). */
  topErrors: { index: number; actual: string; predicted: string; confidence: number }[];
}

interface Cache {
  probs: Float32Array;
  classes: number;
  targets: Int32Array;
  decoded: Int32Array;
  matrix: number[][];
  confidence: Float64Array;
  names: string[];
}

/**
 * Patterns in a classifier's predictions over a dataset (validation by default): score and
 * confidence histograms, calibration and errors by class, by confidence and by confusion. A view
 * over the package's metrics (expectedCalibrationError, confusionMatrixFromScores, mostConfused):
 * the model runs once, on the first call; every result is plain data, and each has a plot.
 *
 * @example
 * ```ts
 * const pa = new PredictionAnalyzer(learn);
 * const { ece, bins } = await pa.confidenceAnalysis();
 * const svg = await pa.plotConfidence({ document });
 * ```
 */
export class PredictionAnalyzer {
  readonly learn: Learner;
  readonly dl: DataLoader;
  private cache: Promise<Cache> | undefined;

  constructor(learn: Learner, { dl }: PredictionAnalyzerOptions = {}) {
    if (!learn || typeof learn !== 'object' || !('dls' in learn)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `PredictionAnalyzer needs a Learner, got ${describe(learn)}`,
      );
    }
    this.learn = learn;
    this.dl = dl ?? learn.dls.valid;
  }

  private data(): Promise<Cache> {
    this.cache ??= this.load();
    return this.cache;
  }

  private async load(): Promise<Cache> {
    const r = await getPreds(this.learn, { dl: this.dl, withDecoded: false });
    let probs: Float32Array;
    let targets: Int32Array;
    try {
      const shape = r.preds.shape;
      const binary = shape.length === 1 || (shape.length === 2 && shape[1] === 1);
      if (!binary && shape.length !== 2) {
        throw new InterpError(
          'NOT_SUPPORTED',
          `PredictionAnalyzer works on class probabilities [N, C] (or [N] for binary), got predictions of shape [${shape.join(', ')}]`,
        );
      }
      const raw = (await r.preds.data()) as Float32Array;
      probs = binary ? twoColumns(raw) : raw;
      const t = await r.targs.data();
      if (t.length !== shape[0]) {
        throw new InterpError(
          'NOT_SUPPORTED',
          `PredictionAnalyzer needs one class index per item; targets have ${t.length} values for ${shape[0]} items`,
        );
      }
      targets = Int32Array.from(t);
    } finally {
      tf.dispose([r.preds, r.targs]);
    }
    const classes = probs.length / targets.length;
    const { matrix, decoded } = confusionMatrixFromScores(probs, classes, targets);
    const confidence = Float64Array.from(decoded, (c, i) => probs[i * classes + c]!);
    const vocab = this.learn.vocab ?? this.dl.vocab;
    const names = classNames(vocab, classes);
    return { probs, classes, targets, decoded, matrix, confidence, names };
  }

  /** Histograms of the confidence and of each class's score, and class counts predicted and actual. */
  async predictionDistribution({
    nBins = predictionAnalyzerDefaults.nBins,
  }: AnalyzerBinOptions = {}): Promise<PredictionDistribution> {
    assertInteger(nBins, 'nBins', 1);
    const d = await this.data();
    const n = d.targets.length;
    const edges = uniformEdges(nBins);
    const confidenceCounts = histogram(d.confidence, edges);
    const scoreCounts = d.names.map((_, c) =>
      histogram(
        Float64Array.from({ length: n }, (_, i) => d.probs[i * d.classes + c]!),
        edges,
      ),
    );
    return {
      classNames: d.names,
      edges: Array.from(edges),
      confidenceCounts,
      scoreCounts,
      predictedCounts: d.names.map((_, c) => d.matrix.reduce((a, row) => a + row[c]!, 0)),
      actualCounts: d.matrix.map((row) => row.reduce((a, v) => a + v, 0)),
      meanConfidence: d.confidence.reduce((a, v) => a + v, 0) / n,
    };
  }

  /** Confidence in `nBins` equal bins over [0, 1] against accuracy; ECE and mean confidences. */
  async confidenceAnalysis({
    nBins = predictionAnalyzerDefaults.nBins,
  }: AnalyzerBinOptions = {}): Promise<ConfidenceAnalysis> {
    assertInteger(nBins, 'nBins', 1);
    const d = await this.data();
    const n = d.targets.length;
    const e = expectedCalibrationError(d.probs, d.classes, d.targets, { nBins });
    let right = 0;
    let confRight = 0;
    let confAll = 0;
    for (let i = 0; i < n; i++) {
      confAll += d.confidence[i]!;
      if (d.decoded[i] === d.targets[i]) {
        right++;
        confRight += d.confidence[i]!;
      }
    }
    return {
      bins: Array.from(e.counts, (count, b) => ({
        lo: e.edges[b]!,
        hi: e.edges[b + 1]!,
        count,
        accuracy: e.accuracy[b]!,
        meanConfidence: e.confidence[b]!,
      })),
      accuracy: right / n,
      meanConfidence: confAll / n,
      ece: e.ece,
      meanConfidenceCorrect: right ? confRight / right : Number.NaN,
      meanConfidenceWrong: n - right ? (confAll - confRight) / (n - right) : Number.NaN,
    };
  }

  /** Errors by actual class, by confidence bin, the most common confusions and the most confident errors. */
  async errorAnalysis({
    nBins = predictionAnalyzerDefaults.nBins,
    topK = predictionAnalyzerDefaults.topK,
  }: AnalyzerBinOptions & { topK?: number } = {}): Promise<ErrorAnalysis> {
    assertInteger(nBins, 'nBins', 1);
    assertInteger(topK, 'topK', 0);
    const d = await this.data();
    const n = d.targets.length;
    const edges = uniformEdges(nBins);
    const byClass = d.names.map((label, c) => {
      const count = d.matrix[c]!.reduce((a, v) => a + v, 0);
      const errors = count - d.matrix[c]![c]!;
      return { label, count, errors, errorRate: count ? errors / count : Number.NaN };
    });
    const byConfidence = Array.from({ length: nBins }, (_, b) => ({
      lo: edges[b]!,
      hi: edges[b + 1]!,
      count: 0,
      errors: 0,
      errorRate: Number.NaN,
    }));
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      const bin = byConfidence[binOf(edges, d.confidence[i]!)]!;
      bin.count++;
      if (d.decoded[i] !== d.targets[i]) {
        bin.errors++;
        wrong.push(i);
      }
    }
    for (const r of byConfidence) r.errorRate = r.count ? r.errors / r.count : Number.NaN;
    const topErrors = wrong
      .sort((x, y) => d.confidence[y]! - d.confidence[x]! || x - y)
      .slice(0, topK)
      .map((i) => ({
        index: i,
        actual: d.names[d.targets[i]!]!,
        predicted: d.names[d.decoded[i]!]!,
        confidence: d.confidence[i]!,
      }));
    return {
      total: n,
      errors: wrong.length,
      errorRate: wrong.length / n,
      byClass,
      byConfidence,
      mostConfused: mostConfused(d.matrix, { vocab: d.names }),
      topErrors,
    };
  }

  /** Confidence histogram and predicted-vs-actual class counts, side by side. */
  async plotPredictionDistribution({
    figsize = predictionAnalyzerDefaults.distributionFigsize,
    document,
  }: AnalyzerPlotOptions = {}): Promise<SVGSVGElement> {
    const r = await this.predictionDistribution();
    const half: [number, number] = [figsize[0] / 2, figsize[1]];
    const binLabels = r.edges
      .slice(0, -1)
      .map((lo, k) => `${lo.toFixed(2)}–${r.edges[k + 1]!.toFixed(2)}`);
    return panelGrid(
      [
        barChart(
          r.confidenceCounts.map((value, k) => ({ label: binLabels[k]!, value })),
          { title: 'Confidence', xLabel: 'items', sort: 'none', figsize: half, document },
        ),
        barChart(
          r.classNames.flatMap((c, k) => [
            { label: `${c} predicted`, value: r.predictedCounts[k]! },
            { label: `${c} actual`, value: r.actualCounts[k]! },
          ]),
          { title: 'Classes', xLabel: 'items', sort: 'none', figsize: half, document },
        ),
      ],
      { ncols: 2, document },
    );
  }

  /** Reliability diagram of {@link confidenceAnalysis}'s ECE (the chart ClassificationInterpretation draws). */
  async plotConfidence({ figsize, document }: AnalyzerPlotOptions = {}): Promise<SVGSVGElement> {
    const d = await this.data();
    return reliabilityChart(expectedCalibrationError(d.probs, d.classes, d.targets), {
      figsize,
      document,
    });
  }

  /** Error rate per actual class. */
  async plotErrors({ figsize, document }: AnalyzerPlotOptions = {}): Promise<SVGSVGElement> {
    const r = await this.errorAnalysis();
    return barChart(
      r.byClass.map((c) => ({
        label: c.label,
        value: Number.isNaN(c.errorRate) ? 0 : c.errorRate,
      })),
      {
        title: `Error rate by class (${r.errors} of ${r.total} wrong)`,
        xLabel: 'error rate',
        figsize,
        document,
      },
    );
  }
}

/** Binary predictions [N] as two columns [1 - p, p]. */
function twoColumns(p: Float32Array): Float32Array {
  const out = new Float32Array(p.length * 2);
  for (let i = 0; i < p.length; i++) {
    out[2 * i] = 1 - p[i]!;
    out[2 * i + 1] = p[i]!;
  }
  return out;
}

/** Counts per bin, with the metrics' binning rule (a value on an inner edge goes to the lower bin). */
function histogram(values: ArrayLike<number>, edges: Float64Array): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(edges, values[i]!)]!++;
  return counts;
}
