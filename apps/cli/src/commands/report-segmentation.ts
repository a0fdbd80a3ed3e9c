import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { escapeHtml, type ReportSection } from '../demo/report-html.js';
import { num, pct, segmentationResultSection } from '../demo/segmentation-section.js';
import { readVocab } from '../io/read-vocab.js';
import type { ImagePreprocessing } from './report-images.js';
import { asProbabilities } from './report-probabilities.js';

/** The segmentation report's inputs (paths as the user gave them). */
export interface SegmentationReportInput {
  model: string;
  data: string;
  masks: string;
  vocab: string | undefined;
  k: number;
  batchSize: number;
  /** setupBackend's threads, from threadsOption. */
  threads: true | number;
  flags: ImagePreprocessing;
}

/**
 * The report of a segmentation model on images with same-path PNG masks (`--labels` is the masks
 * folder): per-pixel softmax of the model's N x H x W x C (or N x C x H x W) scores, then pixel
 * accuracy, IoU, Dice, the pixel confusion matrices and the worst masks.
 *
 * @example
 * ```ts
 * const [section] = await segmentationReport({ model, data: 'images', masks: 'masks', vocab: undefined, k: 6, batchSize: 16, flags: {} }, document, io, meta);
 * ```
 */
export async function segmentationReport(
  input: SegmentationReportInput,
  document: Document,
  io: CliIO,
  meta: string[],
): Promise<ReportSection[]> {
  const [tf, core, models, images, data, { SegmentationInterpretation }] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('../io/load-model.js'),
    import('./report-images.js'),
    import('@interp/data/node'),
    import('@interp/segmentation'),
  ]);
  await core.setupBackend('wasm', {
    threads: input.threads,
    warn: (m) => io.stderr.write(`${m}\n`),
  });
  const modelPath = resolve(io.cwd, input.model);
  const loaded = await models.loadModel(modelPath);
  try {
    const dir = resolve(io.cwd, input.data);
    const masksDir = resolve(io.cwd, input.masks);
    const imgs = await images.loadModelImages(
      dir,
      undefined,
      modelPath,
      loaded.graph,
      input.flags,
      io,
      (o) => data.loadSegmentationFolder(dir, masksDir, o),
    );
    const { folder, layout } = imgs;
    const masks = (folder as import('@interp/data/node').SegmentationFolder).masks;
    const [n, h, w] = masks.shape;
    const out = await images.predictImages(tf, loaded, folder.x, input.batchSize, io);
    const shape = out.itemShape;
    const c = layout === 'NCHW' ? shape[0]! : shape[2]!;
    const [oh, ow] = layout === 'NCHW' ? [shape[1], shape[2]] : [shape[0], shape[1]];
    if (shape.length !== 3 || oh !== h || ow !== w || c < 2) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${input.model} gives [${shape.join(', ')}] per image but the masks are ${h} x ${w}; a segmentation model must give one score per class for each pixel (${layout === 'NCHW' ? `[C, ${h}, ${w}]` : `[${h}, ${w}, C]`}, C >= 2)`,
      );
    }
    const scores = layout === 'NCHW' ? channelsLast(out.scores, n, c, h * w) : out.scores;
    const { probs } = asProbabilities(scores, c, input.model);
    const vocab = input.vocab === undefined ? undefined : readVocab(input.vocab, io.cwd);
    if (vocab && vocab.length !== c) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${input.vocab} names ${vocab.length} classes but ${input.model} gives ${c} scores per pixel`,
      );
    }
    for (let i = 0; i < masks.data.length; i++) {
      const v = masks.data[i]!;
      if (v >= c && v !== 255) {
        const item = Math.floor(i / (h * w));
        throw new InterpError(
          'LABEL_OUT_OF_RANGE',
          `${input.masks}/${folder.files[item]}: class id ${v} but ${input.model} has ${c} classes (255 is ignored)`,
        );
      }
    }
    const interp = SegmentationInterpretation.fromPredictions({
      preds: { data: probs, shape: [n, h, w, c] },
      targs: masks,
      vocab,
      ignoreIndex: 255,
      inputs: images.displayImages(imgs),
    });
    const report = interp.segmentationReport();
    meta.push(
      `${n} images of ${h} x ${w} pixels, ${c} classes (${layout}); mask value 255 is ignored`,
    );
    io.stdout.write(
      `pixel accuracy ${pct(report.pixelAccuracy)}, mean IoU ${num(report.meanIoU)} on ${n} images\n`,
    );
    return [
      await segmentationResultSection(interp, document, {
        id: 'segmentation',
        title: 'Segmentation',
        intro: `<p>${escapeHtml(input.model)} on the ${n} images of ${escapeHtml(input.data)} against the masks of ${escapeHtml(input.masks)}: pixel accuracy <span class="pixel-accuracy">${pct(report.pixelAccuracy)}</span>, mean IoU <span class="mean-iou">${num(report.meanIoU)}</span>, frequency-weighted IoU ${num(report.frequencyWeightedIoU)}.</p>`,
        k: input.k,
        items: 'images',
      }),
    ];
  } finally {
    loaded.dispose();
  }
}

function channelsLast(data: Float32Array, n: number, c: number, plane: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < plane; p++) out[(i * plane + p) * c + k] = data[(i * c + k) * plane + p]!;
  return out;
}
