import {
  classNames,
  InterpError,
  Interpretation,
  type NDArray,
  PROBABILITY_EPSILON,
} from '@interp/core';
import { assertNumber, keyword } from '@interp/core/internal';
import {
  type Figsize,
  figsizeToPx,
  type HeatmapOptions,
  heatmap,
  resolveDocument,
} from '@interp/viz';
import type { ClassScores } from './metrics/classification-report.js';
import { multiLabelConfusionMatrix } from './metrics/multi-label-confusion-matrix.js';
import { sigmoid } from './metrics/sigmoid.js';

/** Multi-label predictions of any framework. */
export interface MultiLabelPredictions {
  /** N x L scores, row-major: probabilities, or logits with `act: 'sigmoid'`. */
  preds: NDArray<ArrayLike<number>>;
  /** N x L targets, 0/1. */
  targs: ArrayLike<number>;
  /** A label is predicted when its probability is strictly above this (fastai's default 0.5). */
  thresh?: number;
  /** 'none' when preds are probabilities (default), 'sigmoid' for logits. */
  act?: 'none' | 'sigmoid';
  /** Label names; default "0".."L-1". */
  vocab?: readonly string[];
}

/** Per-label scores and the averages of scikit-learn's multi-label classification report. */
export interface MultiLabelReport {
  labels: Record<string, ClassScores>;
  labelNames: string[];
  microAvg: ClassScores;
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
  samplesAvg: ClassScores;
}

/** MultiLabelInterpretation.plotConfusionMatrices defaults, written once (the colormap is heatmap's). */
export const plotConfusionMatricesDefaults: { readonly figsize: Figsize } = Object.freeze({
  figsize: Object.freeze([3, 3] as const),
});

/** Multi-label defaults, written once (fastai's threshold). */
export const multiLabelDefaults = Object.freeze({ thresh: 0.5, act: 'none' } as const);

/**
 * Interpretation of a multi-label classifier (sigmoid scores): one 2 x 2 confusion matrix per
 * label (`[[tn, fp], [fn, tp]]`, scikit-learn's layout), a per-label report with micro, macro,
 * weighted and samples averages (zero_division=0), and top losses by per-item binary
 * cross-entropy.
 *
 * @example
 * ```ts
 * const interp = MultiLabelInterpretation.fromPredictions({ preds: { data, shape: [n, 3] }, targs, vocab });
 * interp.confusionMatrices(); // [[[tn, fp], [fn, tp]], ...]
 * ```
 */
export class MultiLabelInterpretation extends Interpretation {
  readonly thresh: number;
  readonly numLabels: number;
  private readonly probs: Float64Array;
  private readonly targets01: Uint8Array;

