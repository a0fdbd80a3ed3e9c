import type {
  DecodedItem,
  ImageItem,
  Interpretation,
  PlotTopLossesOptions,
  TabularItem,
  TopLossesSelection,
} from '@interp/core';
// The value from the tfjs-free entry: the interpretation subpath must not load tfjs.
import { InterpError } from '@interp/core/base';
import { dataTable, figsizeToPx, imageGrid, imageToDataURL, resolveDocument } from '@interp/viz';
import { OUTCOME_COLORS } from './internal/outcome-colors.js';

/** What the drawing reads of a classification interpretation (its class names and outputs). */
export type ClassifiedItems = Pick<Interpretation, 'preds' | 'decoded' | 'targs'> & {
  readonly classNames: readonly string[];
};

/**
 * Draws classification top losses, as `ClassificationInterpretation.plotTopLosses` does: images
 * as a grid captioned `predicted/actual / loss / probability` (green when right, red when wrong),
 * table rows and vectors as a table with the predicted and actual class, loss and probability.
 *
 * @example
 * ```ts
 * const svg = await interp.plotTopLosses(9, { document, ncols: 3 }); // calls this
 * ```
 */
export function renderClassificationTopLosses(
  interp: ClassifiedItems,
  { indices, losses, items }: TopLossesSelection,
  options: PlotTopLossesOptions,
): Element {
  if (!items) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'no inputs and no data loader: pass { dl } or { inputs } to show items',
    );
  }
  const document = resolveDocument(options);
  if (items[0]?.kind === 'image') {
    const cells = items.map((item, r) => {
      const img = item as ImageItem;
      const { pred, actual, loss, prob } = captionParts(interp, indices[r]!, losses[r]!);
      const caption = [`${pred}/${actual}`, Number.isFinite(loss) ? loss.toFixed(2) : 'n/a'];
      if (prob !== undefined) caption.push(prob.toFixed(2));
      return {
        src: imageToDataURL({ data: img.data, shape: img.shape }),
        caption: caption.join(' / '),
        color: pred === actual ? OUTCOME_COLORS.right : OUTCOME_COLORS.wrong,
      };
    });
    const size = options.figsize ? figsizeToPx(options.figsize) : undefined;
    return imageGrid(cells, {
      title: 'Prediction/Actual/Loss/Probability',
      ncols: options.ncols,
      figsize: options.figsize,
      imageSize: size ? undefined : 96,
      document,
    });
  }
  const rows = items.map((item, r) => {
    const i = indices[r]!;
    const { pred, actual, loss, prob } = captionParts(interp, i, losses[r]!);
    const values: Record<string, unknown> =
      item.kind === 'tabular'
        ? { ...(item as TabularItem).row }
        : Object.fromEntries(
            Array.from((item as Exclude<DecodedItem, TabularItem | ImageItem>).data, (v, j) => [
              `x${j}`,
              v,
            ]),
          );
    return { item: i, ...values, predicted: pred, actual, loss, probability: prob ?? null };
  });
  return dataTable(rows, { title: 'Top losses', document });
}

/** Probability of the predicted class of item i, when scores are known. */
function predictedProbability(interp: ClassifiedItems, i: number): number | undefined {
  if (!interp.preds) return undefined;
  const c = interp.preds.shape.at(-1)!;
  return interp.preds.data[i * c + interp.decoded.data[i]!];
}

function captionParts(interp: ClassifiedItems, i: number, loss: number) {
  const names = interp.classNames;
  const pred = names[interp.decoded.data[i]!] ?? String(interp.decoded.data[i]);
  const actual = names[interp.targs.data[i]!] ?? String(interp.targs.data[i]);
  const prob = predictedProbability(interp, i);
  return { pred, actual, loss, prob };
}
