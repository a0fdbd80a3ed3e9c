import { resolve } from 'node:path';
import { InterpError, isInterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { jsonText } from '../format/json-text.js';
import { printable } from '../format/printable.js';
import { MAX_INPUT_DIM, MAX_INPUT_RANK, MAX_INPUT_VALUES } from '../limits.js';
import { optionRange, parseOptions } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  model: { type: 'string' },
  'input-size': { type: 'integer-list', min: 1, max: MAX_INPUT_DIM, maxLength: MAX_INPUT_RANK },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `Usage: interp summary --model DIR/model.json|FILE.onnx [--input-size 1,28,28,1] [--json]

A saved tfjs LayersModel's layers (or an ONNX model's nodes), as fastai's summary: each
computing layer (nested models opened) with its type (the ONNX op), output shape, parameter
count and whether it trains, then the total, trainable and non-trainable parameter counts.

  --model M         a tfjs LayersModel (model.json + weight files) or an ONNX model (.onnx)
  --input-size S    run a zero input of this shape (comma-separated, batch axis optional) to
                    show the shapes the model really computes; default the static shapes, with
                    ? for the batch axis. Dimensions ${optionRange(OPTIONS['input-size'])},
                    at most ${MAX_INPUT_VALUES.toLocaleString('en-US')} values in all
  --json            print { layers: [{ name, type, outputShape, params, trainable }],
                    totalParams, trainableParams, nonTrainableParams }
  -h, --help        show this help
`;

/** `interp summary`: see USAGE. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'summary');
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.model === undefined) {
    throw new UsageError('missing --model DIR/model.json; see interp summary --help');
  }
  const inputSize = values['input-size'];
  if (inputSize !== undefined) checkInputValues(inputSize);
  const [core, debug, models] = await Promise.all([
    import('@interp/core'),
    import('@interp/debug'),
    import('../io/load-model.js'),
  ]);
  await core.setupBackend('wasm', { warn: (m) => io.stderr.write(`${m}\n`) });
  const loaded = await models.loadModel(resolve(io.cwd, values.model));
  // A LayersModel opens its nested models and names its optimizer; an ONNX graph lists its nodes.
  const model = loaded.layersModel ?? loaded.graph;
  try {
    let s: import('@interp/debug').ModelSummary;
    try {
      s = debug.summary(model, inputSize === undefined ? {} : { inputSize });
    } catch (e) {
      // The library names its option; the user typed --input-size.
      if (!isInterpError(e)) throw e;
      throw new InterpError(e.code, e.message.replace(/\binputSize\b/g, '--input-size'));
    }
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
      io.stdout.write(`${jsonText(out)}\n`);
    } else {
      // Layer names come from the model file: escaped line by line, so they cannot drive the terminal.
      io.stdout.write(s.text.split('\n').map(printable).join('\n'));
    }
  } finally {
    loaded.dispose();
  }
  return 0;
}

/** A zero input of this shape is allocated: refuse one too large before trying. */
function checkInputValues(dims: number[]): void {
  const values = dims.reduce((a, b) => a * b, 1);
  if (values > MAX_INPUT_VALUES) {
    throw new InterpError(
      'INVALID_OPTION',
      `--input-size ${dims.join(',')} is ${values} values; at most ${MAX_INPUT_VALUES} are allowed`,
    );
  }
}
