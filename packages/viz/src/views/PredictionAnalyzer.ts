import {
  assertInteger,
  type DataLoader,
  describe,
  getPreds,
  InterpError,
  type Learner,
} from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { barChart } from '../bar-chart.js';
import { lineChart } from '../line-chart.js';
import type { DocumentOption, Figsize } from '../types.js';
import { panelGrid } from './panel-grid.js';

/** Options of {@link PredictionAnalyzer}. */
export interface PredictionAnalyzerOptions {
  /** The loader to analyze; default the learner's validation loader. */
  dl?: DataLoader;
}

/** Options of the analyzer's plots. */
export interface AnalyzerPlotOptions extends DocumentOption {
  figsize?: Figsize;
}

/** PredictionAnalyzer defaults, written once. */
export const predictionAnalyzerDefaults: { readonly bins: number; readonly topK: number } = {
  bins: 10,
  topK: 10,
};

/** What {@link PredictionAnalyzer.predictionDistribution} returns. */
export interface PredictionDistribution {
  classNames: string[];
  /** `bins + 1` edges over [0, 1]. */
  edges: number[];
  /** Items per bin of confidence (the predicted class's probability); 1 falls in the last bin. */
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
  /** Expected calibration error: sum over bins of (count / N) * |accuracy - meanConfidence|. */
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
  /** `[actual, predicted, count]`, most frequent first, ties in class order. */
  mostConfused: [string, string, number][];
  /** The most confident wrong predictions (ties: lower index first). */
  topErrors: { index: number; actual: string; predicted: string; confidence: number }[];
}

interface Cache {
  probs: Float32Array;
  classes: number;
  targets: Int32Array;
  decoded: Int32Array;
  confidence: Float64Array;
  names: string[];
}

