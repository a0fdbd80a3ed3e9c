import type { OutputFolder } from '../io/output-folder.js';
import { figureLabel } from './figure-label.js';

/**
 * Most classes a confusion-matrix figure draws. A 4,096-class matrix is 16.7 M cells (GBs of SVG
 * and a PNG render that never ends, issue 19); above this many classes the figure shows the
 * sub-matrix of the classes involved in the most errors and says so in its title.
 */
export const MAX_FIGURE_CLASSES = 100;

/**
 * The `k` classes with the most off-diagonal counts (row plus column, so both missed and wrongly
 * predicted items count), ties to the lower index, returned in class order.
 *
 * @example
 * ```ts
 * mostConfusedClasses([[5, 0, 0], [0, 5, 3], [0, 1, 5]], 2); // [1, 2]
 * ```
 */
export function mostConfusedClasses(matrix: readonly (readonly number[])[], k: number): number[] {
  const c = matrix.length;
  const errors = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    const row = matrix[i]!;
    for (let j = 0; j < c; j++) {
      if (i === j) continue;
      const v = row[j]!;
      errors[i]! += v;
      errors[j]! += v;
    }
  }
  const order = Array.from({ length: c }, (_, i) => i);
  order.sort((a, b) => errors[b]! - errors[a]! || a - b);
  return order.slice(0, Math.min(k, c)).sort((a, b) => a - b);
}

export interface ConfusionFigureOptions {
  title: string;
  /** Shorten large counts (pixel counts). */
  compactCounts?: boolean;
}

/**
 * Writes confusion_matrix.svg and .png through @interp/viz's confusionMatrixChart (loaded only
 * here, with the library's defaults), all or nothing. Returns the paths written and, when the
 * matrix had more than {@link MAX_FIGURE_CLASSES} classes, a note saying which part is drawn.
 */
export async function writeConfusionFigures(
  out: OutputFolder,
  matrix: readonly (readonly number[])[],
  names: readonly string[],
  options: ConfusionFigureOptions,
): Promise<{ paths: string[]; note: string | undefined }> {
  let shown = matrix;
  let shownNames = names;
  let title = options.title;
  let note: string | undefined;
  if (matrix.length > MAX_FIGURE_CLASSES) {
    const keep = mostConfusedClasses(matrix, MAX_FIGURE_CLASSES);
    shown = keep.map((i) => keep.map((j) => matrix[i]![j]!));
    shownNames = keep.map((i) => names[i]!);
    title = `${options.title}: the ${MAX_FIGURE_CLASSES} most confused of ${matrix.length} classes`;
    note = `confusion_matrix.svg shows the ${MAX_FIGURE_CLASSES} most confused of ${matrix.length} classes (the whole matrix is in --json)`;
  }
  const viz = await import('@interp/viz');
  const document = await viz.createDocument();
  const svg = viz.confusionMatrixChart(shown, {
    classNames: shownNames.map(figureLabel),
    title,
    compactCounts: options.compactCounts,
    document,
  });
  const text = viz.toSVGString(svg);
  const png = await viz.toPNG(text);
  const paths = out.writeAll([
    ['confusion_matrix.svg', text],
    ['confusion_matrix.png', png],
  ]);
  return { paths, note };
}