  private constructor(
    probs: Float64Array,
    targets01: Uint8Array,
    numLabels: number,
    thresh: number,
    vocab: readonly string[],
  ) {
    const n = probs.length / numLabels;
    const decoded = new Int32Array(probs.length);
    const losses = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let l = 0;
      for (let j = 0; j < numLabels; j++) {
        const k = i * numLabels + j;
        const p = Math.min(1 - PROBABILITY_EPSILON, Math.max(PROBABILITY_EPSILON, probs[k]!));
        decoded[k] = probs[k]! > thresh ? 1 : 0;
        l -= targets01[k] ? Math.log(p) : Math.log(1 - p);
      }
      losses[i] = l / numLabels;
    }
    super({
      preds: { data: Float32Array.from(probs), shape: [n, numLabels] },
      targs: { data: Int32Array.from(targets01), shape: [n, numLabels] },
      decoded: { data: decoded, shape: [n, numLabels] },
      losses,
      vocab,
    });
    this.probs = probs;
    this.targets01 = targets01;
    this.numLabels = numLabels;
    this.thresh = thresh;
  }

  /** Builds the interpretation from N x L scores and N x L 0/1 targets. */
  static fromPredictions(p: MultiLabelPredictions): MultiLabelInterpretation {
    if (!p?.preds || p.targs === undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromPredictions needs { preds: { data, shape: [N, L] }, targs }',
      );
    }
    const thresh = assertNumber(p.thresh ?? multiLabelDefaults.thresh, 'thresh', 0, 1);
    const act = keyword(p.act, 'act', ['none', 'sigmoid'], multiLabelDefaults.act);
    const { data, shape } = p.preds;
    if (shape.length !== 2 || data.length !== shape[0]! * shape[1]!) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `preds must be N x L scores with shape [N, L], got shape [${shape.join(', ')}] for ${data.length} values`,
      );
    }
    const numLabels = shape[1]!;
    if (p.targs.length !== data.length) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `targs has ${p.targs.length} values but preds has ${data.length}; both must be N x ${numLabels}`,
      );
    }
    const probs = act === 'sigmoid' ? sigmoid(Float64Array.from(data)) : Float64Array.from(data);
    for (let k = 0; k < probs.length; k++) {
      const v = probs[k]!;
      if (!(v >= 0 && v <= 1)) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `preds[${Math.floor(k / numLabels)}][${k % numLabels}] = ${v} is not a probability; pass act: 'sigmoid' for logits`,
        );
      }
    }
    const t = new Uint8Array(p.targs.length);
    for (let k = 0; k < t.length; k++) {
      const v = p.targs[k];
      if (v !== 0 && v !== 1) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `targs[${Math.floor(k / numLabels)}][${k % numLabels}] = ${v} is not 0/1`,
        );
      }
      t[k] = v;
    }
    const vocab = classNames(p.vocab, numLabels);
    return new MultiLabelInterpretation(probs, t, numLabels, thresh, vocab);
  }

  /** Label names. */
  get labelNames(): string[] {
    return [...(this.vocab ?? [])];
  }

  /** One `[[tn, fp], [fn, tp]]` per label. */
  confusionMatrices(): number[][][] {
    return multiLabelConfusionMatrix(this.probs, this.numLabels, this.targets01, {
      thresh: this.thresh,
    });
  }

  /** Per-label precision, recall, F1, support, and micro / macro / weighted / samples averages. */
  report(): MultiLabelReport {
    const cms = this.confusionMatrices();
    const names = this.labelNames;
    const labels: Record<string, ClassScores> = {};
    const per = cms.map((m) => scores(m[1]![1]!, m[0]![1]!, m[1]![0]!));
    names.forEach((name, j) => {
      labels[name] = per[j]!;
    });
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const m of cms) {
      tp += m[1]![1]!;
      fp += m[0]![1]!;
      fn += m[1]![0]!;
    }
    const support = per.reduce((a, s) => a + s.support, 0);
    const mean = (key: 'precision' | 'recall' | 'f1') =>
      per.reduce((a, s) => a + s[key], 0) / per.length;
    const weighted = (key: 'precision' | 'recall' | 'f1') =>
      support === 0 ? 0 : per.reduce((a, s) => a + s[key] * s.support, 0) / support;
    // samples average: the scores of each item's label set, averaged over items.
    const n = this.length;
    let sp = 0;
    let sr = 0;
    let sf = 0;
    for (let i = 0; i < n; i++) {
      let itp = 0;
      let ifp = 0;
      let ifn = 0;
      for (let j = 0; j < this.numLabels; j++) {
        const k = i * this.numLabels + j;
        const pred = this.decoded.data[k]!;
        const act = this.targets01[k]!;
        if (pred && act) itp++;
        else if (pred) ifp++;
        else if (act) ifn++;
      }
      const s = scores(itp, ifp, ifn);
      sp += s.precision;
      sr += s.recall;
      sf += s.f1;
    }
    return {
      labels,
      labelNames: names,
      microAvg: { ...scores(tp, fp, fn), support },
      macroAvg: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1'), support },
      weightedAvg: {
        precision: weighted('precision'),
        recall: weighted('recall'),
        f1: weighted('f1'),
        support,
      },
      samplesAvg: { precision: sp / n, recall: sr / n, f1: sf / n, support },
    };
  }

  /** One 2 x 2 heatmap per label (rows actual, columns predicted: 0 then 1). */
  plotConfusionMatrices({
    figsize = plotConfusionMatricesDefaults.figsize,
    cmap,
    document,
  }: Pick<HeatmapOptions, 'figsize' | 'cmap' | 'document'> = {}): SVGElement[] {
    const doc = resolveDocument({ document });
    const size = figsizeToPx(figsize);
    return this.confusionMatrices().map((m, j) =>
      heatmap(m, {
        xLabels: ['0', '1'],
        yLabels: ['0', '1'],
        xLabel: 'Predicted',
        yLabel: 'Actual',
        title: this.labelNames[j]!,
        cmap,
        width: size.width,
        height: size.height,
        document: doc,
      }),
    );
  }
}

function scores(tp: number, fp: number, fn: number): ClassScores {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, f1, support: tp + fn };
}
