import {
  classCount,
  classNames,
  InterpError,
  Interpretation,
  type InterpretationData,
  type NDArray,
  type PlotTopLossesOptions,
  type TopLossesSelection,
} from '@interp/core/base';
import { assertInteger, assertLabels } from '@interp/core/internal';
import {
  type ConfusionMatrixChartOptions,
  confusionMatrixChart,
  type Figsize,
  type LineChartOptions,
  lineChart,
  resolveDocument,
} from '@interp/viz';
import { renderClassificationTopLosses } from './classification-top-losses.js';
import { auc } from './metrics/auc.js';
import { averagePrecision } from './metrics/average-precision.js';
import {
  type ClassificationReport,
  classificationReport,
} from './metrics/classification-report.js';
import { type CohenKappaOptions, cohenKappa } from './metrics/cohen-kappa.js';
import { type ConfusionMatrixOptions, confusionMatrix } from './metrics/confusion-matrix.js';
import { confusionMatrixFromScores } from './metrics/confusion-matrix-from-scores.js';
import {
  type ExpectedCalibrationError,
  type ExpectedCalibrationErrorOptions,
  expectedCalibrationError,
} from './metrics/expected-calibration-error.js';
import {
  type FormatClassificationReportOptions,
  formatClassificationReport,
} from './metrics/format-classification-report.js';
import { matthewsCorrcoef } from './metrics/matthews-corrcoef.js';
import { type ConfusedPair, mostConfused, mostConfusedDefaults } from './metrics/most-confused.js';
import { oneVsRest } from './metrics/one-vs-rest.js';
import { precisionRecallCurve } from './metrics/precision-recall-curve.js';
import { rocCurve } from './metrics/roc-curve.js';
import { topKAccuracy } from './metrics/top-k-accuracy.js';
import { reliabilityChart } from './reliability-chart.js';

/** Predictions of any framework, for {@link ClassificationInterpretation.fromPredictions}. */
export interface ClassificationPredictions {
  /** N x C class probabilities (row-major), or pass `decoded` labels instead. */
  preds?: NDArray<ArrayLike<number>>;
  /** N predicted labels, when there are no scores. */
  decoded?: ArrayLike<number>;
  /** N actual labels (an Int32Array is kept as is, not copied). */
  targs: ArrayLike<number>;
  /** N per-item losses; default the cross-entropy `-ln(max(p[target], 1e-12))` of `preds`. */
  losses?: ArrayLike<number>;
  /** Class names; default "0".."C-1". */
  vocab?: readonly string[];
  /** Inputs `[N, ...]` (images `[N, H, W(, C)]`), to show top-loss items. */
  inputs?: NDArray<Float32Array>;
}

/**
 * Options of {@link ClassificationInterpretation.plotConfusionMatrix}: confusionMatrixChart's,
 * with its (fastai's) defaults; an empty row shows 0.
 */
export type PlotConfusionMatrixOptions = Pick<
  ConfusionMatrixChartOptions,
  'normalize' | 'title' | 'cmap' | 'figsize' | 'normDec' | 'plotTxt' | 'document'
>;

/** One class's one-vs-rest ROC curve. */
export interface ClassRocCurve {
  className: string;
  fpr: Float64Array;
  tpr: Float64Array;
  thresholds: Float64Array;
  auc: number;
}

/** One class's one-vs-rest precision-recall curve. */
export interface ClassPrecisionRecallCurve {
  className: string;
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
  averagePrecision: number;
}

/** Options of the curve plots. */
export type CurvePlotOptions = Pick<LineChartOptions, 'figsize' | 'title' | 'document'>;

/**
 * Interpretation of a classifier, as fastai's `ClassificationInterpretation`: confusion matrix,
 * most confused pairs, top losses and scikit-learn's classification report, from a Learner or from
 * any framework's predictions.
 *
 * @example
 * ```ts
 * const interp = await ClassificationInterpretation.fromLearner(learn);
 * interp.mostConfused(2);               // [['4', '9', 7], ['7', '2', 5], ...]
 * interp.printClassificationReport();
 * const svg = interp.plotConfusionMatrix({ normalize: true, document });
 * ```
 */
export class ClassificationInterpretation extends Interpretation {
  private cachedMatrix: number[][] | undefined;

  constructor(data: InterpretationData & { confusionMatrix?: number[][] }) {
    super(data);
    this.cachedMatrix = data.confusionMatrix;
  }

