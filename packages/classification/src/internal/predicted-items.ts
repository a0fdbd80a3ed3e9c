import { type DataLoader, type DecodedItem, InterpError, type Learner } from '@interp/core';
import { assertInteger } from '@interp/core/internal';
import {
  dataTable,
  type Figsize,
  type ImageGridOptions,
  imageGrid,
  imageToDataURL,
} from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import { OUTCOME_COLORS } from './outcome-colors.js';

/** The figure options every prediction view passes to imageGrid. */
export type PredictedItemsFigureOptions = Pick<ImageGridOptions, 'figsize' | 'ncols' | 'document'>;

/** One item with its prediction, ready to show. */
export interface PredictedItem {
  index: number;
  item: DecodedItem;
  actual: string;
  predicted: string;
  /** Probability of the predicted class (classifiers), else NaN. */
  probability: number;
  correct: boolean;
}

/**
 * Runs the learner over `dl` batch by batch (inference, the loss function's activation and
 * decoding) and keeps items until `limit` are collected (or `only` batches were seen), reading each
 * batch's results once.
 */
export async function predictedItems(
  learn: Learner,
  dl: DataLoader,
  { limit = Number.POSITIVE_INFINITY, batches = Number.POSITIVE_INFINITY } = {},
): Promise<PredictedItem[]> {
  const vocab = learn.vocab ?? dl.vocab;
  const out: Omit<PredictedItem, 'item'>[] = [];
  let seen = 0;
  for await (const { x, y, indices } of dl) {
    let probs: Float32Array;
    let decoded: ArrayLike<number>;
    let targets: ArrayLike<number>;
    let classes: number;
    try {
      const r = tf.tidy(() => {
        const p = learn.lossFunc.activation(learn.predict(x));
        return { p, d: learn.lossFunc.decodes(p) };
      });
      classes = r.p.rank >= 2 ? r.p.shape.at(-1)! : 1;
      probs = (await r.p.data()) as Float32Array;
      decoded = await r.d.data();
      targets = await y.data();
      const perItem = decoded.length / x.shape[0]!;
      tf.dispose([r.p, r.d]);
      if (perItem !== 1 || targets.length !== x.shape[0]) {
        throw new InterpError(
          'NOT_SUPPORTED',
          'these views show one prediction per item; for masks use the segmentation package',
        );
      }
    } finally {
      tf.dispose([x, y]);
    }
    for (let k = 0; k < indices.length && out.length < limit; k++) {
      const d = decoded[k]!;
      const t = targets[k]!;
      const isClass = classes > 1 && Number.isInteger(d);
      out.push({
        index: indices[k]!,
        actual: label(t, vocab),
        predicted: label(d, vocab),
        probability: isClass
          ? probs[k * classes + d]!
          : classes === 1 && vocab
            ? probs[k]!
            : Number.NaN,
        correct: d === t,
      });
    }
    if (out.length >= limit || ++seen >= batches) break;
  }
  if (out.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'the data loader yielded no items; check that it has items',
    );
  }
  return Promise.all(out.map(async (o) => ({ ...o, item: await dl.decode(o.index) })));
}

function label(v: number, vocab: readonly string[] | undefined): string {
  if (vocab && Number.isInteger(v) && v >= 0 && v < vocab.length) return vocab[v]!;
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

/** Checks maxN. */
export function checkMaxN(maxN: number): number {
  return assertInteger(maxN, 'maxN', 1);
}

/**
 * Shows predicted items: images in a captioned grid (green when right, red when wrong), table
 * rows and vectors as an HTML table with actual, predicted and probability columns.
 */
export function renderPredictedItems(
  items: readonly PredictedItem[],
  caption: (p: PredictedItem) => string[],
  {
    title,
    figsize,
    ncols,
    document,
  }: { title: string; figsize?: Figsize; ncols?: number; document?: Document },
): Element {
  if (items.every((p) => p.item.kind === 'image')) {
    return imageGrid(
      items.map((p) => {
        const img = p.item as Extract<DecodedItem, { kind: 'image' }>;
        return {
          src: imageToDataURL({ data: img.data, shape: img.shape }),
          caption: caption(p),
          color: p.correct ? OUTCOME_COLORS.right : OUTCOME_COLORS.wrong,
        };
      }),
      { title, figsize, ncols, document },
    );
  }
  const rows = items.map((p) => {
    const features: Record<string, unknown> =
      p.item.kind === 'tabular'
        ? { ...p.item.row }
        : p.item.kind === 'vector'
          ? Object.fromEntries(Array.from(p.item.data.slice(0, 8), (v, k) => [`x${k}`, v]))
          : {};
    return {
      item: p.index,
      ...features,
      actual: p.actual,
      predicted: p.predicted,
      ...(Number.isNaN(p.probability) ? {} : { probability: p.probability }),
    };
  });
  return dataTable(rows, { title, document });
}
