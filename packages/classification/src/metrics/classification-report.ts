import { InterpError } from '@interp/core/base';
import { checkMatrix, checkVocab } from './internal/matrix.js';
import { npSum } from './internal/pairwise-sum.js';

/** Precision, recall, F1 and support of one class or one average. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Items whose actual class is this one (for averages: all items). */
  support: number;
}

/** What {@link classificationReport} returns (scikit-learn's `output_dict=True`, camelCased). */
export interface ClassificationReport {
  /** Per class, keyed by class name. Iterate with `classNames`: integer-like keys reorder in JS objects. */
  classes: Record<string, ClassScores>;
  /** Class names in vocab order. */
  classNames: string[];
  accuracy: number;
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Class names in class-index order; default "0".."C-1". */
  vocab?: readonly string[] | undefined;
}

/**
 * Precision, recall, F1 and support per class, accuracy, and macro and support-weighted averages,
 * from a confusion matrix (rows actual, columns predicted). The numbers are scikit-learn's
 * `classification_report(y_true, y_pred, labels=range(C), output_dict=True, zero_division=0)` to the
 * last bit: a 0/0 gives 0, every class appears (also one with no support), F1 is
 * `2·tp / (support + predicted)`, and averages are summed in NumPy's pairwise order.
 *
 * @example
 * ```ts
 * const r = classificationReport([[2, 0], [1, 1]], { vocab: ['cat', 'dog'] });
 * r.classes.cat; // { precision: 0.6666666666666666, recall: 1, f1: 0.8, support: 2 }
 * r.accuracy; // 0.75
 * ```
 */
export function classificationReport(
  matrix: readonly (readonly number[])[],
  { vocab }: ClassificationReportOptions = {},
): ClassificationReport {
  const c = checkMatrix(matrix);
  const names = checkVocab(vocab, c);
  const tp = new Float64Array(c);
  const support = new Float64Array(c);
  const predicted = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < c; i++) {
    const row = matrix[i]!;
    for (let j = 0; j < c; j++) {
      const v = row[j]!;
      support[i]! += v;
      predicted[j]! += v;
      total += v;
    }
    tp[i] = row[i]!;
  }
  if (total === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'the confusion matrix is all zeros: a report needs at least one item',
    );
  }
  const precision = new Float64Array(c);
  const recall = new Float64Array(c);
  const f1 = new Float64Array(c);
  const classes: Record<string, ClassScores> = {};
  let correct = 0;
  for (let i = 0; i < c; i++) {
    precision[i] = divide(tp[i]!, predicted[i]!);
    recall[i] = divide(tp[i]!, support[i]!);
    f1[i] = divide(2 * tp[i]!, support[i]! + predicted[i]!);
    correct += tp[i]!;
    // defineProperty, not assignment: a class named "__proto__" must stay an ordinary key.
    Object.defineProperty(classes, names[i]!, {
      value: { precision: precision[i]!, recall: recall[i]!, f1: f1[i]!, support: support[i]! },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    classes,
    classNames: names,
    // scikit-learn's micro-averaged precision: total tp over total predicted, i.e. accuracy.
    accuracy: correct / total,
    macroAvg: {
      precision: npSum(precision) / c,
      recall: npSum(recall) / c,
      f1: npSum(f1) / c,
      support: total,
    },
    weightedAvg: {
      precision: weighted(precision, support),
      recall: weighted(recall, support),
      f1: weighted(f1, support),
      support: total,
    },
  };
}

/** scikit-learn's `_prf_divide` with zero_division=0. */
function divide(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** `np.average(values, weights=weights)`: pairwise sum of products over pairwise sum of weights. */
function weighted(values: Float64Array, weights: Float64Array): number {
  const products = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) products[i] = values[i]! * weights[i]!;
  return npSum(products) / npSum(weights);
}