  /**
   * Builds an interpretation from predictions made anywhere (PyTorch, scikit-learn, ...): N x C
   * probabilities or N predicted labels, and N actual labels. With scores, the decoded labels,
   * the per-item cross-entropy and the confusion matrix are computed in one pass.
   */
  static fromPredictions(p: ClassificationPredictions): ClassificationInterpretation {
    if (!p || p.targs === undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromPredictions needs { targs } and either { preds } or { decoded }',
      );
    }
    const n = p.targs.length;
    // Kept, not copied, when already int32 (millions of items): the caller must not change it.
    const targs = p.targs instanceof Int32Array ? p.targs : Int32Array.from(p.targs);
    let numClasses: number;
    let preds: NDArray<Float32Array | Float64Array> | undefined;
    let decoded: Int32Array;
    let losses: Float32Array | (() => Float32Array) | undefined = p.losses
      ? Float32Array.from(p.losses)
      : undefined;
    let matrix: number[][] | undefined;
    if (p.preds) {
      const { data, shape } = p.preds;
      if (shape.length !== 2 || shape[0] !== n) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `preds must be N x C scores with N = ${n} (the number of targets), got shape [${shape.join(', ')}]`,
        );
      }
      numClasses = shape[1]!;
      const scores =
        data instanceof Float32Array || data instanceof Float64Array
          ? data
          : Float64Array.from(data);
      const r = confusionMatrixFromScores(scores, numClasses, targs);
      matrix = r.matrix;
      decoded = r.decoded;
      // Computed on first use: a report of millions of items never pays for the logs.
      losses ??= () =>
        Float32Array.from(
          confusionMatrixFromScores(scores, numClasses, targs, { withLosses: true }).losses!,
        );
      preds = {
        data: scores,
        shape: [n, numClasses],
      };
    } else if (p.decoded) {
      decoded = Int32Array.from(p.decoded);
      if (decoded.length !== n) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `decoded has ${decoded.length} labels but targs has ${n}; pass one per item`,
        );
      }
      numClasses = classCount([targs, decoded], { vocab: p.vocab });
      assertLabels(targs, numClasses, 'targs');
      assertLabels(decoded, numClasses, 'decoded');
    } else {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromPredictions needs { preds } (N x C scores) or { decoded } (N labels)',
      );
    }
    if (p.vocab && p.vocab.length !== numClasses) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `vocab has ${p.vocab.length} names but the predictions have ${numClasses} classes`,
      );
    }
    return new ClassificationInterpretation({
      targs: { data: targs, shape: [n] },
      decoded: { data: decoded, shape: [n] },
      preds,
      losses,
      inputs: p.inputs,
      vocab: classNames(p.vocab, numClasses),
      confusionMatrix: matrix,
    });
  }

  /** Number of classes: the vocab's length, else the score columns, else the largest label + 1. */
  get numClasses(): number {
    if (this.preds && !this.vocab) return this.preds.shape.at(-1)!;
    return classCount([this.targs.data, this.decoded.data], { vocab: this.vocab });
  }

  /** Class names, "0".."C-1" when there is no vocab. */
  get classNames(): string[] {
    return this.vocab ? [...this.vocab] : classNames(undefined, this.numClasses);
  }

  /**
   * C x C counts, rows actual and columns predicted; counted once (in slices of `sliceSize` items)
   * and cached. The returned matrix is a copy.
   */
  confusionMatrix({ sliceSize }: ConfusionMatrixOptions = {}): number[][] {
    if (!this.cachedMatrix) {
      this.cachedMatrix = confusionMatrix(this.targs.data, this.decoded.data, this.numClasses, {
        sliceSize,
      });
    } else if (sliceSize != null) {
      assertInteger(sliceSize, 'sliceSize', 1);
    }
    return this.cachedMatrix.map((row) => [...row]);
  }

  /**
   * The confusion matrix as a heatmap: rows actual, columns predicted, the counts (or with
   * `normalize`, each row's fractions with `normDec` decimals) written in the cells in a color that
   * contrasts with the fill.
   */
  plotConfusionMatrix(options: PlotConfusionMatrixOptions = {}): SVGElement {
    return confusionMatrixChart(this.confusionMatrix(), {
      ...options,
      classNames: this.classNames,
      document: resolveDocument(options),
    });
  }

  /**
   * Off-diagonal `[actual, predicted, count]` with count >= minVal, largest first; ties in
   * row-major order (actual, then predicted).
   */
  mostConfused(minVal = mostConfusedDefaults.minVal): ConfusedPair<string>[] {
    return mostConfused(this.confusionMatrix(), { minVal, vocab: this.classNames });
  }

  /** scikit-learn's classification report (zero_division=0) with every class of the vocab. */
  classificationReport(): ClassificationReport {
    return classificationReport(this.confusionMatrix(), { vocab: this.classNames });
  }

  /** Prints the report as scikit-learn lays it out (two decimals) and returns the text. */
  printClassificationReport({
    digits,
    log = console.log,
  }: FormatClassificationReportOptions & { log?: (text: string) => void } = {}): string {
    const text = formatClassificationReport(this.classificationReport(), { digits });
    log(text);
    return text;
  }

  /** Fraction of items whose target is among the `k` highest scores (scikit-learn's top_k_accuracy_score). */
  topKAccuracy(k: number): number {
    const p = this.requirePreds('topKAccuracy');
    return topKAccuracy(p.data, this.numClasses, this.targs.data, k);
  }

  /** Cohen's kappa of predictions against targets (scikit-learn's cohen_kappa_score). */
  cohenKappa({ weights }: CohenKappaOptions = {}): number {
    return cohenKappa(this.targs.data, this.decoded.data, this.numClasses, { weights });
  }

  /** Matthews correlation coefficient, multiclass (scikit-learn's matthews_corrcoef). */
  matthewsCorrcoef(): number {
    return matthewsCorrcoef(this.targs.data, this.decoded.data, this.numClasses);
  }

  /** One-vs-rest ROC curve and AUC of every class (scikit-learn's roc_curve and auc). */
  rocCurves(): ClassRocCurve[] {
    const p = this.requirePreds('rocCurves');
    return this.classNames.map((className, c) => {
      const { scores, isPositive } = oneVsRest(p.data, this.numClasses, this.targs.data, c);
      const r = rocCurve(scores, isPositive);
      return { className, ...r, auc: auc(r.fpr, r.tpr) };
    });
  }

  /** One-vs-rest precision-recall curve and average precision of every class. */
  precisionRecallCurves(): ClassPrecisionRecallCurve[] {
    const p = this.requirePreds('precisionRecallCurves');
    return this.classNames.map((className, c) => {
      const { scores, isPositive } = oneVsRest(p.data, this.numClasses, this.targs.data, c);
      const r = precisionRecallCurve(scores, isPositive);
      return { className, ...r, averagePrecision: averagePrecision(scores, isPositive) };
    });
  }

  /** Top-label calibration: accuracy vs confidence per bin and the expected calibration error. */
  calibration({ nBins }: ExpectedCalibrationErrorOptions = {}): ExpectedCalibrationError {
    const p = this.requirePreds('calibration');
    return expectedCalibrationError(p.data, this.numClasses, this.targs.data, { nBins });
  }

  /** One-vs-rest ROC curves, one line per class labelled with its AUC, and the chance diagonal. */
  plotRocCurves(options: CurvePlotOptions = {}): SVGElement {
    const series = this.rocCurves().map((r) => ({
      name: `${r.className} (AUC ${r.auc.toFixed(3)})`,
      x: r.fpr,
      y: r.tpr,
    }));
    series.push({ name: 'chance', x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) });
    return curvesChart(series, options, {
      title: 'ROC curves (one vs rest)',
      xLabel: 'False positive rate',
      yLabel: 'True positive rate',
      legend: 'bottom-right',
    });
  }

  /** One-vs-rest precision-recall curves, one line per class labelled with its average precision. */
  plotPrecisionRecallCurves(options: CurvePlotOptions = {}): SVGElement {
    const series = this.precisionRecallCurves().map((r) => ({
      name: `${r.className} (AP ${r.averagePrecision.toFixed(3)})`,
      x: r.recall,
      y: r.precision,
    }));
    return curvesChart(series, options, {
      title: 'Precision-recall curves (one vs rest)',
      xLabel: 'Recall',
      yLabel: 'Precision',
      legend: 'bottom-left',
    });
  }

  /**
   * Reliability diagram: accuracy against mean confidence of the top label in each non-empty
   * bin, with the diagonal of perfect calibration; the title gives the ECE.
   */
  plotCalibration(options: CurvePlotOptions & ExpectedCalibrationErrorOptions = {}): SVGElement {
    return reliabilityChart(this.calibration({ nBins: options.nBins }), {
      title: options.title,
      figsize: options.figsize,
      document: resolveDocument(options),
    });
  }

  /**
   * The `k` largest cross-entropies `-ln(max(p[target], 1e-12))` of the scores in float64 (the
   * base class's `topLosses` reads float32 losses), ties to the lower index, in one pass that
   * keeps no per-item losses.
   * @example
   * `interp.scoreTopLosses(3)` // { losses: Float64Array [...], indices: Int32Array [...] }
   */
  scoreTopLosses(k: number): { losses: Float64Array; indices: Int32Array } {
    const preds = this.requirePreds('scoreTopLosses');
    assertInteger(k, 'k', 0, this.length);
    const c = preds.shape[1]!;
    return confusionMatrixFromScores(preds.data, c, this.targs.data, { topLosses: k }).topLosses!;
  }

  private requirePreds(what: string): NDArray<Float32Array | Float64Array> {
    if (this.preds?.shape.length !== 2) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${what} needs class scores: build the interpretation with preds (N x C probabilities), not only decoded labels`,
      );
    }
    return this.preds;
  }

  /** Top losses, drawn: an image grid captioned `predicted/actual / loss / probability`, or a table for rows. */
  protected override renderTopLosses(
    selection: TopLossesSelection,
    options: PlotTopLossesOptions,
  ): Element {
    return renderClassificationTopLosses(this, selection, options);
  }
}

/** Figure size of the ROC and PR curve plots, written once. */
const CURVES_FIGSIZE: Figsize = Object.freeze([6, 5] as const);

/** A curve plot on the unit square (ROC, PR), {@link CURVES_FIGSIZE} unless `figsize` says otherwise. */
function curvesChart(
  series: { name: string; x: ArrayLike<number>; y: ArrayLike<number> }[],
  options: CurvePlotOptions,
  axes: { title: string; xLabel: string; yLabel: string; legend: 'bottom-right' | 'bottom-left' },
): SVGElement {
  return lineChart(series, {
    ...axes,
    title: options.title ?? axes.title,
    xDomain: [0, 1],
    yDomain: [0, 1],
    figsize: options.figsize ?? CURVES_FIGSIZE,
    document: resolveDocument(options),
  });
}
