import { resolve } from 'node:path';
import type { CliIO } from '../cli-io.js';
import { parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const USAGE = `Usage: interp summary --model DIR/model.json [--input-size 1,28,28,1] [--json]

A saved tfjs LayersModel's layers, as fastai's summary: each computing layer (nested models
opened) with its type, output shape, parameter count and whether it trains, then the total,
trainable and non-trainable parameter counts.

  --model M         a tfjs LayersModel (model.json + weight files)
  --input-size S    run a zero input of this shape (comma-separated, batch axis optional) to
                    show the shapes the model really computes; default the static shapes, with
                    ? for the batch axis
  --json            print { layers: [{ name, type, outputShape, params, trainable }],
                    totalParams, trainableParams, nonTrainableParams }
  -h, --help        show this help
`;

/** `interp summary`: see USAGE. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      model: { type: 'string' },
      'input-size': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'summary',
  );
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.model === undefined) {
    throw new UsageError('missing --model DIR/model.json; see interp summary --help');
  }
  const inputSize = parseInputSize(values['input-size']);
  const [tf, tfl, core, debug, files] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
    import('@interp/core'),
    import('@interp/debug'),
    import('../io/layers-model-files.js'),
  ]);
  await core.setupBackend('wasm', { warn: (m) => io.stderr.write(`${m}\n`) });
  const model = await files.loadLayersModelFromFile(
    { ...tfl, io: tf.io },
    resolve(io.cwd, values.model),
  );
  try {
    const s = debug.summary(model, inputSize === undefined ? {} : { inputSize });
    if (values.json) {
      const out = {
        layers: s.layers.map((l) => ({
          name: [...l.path, l.name].join('/'),
          type: l.type,
          outputShape: l.outputShape,
          params: l.params,
          trainable: l.trainable,
        })),
        totalParams: s.totalParams,
        trainableParams: s.trainableParams,
        nonTrainableParams: s.nonTrainableParams,
      };
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      io.stdout.write(s.text);
    }
  } finally {
    model.dispose();
  }
  return 0;
}

function parseInputSize(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const dims = text.split(',').map((s) => Number(s.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(
      `--input-size ${JSON.stringify(text)} is not a shape; write positive integers separated by commas, e.g. 1,28,28,1`,
    );
  }
  return dims;
}