/**
 * Patterns in a classifier's predictions over a dataset (validation by default): score and
 * confidence histograms, calibration (confidence bins against accuracy, ECE), and errors by class,
 * by confidence and by confusion. The model runs once, on the first call; every result is plain
 * data, and each has a plot.
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
    try {
      let p = r.preds;
      if (p.rank === 2 && p.shape[1] === 1) p = tf.reshape(p, [-1]);
      const binary = p.rank === 1;
      if (!binary && p.rank !== 2) {
        throw new InterpError(
          'NOT_SUPPORTED',
          `PredictionAnalyzer works on class probabilities [N, C] (or [N] for binary), got predictions of shape [${r.preds.shape.join(', ')}]`,
        );
      }
      const n = p.shape[0]!;
      const raw = (await p.data()) as Float32Array;
      if (p !== r.preds) p.dispose();
      const classes = binary ? 2 : r.preds.shape[1]!;
      const probs = binary ? new Float32Array(n * 2) : raw;
      if (binary) {
        for (let i = 0; i < n; i++) {
          probs[2 * i] = 1 - raw[i]!;
          probs[2 * i + 1] = raw[i]!;
        }
      }
      const t = await r.targs.data();
      if (t.length !== n) {
        throw new InterpError(
          'NOT_SUPPORTED',
          `PredictionAnalyzer needs one class index per item; targets have ${t.length} values for ${n} items`,
        );
      }
      const targets = Int32Array.from(t);
      const decoded = new Int32Array(n);
      const confidence = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++)
          if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
        decoded[i] = best;
        confidence[i] = probs[i * classes + best]!;
        if (!(targets[i]! >= 0 && targets[i]! < classes)) {
          throw new InterpError(
            'LABEL_OUT_OF_RANGE',
            `target ${targets[i]} of item ${i} is not a class index in 0..${classes - 1}`,
          );
        }
      }
      const vocab = this.learn.vocab ?? this.dl.vocab;
      const names = Array.from({ length: classes }, (_, c) => vocab?.[c] ?? String(c));
      return { probs, classes, targets, decoded, confidence, names };
    } finally {
      tf.dispose([r.preds, r.targs]);
    }
  }

  /** Histograms of the confidence and of each class's score, and class counts predicted and actual. */
  async predictionDistribution({
    bins = predictionAnalyzerDefaults.bins,
  } = {}): Promise<PredictionDistribution> {
    assertInteger(bins, 'bins', 1);
    const d = await this.data();
    const n = d.targets.length;
    const binOf = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
    const confidenceCounts = new Array<number>(bins).fill(0);
    const scoreCounts = d.names.map(() => new Array<number>(bins).fill(0));
    const predictedCounts = new Array<number>(d.classes).fill(0);
    const actualCounts = new Array<number>(d.classes).fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      confidenceCounts[binOf(d.confidence[i]!)]!++;
      sum += d.confidence[i]!;
      for (let c = 0; c < d.classes; c++) scoreCounts[c]![binOf(d.probs[i * d.classes + c]!)]!++;
      predictedCounts[d.decoded[i]!]!++;
      actualCounts[d.targets[i]!]!++;
    }
    return {
      classNames: d.names,
      edges: Array.from({ length: bins + 1 }, (_, k) => k / bins),
      confidenceCounts,
      scoreCounts,
      predictedCounts,
      actualCounts,
      meanConfidence: sum / n,
    };
  }

  /** Confidence in `bins` equal bins over [0, 1] against accuracy; ECE and mean confidences. */
  async confidenceAnalysis({
    bins = predictionAnalyzerDefaults.bins,
  } = {}): Promise<ConfidenceAnalysis> {
    assertInteger(bins, 'bins', 1);
    const d = await this.data();
    const n = d.targets.length;
    const count = new Array<number>(bins).fill(0);
    const right = new Array<number>(bins).fill(0);
    const conf = new Array<number>(bins).fill(0);
    let totalRight = 0;
    let confRight = 0;
    let confWrong = 0;
    for (let i = 0; i < n; i++) {
      const b = Math.min(bins - 1, Math.floor(d.confidence[i]! * bins));
      const ok = d.decoded[i] === d.targets[i];
      count[b]!++;
      conf[b]! += d.confidence[i]!;
      if (ok) {
        right[b]!++;
        totalRight++;
        confRight += d.confidence[i]!;
      } else confWrong += d.confidence[i]!;
    }
    const out = count.map((c, b) => ({
      lo: b / bins,
      hi: (b + 1) / bins,
      count: c,
      accuracy: c ? right[b]! / c : Number.NaN,
      meanConfidence: c ? conf[b]! / c : Number.NaN,
    }));
    const ece = out.reduce(
      (a, b) => a + (b.count ? (b.count / n) * Math.abs(b.accuracy - b.meanConfidence) : 0),
      0,
    );
    return {
      bins: out,
      accuracy: totalRight / n,
      meanConfidence: conf.reduce((a, b) => a + b, 0) / n,
      ece,
      meanConfidenceCorrect: totalRight ? confRight / totalRight : Number.NaN,
      meanConfidenceWrong: n - totalRight ? confWrong / (n - totalRight) : Number.NaN,
    };
  }

  /** Errors by actual class, by confidence bin, the most common confusions and the most confident errors. */
  async errorAnalysis({
    bins = predictionAnalyzerDefaults.bins,
    topK = predictionAnalyzerDefaults.topK,
  } = {}): Promise<ErrorAnalysis> {
    assertInteger(bins, 'bins', 1);
    assertInteger(topK, 'topK', 0);
    const d = await this.data();
    const n = d.targets.length;
    const byClass = d.names.map((label) => ({ label, count: 0, errors: 0, errorRate: Number.NaN }));
    const byConfidence = Array.from({ length: bins }, (_, b) => ({
      lo: b / bins,
      hi: (b + 1) / bins,
      count: 0,
      errors: 0,
      errorRate: Number.NaN,
    }));
    const confusion = new Map<number, number>();
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = d.targets[i]!;
      const p = d.decoded[i]!;
      const b = Math.min(bins - 1, Math.floor(d.confidence[i]! * bins));
      byClass[a]!.count++;
      byConfidence[b]!.count++;
      if (a !== p) {
        byClass[a]!.errors++;
        byConfidence[b]!.errors++;
        confusion.set(a * d.classes + p, (confusion.get(a * d.classes + p) ?? 0) + 1);
        wrong.push(i);
      }
    }
    for (const r of [...byClass, ...byConfidence])
      r.errorRate = r.count ? r.errors / r.count : Number.NaN;
    const mostConfused = [...confusion.entries()]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .map(([k, c]): [string, string, number] => [
        d.names[Math.floor(k / d.classes)]!,
        d.names[k % d.classes]!,
        c,
      ]);
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
      mostConfused,
      topErrors,
    };
  }

  /** Confidence histogram and predicted-vs-actual class counts, side by side. */
  async plotPredictionDistribution({
    figsize = [12, 4],
    document,
  }: AnalyzerPlotOptions = {}): Promise<SVGSVGElement> {
    const r = await this.predictionDistribution();
    const half: [number, number] = [figsize[0] / 2, figsize[1]];
    const binLabels = r.edges
      .slice(0, -1)
      .map((lo, k) => `${lo.toFixed(1)}–${r.edges[k + 1]!.toFixed(1)}`);
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

  /** Reliability diagram: accuracy against mean confidence per bin, with the diagonal of perfect calibration. */
  async plotConfidence({
    figsize = [6, 6],
    document,
  }: AnalyzerPlotOptions = {}): Promise<SVGSVGElement> {
    const r = await this.confidenceAnalysis();
    const used = r.bins.filter((b) => b.count > 0);
    return lineChart(
      [
        { name: 'model', x: used.map((b) => b.meanConfidence), y: used.map((b) => b.accuracy) },
        { name: 'perfect calibration', x: [0, 1], y: [0, 1] },
      ],
      {
        title: `Reliability (ECE ${r.ece.toFixed(3)})`,
        xLabel: 'confidence',
        yLabel: 'accuracy',
        xDomain: [0, 1],
        yDomain: [0, 1],
        legend: 'top-left',
        figsize,
        document,
      },
    );
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
