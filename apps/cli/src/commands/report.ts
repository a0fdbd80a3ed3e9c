import { resolve } from 'node:path';
import type { ClassificationInterpretation } from '@interp/classification';
import { InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { attributionGrid } from '../demo/attribution-section.js';
import { classificationSection } from '../demo/classification-section.js';
import { escapeHtml, figure, type ReportSection, renderReport } from '../demo/report-html.js';
import { printable } from '../format/printable.js';
import { prepareOutputFolder } from '../io/output-folder.js';
import { MAX_BATCH_ROWS } from '../limits.js';
import {
  THREADS_DEFAULT,
  threadsHelp,
  threadsOption,
  threadsOptionSpec,
} from '../options/threads.js';
import { optionRange, parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';
import { curvesSection } from './report-curves.js';
import { asProbabilities } from './report-probabilities.js';

/** Defaults of `interp report`, written once. */
export const reportDefaults = {
  out: 'interp-report',
  methods: 'ig,gradcam',
  k: 16,
  batchSize: 256,
} as const;

/**
 * The model-and-images options `interp report` shares with `interp explore` (spread them into a
 * command's option specs); `--mean`/`--std` are read with {@link numberList}.
 */
export const imageInputOptions = {
  model: { type: 'string' },
  data: { type: 'string' },
  labels: { type: 'string' },
  size: { type: 'integer-list', min: 1, max: 4096, maxLength: 2 },
  mean: { type: 'string' },
  std: { type: 'string' },
  preset: { type: 'string', choices: ['[0,1]', '[-1,1]', 'imagenet'] },
} as const;

const OPTIONS = {
  ...imageInputOptions,
  task: { type: 'string', choices: ['classification', 'segmentation', 'tabular'] },
  out: { type: 'string', default: reportDefaults.out },
  methods: { type: 'string', default: reportDefaults.methods },
  'gradcam-relu': { type: 'string', choices: ['true', 'false'], default: 'true' },
  k: { type: 'integer', min: 1, max: 256, default: reportDefaults.k },
  'target-column': { type: 'string' },
  preds: { type: 'string' },
  targs: { type: 'string' },
  vocab: { type: 'string' },
  'batch-size': { type: 'integer', min: 1, max: MAX_BATCH_ROWS, default: reportDefaults.batchSize },
  ...threadsOptionSpec,
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: interp report --model M --data D [--labels L] [--task classification|tabular|segmentation]
                     [--out DIR] [--methods ig,gradcam] [--gradcam-relu true|false] [--k 16] [--size H[,W]]
                     [--mean m1,m2,m3] [--std s1,s2,s3] [--preset P] [--target-column NAME]
                     [--threads N|auto]
       interp report --preds P --targs T [--vocab V] [--out DIR]

Writes DIR/report.html, one self-contained page (images inlined, opens offline): classification
report, confusion matrices, most confused, top losses with the items, calibration, ROC and
precision-recall curves, attributions of the top-loss items; for tables, permutation importance
and partial dependence; for segmentation, pixel accuracy, IoU, Dice, pixel confusion matrices
and the worst masks. Progress goes to stderr.

  --model M          DIR/model.json (tfjs LayersModel or GraphModel) or model.onnx
  --data D           a folder of PNG/JPEG images (one sub-folder per class, as torchvision's
                     ImageFolder; classes sorted by name), or a table (.csv with a header, .npy)
  --labels L         a CSV of "file,label" rows (files relative to D; labels class names, or
                     class ids 0..C-1) instead of sub-folders; with --task segmentation, the
                     folder of PNG masks (same relative paths as the images, red channel =
                     class id, 255 ignored)
  --task T           classification (default for folders), tabular (default for .csv/.npy)
                     or segmentation (D: any folder of images)
  --out DIR          where to write report.html (default ./${reportDefaults.out})
  --methods LIST     attribution methods for the top-loss images (default ${reportDefaults.methods};
                     any of interp attribute's methods)
  --gradcam-relu B   true (default, Grad-CAM as published: positive evidence only) or false
                     (the signed map: shows negative evidence where the ReLU leaves nothing)
  --k K              top-loss items shown and attributed (${optionRange(OPTIONS.k)})
  --size H[,W]       resize images to H x W (bilinear, half-pixel centers); default:
                     preprocess.json's "size" beside the model, else the images' own size
  --mean, --std      per-channel normalization of pixel / 255 (one value or one per channel)
  --preset P         [0,1] (default), [-1,1] or imagenet; --mean/--std override it.
                     Without these flags, preprocess.json beside the model is read:
                     { "size": 224, "preset": "imagenet", "mean": [...], "std": [...] }
  --target-column C  the target column of a table (a header name, or an index for .npy)
  --preds P          N x C probabilities or logits (.npy, .json, .csv): a report without a
  --targs T          model (no attributions) from interp classification's prediction files
  --vocab V          class names (.json array or one per line) of --preds or a segmentation
  --batch-size N     items per model call (${optionRange(OPTIONS['batch-size'])})
${threadsHelp(21)}  -h, --help         show this help
`;

/** `interp report`: see USAGE. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'report');
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const t0 = performance.now();
  const threads = threadsOption(values.threads) ?? THREADS_DEFAULT;
  const predsOnly = values.preds !== undefined || values.targs !== undefined;
  if (predsOnly) {
    if (values.preds === undefined || values.targs === undefined) {
      throw new UsageError(
        'a report from prediction files needs both --preds P and --targs T; see interp report --help',
      );
    }
    if (values.model !== undefined || values.data !== undefined) {
      throw new UsageError(
        'pass either --model and --data, or --preds and --targs, not both; see interp report --help',
      );
    }
  } else {
    if (values.model === undefined)
      throw new UsageError('missing --model M (or --preds P --targs T); see interp report --help');
    if (values.data === undefined)
      throw new UsageError(
        'missing --data D (an image folder or a table); see interp report --help',
      );
  }
  const isTable = values.data !== undefined && /\.(csv|npy)$/i.test(values.data);
  const task = values.task ?? (isTable ? 'tabular' : 'classification');
  if (task === 'segmentation' && (predsOnly || values.labels === undefined)) {
    throw new UsageError(
      "--task segmentation needs --model, --data IMAGES and --labels MASKS (PNG masks at the images' paths); for mask files use interp segmentation",
    );
  }
  if (task === 'tabular' && !predsOnly && !isTable) {
    throw new UsageError(`--task tabular needs --data as a .csv or .npy table, got ${values.data}`);
  }
  const methods = values.methods
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const mean = numberList('--mean', values.mean);
  const std = numberList('--std', values.std);
  const size =
    values.size === undefined
      ? undefined
      : ([values.size[0]!, values.size[1] ?? values.size[0]!] as [number, number]);
  // Checked before any work: a bad --out costs nothing.
  const out = prepareOutputFolder(values.out, io.cwd);

  const { createDocument } = await import('@interp/viz');
  const document = await createDocument();
  const meta: string[] = [];
  let sections: ReportSection[];
  let title: string;
  if (predsOnly) {
    const { predictionsReport } = await import('./report-predictions.js');
    const interp = predictionsReport(values.preds!, values.targs!, values.vocab, io.cwd);
    title = `interp report: ${values.preds}`;
    sections = await classificationSections(interp, document, io, values.k, 'items');
  } else if (task === 'tabular') {
    const { tableReport } = await import('./report-table.js');
    title = `interp report: ${values.model} on ${values.data}`;
    sections = await tableReport(
      {
        model: values.model!,
        data: values.data!,
        targetColumn: values['target-column'],
        batchSize: values['batch-size'],
        threads,
      },
      document,
      io,
      (interp) => classificationSections(interp, document, io, values.k, 'rows'),
    );
  } else if (task === 'segmentation') {
    const { segmentationReport } = await import('./report-segmentation.js');
    title = `interp report: ${values.model} on ${values.data}`;
    sections = await segmentationReport(
      {
        model: values.model!,
        data: values.data!,
        masks: values.labels!,
        vocab: values.vocab,
        k: values.k,
        batchSize: values['batch-size'],
        threads,
        flags: { size, mean, std, preset: values.preset },
      },
      document,
      io,
      meta,
    );
  } else {
    title = `interp report: ${values.model} on ${values.data}`;
    sections = await imageReport(
      values,
      { size, mean, std, methods, gradcamRelu: values['gradcam-relu'] === 'true', threads },
      document,
      io,
      meta,
    );
  }
  meta.push(
    `Generated ${new Date().toISOString()} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const file = out.write('report.html', renderReport(title, meta, sections));
  io.stderr.write(`report written to ${printable(file)}\n`);
  return 0;
}

async function classificationSections(
  interp: ClassificationInterpretation,
  document: Document,
  io: CliIO,
  k: number,
  items: string,
): Promise<ReportSection[]> {
  const text = interp.printClassificationReport({ log: (t) => io.stdout.write(`${t}\n`) });
  const sections = [await classificationSection(interp, document, text, { k, items })];
  if (interp.preds) sections.push(await curvesSection(interp, document));
  return sections;
}

async function imageReport(
  values: {
    model?: string;
    data?: string;
    labels?: string;
    size?: number[];
    preset?: '[0,1]' | '[-1,1]' | 'imagenet';
    k: number;
    'batch-size': number;
  },
  extra: {
    size?: [number, number];
    mean?: number[];
    std?: number[];
    methods: string[];
    gradcamRelu: boolean;
    /** setupBackend's threads, from threadsOption. */
    threads: true | number;
  },
  document: Document,
  io: CliIO,
  meta: string[],
): Promise<ReportSection[]> {
  const [tf, core, models, images, { ClassificationInterpretation }] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('../io/load-model.js'),
    import('./report-images.js'),
    import('@interp/classification'),
  ]);
  await core.setupBackend('wasm', {
    threads: extra.threads,
    warn: (m) => io.stderr.write(`${m}\n`),
  });
  const modelPath = resolve(io.cwd, values.model!);
  const loaded = await models.loadModel(modelPath);
  try {
    const data = await images.loadModelImages(
      resolve(io.cwd, values.data!),
      values.labels === undefined ? undefined : resolve(io.cwd, values.labels),
      modelPath,
      loaded.graph,
      { size: extra.size, mean: extra.mean, std: extra.std, preset: values.preset },
      io,
    );
    const { folder } = data;
    const shape = folder.x.shape;
    meta.push(
      `${shape[0]} images in ${folder.vocab.length} classes, model input [${shape.slice(1).join(', ')}] (${data.layout}), normalized as (pixel / 255 - [${data.mean.join(', ')}]) / [${data.std.join(', ')}]`,
    );
    const { scores, classes } = await images.predictImages(
      tf,
      loaded,
      folder.x,
      values['batch-size'],
      io,
    );
    if (classes !== folder.vocab.length) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${values.model} gives ${classes} class scores but ${values.data} has ${folder.vocab.length} classes (${folder.vocab.slice(0, 5).join(', ')}${folder.vocab.length > 5 ? ', ...' : ''}); the class folders (sorted) or label ids must be the model's classes`,
      );
    }
    const { probs } = asProbabilities(scores, classes, values.model!);
    const interp = ClassificationInterpretation.fromPredictions({
      preds: { data: probs, shape: [folder.targets.length, classes] },
      targs: folder.targets,
      vocab: folder.vocab,
      inputs: images.displayImages(data),
    });
    const sections = await classificationSections(interp, document, io, values.k, 'images');
    if (extra.methods.length > 0) {
      const k = Math.min(values.k, folder.targets.length);
      const indices = Array.from(interp.topLosses(k).indices);
      const maps = await images.attributeItems(tf, loaded, data, indices, extra.methods, io, {
        gradcamRelu: extra.gradcamRelu,
      });
      const names = indices.map((i) => folder.files[i] ?? `item ${i}`);
      const notes = maps
        .map((m) => images.zeroMapsNote(m, names))
        .filter((n): n is string => n !== undefined)
        .map((n) => `<p class="note">${escapeHtml(n)}</p>`);
      const grid = await attributionGrid({
        interp,
        document,
        indices,
        image: (j) => images.displayImage(data, indices[j]!),
        maps: maps.map((m) => ({ caption: m.caption, data: m.data })),
        title: `Top-loss images: input, ${extra.methods.join(', ')}`,
      });
      const timing = maps
        .map((m) => `${m.method}${m.layer ? ` (layer ${m.layer})` : ''} ${m.seconds.toFixed(1)} s`)
        .join(', ');
      sections.push({
        id: 'attribution',
        title: 'Attribution',
        body: [
          `<p>Which pixels drove the prediction of the ${k} images with the largest loss (predicted class explained; green positive, red negative; δ is Integrated Gradients' completeness gap). Computed on ${indices.length} images: ${timing}.</p>`,
          ...notes,
          figure(
            grid,
            folder.files.length
              ? `Files: ${indices.map((i) => folder.files[i]).join(', ')}`
              : undefined,
          ),
        ].join('\n'),
      });
    }
    return sections;
  } finally {
    loaded.dispose();
  }
}

/**
 * `--mean`/`--std`: 1 to 4 comma-separated decimal numbers, or a one-line UsageError.
 *
 * @example
 * ```ts
 * numberList('--mean', '0.485,0.456,0.406'); // [0.485, 0.456, 0.406]
 * ```
 */
export function numberList(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',');
  const values = parts.map((p) =>
    /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(p.trim()) ? Number(p) : Number.NaN,
  );
  if (parts.length > 4 || values.some((v) => !Number.isFinite(v))) {
    throw new UsageError(
      `${flag} must be 1 or 3 comma-separated decimal numbers, got ${JSON.stringify(text)}`,
    );
  }
  return values;
}
