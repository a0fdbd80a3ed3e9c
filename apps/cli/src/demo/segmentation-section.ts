import type { CliIO } from '../cli-io.js';
import { progressBar } from '../progress-bar.js';
import {
  type TrainMnistSegmentationOptions,
  trainMnistSegmentation,
} from './mnist-segmentation.js';
import { figure, type ReportSection, table } from './report-html.js';

/** How many top-loss digits the section draws. */
const TOP_LOSSES = 6;

/**
 * The report's segmentation section: trains the MNIST pixel-labelling network (progress on
 * stderr, a summary line on stdout), then shows its per-class IoU, accuracy and Dice, the pixel
 * confusion matrix and the held-out digits with the largest loss.
 */
export async function segmentationSection(
  io: CliIO,
  document: Document,
  options: TrainMnistSegmentationOptions = {},
): Promise<ReportSection> {
  const bar = progressBar(io.stderr, 'segmentation');
  const trained = await trainMnistSegmentation({
    ...options,
    onProgress: (done, total, loss) => bar.update(done, total, { loss }),
  });
  bar.finish();
  const { SegmentationInterpretation } = await import('@interp/segmentation');
  const interp = await SegmentationInterpretation.fromLearner(trained.learn);
  const report = interp.segmentationReport();
  const { nTrain, nValid, epochs } = trained;
  io.stdout.write(
    `\nsegmentation: pixel accuracy ${pct(report.pixelAccuracy)}, mean IoU ${num(report.meanIoU)} on ${nValid} held-out digits (${trained.seconds.toFixed(1)} s of training)\n`,
  );

  const section = await segmentationResultSection(interp, document, {
    id: 'segmentation',
    title: 'Segmentation: MNIST pixels',
    intro: `<p>Each pixel of a digit is labelled background, or its digit where the ink is above 0.5 (11 classes). A small convolutional network (full-resolution 3x3 features plus a context vector from a pooled encoder, read per pixel by a 1x1 convolution) was trained with per-pixel cross-entropy on ${nTrain} digits for ${epochs} epochs in ${trained.seconds.toFixed(1)} s on WASM. On ${nValid} held-out digits (${nValid * 28 * 28} pixels): pixel accuracy ${pct(report.pixelAccuracy)}, mean IoU ${num(report.meanIoU)}, frequency-weighted IoU ${num(report.frequencyWeightedIoU)}.</p>`,
    k: TOP_LOSSES,
    items: 'held-out digits',
  });
  trained.learn.layersModel?.dispose();
  return section;
}

/** What {@link segmentationResultSection} says around its numbers. */
export interface SegmentationSectionText {
  id: string;
  title: string;
  /** Trusted HTML before the metrics (escape any user text). */
  intro: string;
  /** Top-loss items drawn. */
  k: number;
  /** Plural noun for the items, as in "the 6 held-out digits". */
  items: string;
}

/**
 * Per-class IoU, accuracy and Dice, the pixel confusion matrices and the top-loss items (input,
 * target and predicted masks) of a segmentation interpretation; shared by the demo and
 * `interp report`.
 *
 * @example
 * ```ts
 * const section = await segmentationResultSection(interp, document, { id: 'seg', title: 'Segmentation', intro: '', k: 6, items: 'images' });
 * ```
 */
export async function segmentationResultSection(
  interp: import('@interp/segmentation').SegmentationInterpretation,
  document: Document,
  text: SegmentationSectionText,
): Promise<ReportSection> {
  const { toSVGString } = await import('@interp/viz');
  const report = interp.segmentationReport();
  const confusion = interp.confusionMatrix();
  const rows = report.vocab.map((name, c) => [
    name,
    num(report.iou[c]!),
    num(report.perClassAccuracy[c]!),
    num(report.dice[c]!),
    confusion[c]!.reduce((a, b) => a + b, 0),
  ]);
  const cm = toSVGString(interp.plotConfusionMatrix({ document }));
  const cmNorm = toSVGString(
    interp.plotConfusionMatrix({
      normalize: true,
      document,
      title: 'Pixel confusion matrix (normalized by actual class)',
    }),
  );
  const k = Math.min(text.k, interp.targs.shape[0]!);
  const top = toSVGString(await interp.plotTopLosses(k, { document }));
  return {
    id: text.id,
    title: text.title,
    body: [
      text.intro,
      '<h3>Per-class metrics</h3>',
      table(['class', 'IoU', 'accuracy', 'Dice', 'target pixels'], rows),
      '<h3>Pixel confusion matrix</h3>',
      figure(cm),
      figure(cmNorm),
      '<h3>Top losses</h3>',
      figure(
        top,
        `The ${k} ${text.items} with the largest loss (mean per-pixel cross-entropy): input, target mask and predicted mask, with the predicted mask's pixel accuracy.`,
      ),
    ].join('\n'),
  };
}

/** A metric with 3 decimals, `n/a` for NaN (a class absent from targets and predictions). */
export function num(v: number): string {
  return Number.isNaN(v) ? 'n/a' : v.toFixed(3);
}

/** A fraction as a percentage with 2 decimals. */
export function pct(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}
