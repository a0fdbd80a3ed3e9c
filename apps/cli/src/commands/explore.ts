import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClassificationInterpretation } from '@interp/classification';
import { InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';
import type { ExploreData } from './explore-data.js';
import { RouteTable } from './explore-routes.js';
import { type ExploreServer, serveRoutes } from './explore-server.js';

/** Defaults and bounds of `interp explore`, written once. */
export const exploreDefaults = {
  port: 8080,
  /** Items the page holds: its thumbnails and probabilities live in memory and in the browser. */
  maxItems: 10_000,
  batchSize: 256,
} as const;

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  labels: { type: 'string' },
  task: { type: 'string', choices: ['classification', 'tabular', 'segmentation'] },
  'target-column': { type: 'string' },
  port: { type: 'integer', min: 0, max: 65_535, default: exploreDefaults.port },
  size: { type: 'integer-list', min: 1, max: 4096, maxLength: 2 },
  mean: { type: 'string' },
  std: { type: 'string' },
  preset: { type: 'string', choices: ['[0,1]', '[-1,1]', 'imagenet'] },
  preds: { type: 'string' },
  targs: { type: 'string' },
  vocab: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: interp explore --model M --data D [--labels L] [--target-column C] [--port ${exploreDefaults.port}]
                      [--size H[,W]] [--mean m1,m2,m3] [--std s1,s2,s3] [--preset P]
       interp explore --preds P --targs T [--vocab V] [--task segmentation] [--port ${exploreDefaults.port}]

Serves an interactive page on http://127.0.0.1:PORT/ (this machine only): the confusion matrix,
items sorted by loss, each item's probabilities, and attributions computed in the browser. Only
the page, the model files and the given data are served, from memory. Ctrl-C stops it.
At most ${exploreDefaults.maxItems} items (the page keeps them all in the browser).

  --model M        DIR/model.json (tfjs LayersModel or GraphModel) or model.onnx
  --data D         a folder of PNG/JPEG images (one sub-folder per class, as ImageFolder), or
                   a table (.csv with a header, .npy): predictions and permutation importance
  --labels L       a CSV of "file,label" rows instead of sub-folders
  --task T         classification (default for folders), tabular (default for .csv/.npy), or
                   segmentation (--preds and --targs: N x H x W [x C] .npy masks, or two
                   folders of PNG masks, class id in the red channel, same file names)
  --target-column C  a table's class column (a header name, or an index for .npy)
  --port N         port on 127.0.0.1 (0 picks a free one; default ${exploreDefaults.port})
  --size, --mean, --std, --preset   as for interp report
  --preds P, --targs T, --vocab V   prediction files instead of a model (no attributions)
  -h, --help       show this help
`;

/**
 * The built page: dist/explore-page in the installed CLI, else apps/explore/dist in the repo.
 * INTERP_EXPLORE_PAGE overrides both (tests serve a fixture page).
 */
export function explorePageDir(): string | undefined {
  const override = process.env.INTERP_EXPLORE_PAGE;
  const candidates =
    override !== undefined
      ? [override]
      : [
          fileURLToPath(new URL('../explore-page/', import.meta.url)),
          fileURLToPath(new URL('../../../explore/dist/', import.meta.url)),
        ];
  return candidates.find((d) => d !== undefined && existsSync(resolve(d, 'index.html')));
}

/** Loads the inputs, predicts, and starts the server (tests call it; `run` adds the signals). */
export async function startExplore(argv: string[], io: CliIO): Promise<ExploreServer | number> {
  const { values } = parseOptions(argv, OPTIONS, 'explore');
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const predsOnly = values.preds !== undefined || values.targs !== undefined;
  if (predsOnly && (values.preds === undefined || values.targs === undefined)) {
    throw new UsageError(
      'prediction files need both --preds P and --targs T; see interp explore --help',
    );
  }
  if (predsOnly && (values.model !== undefined || values.data !== undefined)) {
    throw new UsageError('pass either --model and --data, or --preds and --targs, not both');
  }
  if (!predsOnly && values.model === undefined)
    throw new UsageError('missing --model M (or --preds P --targs T); see interp explore --help');
  if (!predsOnly && values.data === undefined)
    throw new UsageError('missing --data D (a folder of images); see interp explore --help');
  const page = explorePageDir();
  if (page === undefined) {
    throw new InterpError(
      'NOT_SUPPORTED',
      'the explore page is not built in this install (run pnpm --filter @interp/explore build); the other commands work without it',
    );
  }
  const { numberList } = await import('./report.js');
  const mean = numberList('--mean', values.mean);
  const std = numberList('--std', values.std);
  const routes = new RouteTable();
  routes.addFolder(page);
  let data: ExploreData;
  if (values.task === 'segmentation' && !predsOnly) {
    throw new UsageError(
      '--task segmentation takes masks: --preds P --targs T (.npy files or folders of PNG masks) [--vocab V]',
    );
  }
  if (values.task === 'segmentation') {
    const { exploreSegmentation } = await import('./explore-segmentation.js');
    data = await exploreSegmentation(values.preds!, values.targs!, values.vocab, io.cwd);
  } else if (predsOnly) {
    const { predictionsReport } = await import('./report-predictions.js');
    data = fromInterpretation(
      predictionsReport(values.preds!, values.targs!, values.vocab, io.cwd),
    );
  } else if (values.task === 'tabular' || /\.(csv|npy)$/i.test(values.data!)) {
    const { exploreTable } = await import('./explore-table.js');
    data = await exploreTable(
      {
        model: resolve(io.cwd, values.model!),
        data: resolve(io.cwd, values.data!),
        targetColumn: values['target-column'],
      },
      routes,
      io,
    );
  } else {
    const { exploreImages } = await import('./explore-images.js');
    data = await exploreImages(
      {
        model: resolve(io.cwd, values.model!),
        data: resolve(io.cwd, values.data!),
        labels: values.labels === undefined ? undefined : resolve(io.cwd, values.labels),
        size: values.size,
        mean,
        std,
        preset: values.preset,
      },
      routes,
      io,
    );
  }
  routes.add('/data.json', JSON.stringify(data));
  return serveRoutes(routes, values.port).catch((e: NodeJS.ErrnoException) => {
    throw new InterpError(
      'INVALID_ARGUMENT',
      e.code === 'EADDRINUSE'
        ? `port ${values.port} is in use; pass another --port, or --port 0 for a free one`
        : `cannot listen on 127.0.0.1:${values.port} (${e.code ?? e.message})`,
    );
  });
}

/** The page's data of an interpretation from prediction files (no model, no thumbnails). */
export function fromInterpretation(interp: ClassificationInterpretation): ExploreData {
  const n = interp.targs.data.length;
  if (n > exploreDefaults.maxItems) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${n} items; explore shows at most ${exploreDefaults.maxItems} (pass a subset)`,
    );
  }
  if (!interp.preds) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'explore needs N x C scores in --preds, not predicted labels',
    );
  }
  const classes = interp.preds.shape[1]!;
  return {
    task: 'classification',
    vocab: interp.vocab ? [...interp.vocab] : Array.from({ length: classes }, (_, i) => String(i)),
    targets: Array.from(interp.targs.data as ArrayLike<number>),
    probs: Array.from(interp.preds.data),
    classes,
    files: [],
    thumbs: false,
  };
}

/** `interp explore`: see USAGE. Serves until SIGINT or SIGTERM, then closes and exits 0. */
export async function run(
  argv: string[],
  io: CliIO,
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'> = process,
): Promise<number> {
  const server = await startExplore(argv, io);
  if (typeof server === 'number') return server;
  io.stdout.write(`interp explore: serving ${server.url} (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      done();
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
