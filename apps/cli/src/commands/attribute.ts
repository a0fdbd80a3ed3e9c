import { resolve } from 'node:path';
import type { ImageLayout } from '@interp/core';
import { InterpError, isInterpError } from '@interp/core/base';
import { readNpyFile } from '@interp/data/files';
import type * as tfc from '@tensorflow/tfjs-core';
import type { CliIO } from '../cli-io.js';
import { type JsonValue, jsonText } from '../format/json-text.js';
import { printable } from '../format/printable.js';
import { textTable } from '../format/text-table.js';
import { modelWeightBytes } from '../io/model-weight-bytes.js';
import { type OutputFolder, prepareOutputFolder } from '../io/output-folder.js';
import {
  MAX_CLASSES,
  MAX_IG_STEPS,
  MAX_INPUT_DIM,
  MAX_INPUT_RANK,
  MAX_NOISE_SAMPLES,
  MAX_TARGET_LIST,
} from '../limits.js';
import {
  defaultThreads,
  threadsHelp,
  threadsOption,
  threadsOptionSpec,
} from '../options/threads.js';
import { optionRange, parseOptions } from '../parse-options.js';
import { progressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { runOptions } from './attribute-inputs.js';
import { float32, nested } from './attribute-json.js';
import { applyPreset, PRESET_NAMES, readLabels, targetText } from './attribute-labels.js';
import { checkMethodOptions, type Methods, methodEntry, methodHelp } from './attribute-methods.js';
import { startPrefault } from './attribute-prefault.js';

// Option errors are found before the model loads: the attribution package (its defaults and
// method table) loads first, the model only after the input file is checked.

const OPTIONS = {
  model: { type: 'string' },
  input: { type: 'string' },
  // One of the method table's names (checked against it once it loads).
  method: { type: 'string' },
  target: { type: 'integer-list', min: 0, max: MAX_CLASSES - 1, maxLength: MAX_TARGET_LIST },
  // No defaults here: they are the library's (read after it loads), and these apply to one method.
  'n-steps': { type: 'integer', min: 1, max: MAX_IG_STEPS },
  'ig-method': { type: 'string' },
  'n-samples': { type: 'integer', min: 1, max: MAX_NOISE_SAMPLES },
  layer: { type: 'string' },
  labels: { type: 'string' },
  preset: { type: 'string', choices: PRESET_NAMES },
  neuron: { type: 'integer-list', min: 0, max: MAX_INPUT_DIM - 1, maxLength: MAX_INPUT_RANK },
  baseline: { type: 'string' },
  'feature-mask': { type: 'string' },
  window: { type: 'integer-list', min: 1, max: MAX_INPUT_DIM, maxLength: MAX_INPUT_RANK },
  strides: { type: 'integer-list', min: 1, max: MAX_INPUT_DIM, maxLength: MAX_INPUT_RANK },
  seed: { type: 'integer', min: 0, max: 2 ** 32 - 1 },
  json: { type: 'boolean' },
  out: { type: 'string' },
  ...threadsOptionSpec,
  help: { type: 'boolean', short: 'h' },
} as const;

/** Seconds a run may take before the progress bar shows on stderr. */
const PROGRESS_DELAY_MS = 2000;

function usage(
  ig: { nSteps: number; method: string },
  igMethods: readonly string[],
  methods: Methods,
): string {
  const sg = methods.runAttributionDefaults;
  return `Usage: interp attribute --model DIR/model.json|FILE.onnx --input X.npy
                        --method M (below)
                        [--target K] [--layer NAME] [--neuron i,j,..] [--baseline zeros|FILE.npy]
                        [--n-steps ${ig.nSteps}] [--ig-method ${ig.method}] [--n-samples N] [--seed S]
                        [--window a,b,..] [--strides a,b,..] [--feature-mask FILE.npy]
                        [--threads N|auto] [--json] [--out DIR]

Attributions of a saved tfjs LayersModel's or ONNX model's outputs to its inputs (Captum's
semantics and defaults), on the WASM backend. The explained score is the model's raw output for
the target class. Runs longer than ${PROGRESS_DELAY_MS / 1000} s show a progress bar on stderr.

  --model M        a tfjs LayersModel (model.json + weight files) or an ONNX model (.onnx,
                   e.g. a PyTorch export) with one input and one N x C output
  --input X        a .npy batch in the model's input shape and layout, N x ... (N x C x H x W
                   for most ONNX exports; a single item without the batch axis, or images
                   without their channel axis of 1, also fit)
  --method M       one of these (the flags each reads beside --target; any other is refused):
${methodHelp(methods)}
                   gradcam's and guided-gradcam's default --layer is the last layer whose output
                   is larger than 1 x 1 in H x W (an all-zero map is warned about on stderr);
                   smoothgrad's noise sd is ${100 * sg.smoothGradNoise}% of the input's value range (seed
                   ${sg.smoothGradSeed}); occlusion's default patch is 1/7 of H and W (at least 1) over all
                   channels, stride half the patch; one value at a time for other inputs
  --target K       class to explain: one index for all items, or one per item separated by
                   commas (default: each item's predicted class; ${optionRange(OPTIONS.target)})
  --layer NAME     a layer or node name, or a module path prefix (layer4)
  --neuron i,j,..  the unit of --layer's output item (without the batch axis) to explain
  --baseline B     zeros (default) or FILE.npy: one item, or k items [k, ...item] (one per
                   item, or the distribution deeplift-shap and *gradient-shap draw from)
  --n-steps S      path methods' steps (${optionRange(OPTIONS['n-steps'])}, default ${ig.nSteps})
  --ig-method M    ${igMethods.join(', ')} (default ${ig.method})
  --n-samples S    smoothgrad's samples (${optionRange(OPTIONS['n-samples'])}, default ${sg.smoothGradSamples}), and the sampling
                   methods' (default: the library's)
  --seed S         seed of the sampling methods (default: the library's)
  --window a,b,..  occlusion patch per item, in the input's layout (Captum's
  --strides a,b,.. sliding_window_shapes and strides; strides default 1)
  --feature-mask F FILE.npy of integer feature ids, the input's shape or broadcast to it
                   (without the batch axis, it is shared by all items); default one feature
                   per value
  --json           print { "method", "layer" (gradcam, guided-gradcam), "target",
                   "attributions", "delta" (methods with Captum's convergence delta) }; the
                   attributions have the input's shape (N x H x W for gradcam; the layer's
                   output for the layer methods)
  --labels FILE    class names (a JSON array, or one per line) shown beside the targets
  --preset P       the input holds 0..255 pixels (channels last): scale them as the model
                   expects, ${PRESET_NAMES.join(', ')} (ImageNet mean/std)
  --out DIR        write one overlay PNG per item (<method>-<i>.png; image inputs only)
${threadsHelp(19, true)}  -h, --help       show this help
`;
}

/** `interp attribute`: see usage(). */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS, 'attribute');
  // Only the defaults: tfjs and the model load after the input file is checked.
  const [lib, methods] = await Promise.all([
    import('@interp/attribution'),
    import('@interp/attribution/methods'),
  ]);
  const ig = lib.integratedGradientsDefaults;
  if (values.help) {
    io.stdout.write(usage(ig, lib.APPROXIMATION_METHODS, methods));
    return 0;
  }
  for (const [name, flag] of [
    ['model', '--model DIR/model.json'],
    ['input', '--input X.npy'],
    ['method', '--method M'],
  ] as const) {
    if (values[name] === undefined) {
      throw new UsageError(`missing ${flag}; see interp attribute --help`);
    }
  }
  const info = methodEntry(methods, values.method!);
  const method = info.name;
  checkMethodOptions(methods, info, values);
  const givenThreads = threadsOption(values.threads);
  if (values.strides !== undefined && values.window === undefined) {
    throw new UsageError('--strides needs --window (the occlusion patch it moves)');
  }
  const igMethod = values['ig-method'];
  if (
    igMethod !== undefined &&
    !(lib.APPROXIMATION_METHODS as readonly string[]).includes(igMethod)
  ) {
    throw new UsageError(
      `invalid --ig-method: ${JSON.stringify(igMethod)}; expected one of ${lib.APPROXIMATION_METHODS.map((m) => `'${m}'`).join(', ')}`,
    );
  }
  // Checked before any work: a bad --out costs no model loading nor computing.
  const outFolder = values.out === undefined ? undefined : prepareOutputFolder(values.out, io.cwd);
  const target = values.target?.length === 1 ? values.target[0] : values.target;
  const input = applyPreset(readInput(values.input!, io.cwd), values.preset);
  const labels = readLabels(values.labels, io.cwd);

  const [tf, core, attribution, models] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('@interp/attribution'),
    import('../io/load-model.js'),
  ]);
  const modelPath = resolve(io.cwd, values.model!);
  // An ONNX model's loader is imported while the WASM backend starts (its threads' start-up
  // leaves the main thread waiting); loadModel reports a failed import.
  const onnx = modelPath.toLowerCase().endsWith('.onnx') ? import('@interp/onnx') : undefined;
  onnx?.catch(() => undefined);
  const passes = info.options.includes('nSteps')
    ? (values['n-steps'] ?? ig.nSteps)
    : info.options.includes('nSamples')
      ? (values['n-samples'] ?? methods.runAttributionDefaults.smoothGradSamples)
      : 1;
  const work = { weightBytes: modelWeightBytes(modelPath), inputValues: input.data.length, passes };
  const threads = givenThreads ?? defaultThreads(work, core.getBackendInfo());
  // The backend starts while an ONNX model file is read and decoded (loadOnnxModel makes no
  // tensor before it is up); other formats wait for it.
  const backend = core.setupBackend('wasm', { threads, warn: (m) => io.stderr.write(`${m}\n`) });
  // The heap's fresh pages are touched on another core while the model loads and the work runs.
  const prefault = startPrefault(core, backend, work);
  let loaded: Awaited<ReturnType<typeof models.loadModel>>;
  try {
    loaded = await models.loadModel(modelPath, {
      ...(onnx ? { importOnnx: () => onnx } : {}),
      backendReady: backend,
    });
  } catch (e) {
    // Never left running after a failed load (an in-process caller's next run would race it).
    await backend.catch(() => undefined);
    await prefault.stop();
    throw e;
  }
  await backend;
  const model = loaded.model;
  const layout = loaded.graph.layout;
  let shape: number[];
  try {
    if (loaded.layersModel && loaded.layersModel.outputs.length !== 1) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${values.model}: the model has ${loaded.layersModel.outputs.length} outputs; attribution needs one`,
      );
    }
    shape = models.fitInputShape(input.shape, loaded.graph, values.input!, values.model!);
  } catch (e) {
    loaded.dispose();
    throw e;
  }
  const x = tf.tensor(input.data, shape);
  const held: tfc.Tensor[] = [x];
  try {
    if (Array.isArray(target) && target.length !== shape[0]) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `--target lists ${target.length} classes but ${values.input} has ${shape[0]} items; pass one class, or one per item`,
      );
    }
    const resolveTargets = async (): Promise<Int32Array> => {
      try {
        return await attribution.resolveTarget(model, x, target);
      } catch (e) {
        // The library names its own function; the user knows the option.
        if (!isInterpError(e)) throw e;
        throw new InterpError(e.code, `--target: ${e.message.replace(/^resolveTarget:\s*/, '')}`);
      }
    };
    // A method that reports its predicted classes (IG, from its delta's forward pass) needs no
    // forward pass here; a given --target is checked before any work.
    const reported = info.reportsTarget && target === undefined;
    let targets = reported ? undefined : await resolveTargets();
    const bar = progressBar(io.stderr, method, { delayMs: PROGRESS_DELAY_MS });
    prefault.workStarts();
    const result = await methods.runAttribution(model, method, x, {
      ...runOptions(tf, values, io.cwd, x, held),
      target: info.options.includes('target') ? targets : undefined,
      layout,
      progress: (done, total) => bar.update(done, total),
    });
    bar.finish();
    held.push(result.attributions, ...(result.delta === undefined ? [] : [result.delta]));
    targets ??= result.target ?? (await resolveTargets());
    const warnings = result.warnings ?? [];
    if (warnings.length > 0) {
      const more = warnings.length > 1 ? ` (${warnings.length - 1} more item(s) alike)` : '';
      io.stderr.write(`interp attribute: warning: ${printable(warnings[0]!)}${more}\n`);
    }
    const attr = result.attributions;
    let delta: Float32Array | undefined;
    if (result.delta !== undefined) delta = (await result.delta.data()) as Float32Array;
    const data = (await attr.data()) as Float32Array;

    if (outFolder !== undefined) {
      await writeOverlays(tf, attribution, x, attr, method, outFolder, layout);
    }
    if (values.json) {
      const out = new Map<string, JsonValue>([
        ['method', method],
        ...(result.layer === undefined ? [] : [['layer', result.layer] as [string, JsonValue]]),
        ['target', info.options.includes('target') ? Array.from(targets) : null],
        ['attributions', nested(data, attr.shape)],
      ]);
      if (delta) out.set('delta', Array.from(delta, float32));
      io.stdout.write(`${jsonText(out)}\n`);
      return 0;
    }
    const names = Array.from(targets, (t) => targetText(t, labels, values.labels));
    io.stdout.write(summary(method, shape, target === undefined, names, data, attr.shape, delta));
    if (result.layer !== undefined) {
      const how = values.layer === undefined ? ' (default: the last with H x W > 1)' : '';
      io.stdout.write(`\nlayer: ${printable(result.layer)}${how}\n`);
    }
    if (values.out !== undefined) {
      io.stdout.write(`\nwrote ${shape[0]} overlay PNG(s) to ${printable(values.out)}\n`);
    }
    return 0;
  } finally {
    await prefault.stop();
    tf.dispose(held);
    loaded.dispose();
  }
}

function readInput(file: string, cwd: string): { data: Float32Array; shape: number[] } {
  if (!file.toLowerCase().endsWith('.npy')) {
    throw new InterpError('PARSE', `${file}: the input must be a .npy array`);
  }
  const npy = readNpyFile(file, cwd);
  if (npy.data instanceof BigInt64Array || npy.data instanceof BigUint64Array) {
    const out = new Float32Array(npy.data.length);
    for (let i = 0; i < out.length; i++) out[i] = Number(npy.data[i]!);
    return { data: out, shape: npy.shape };
  }
  const data = npy.data instanceof Float32Array ? npy.data : Float32Array.from(npy.data);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new InterpError('NON_FINITE', `${file}: value ${data[i]} at index ${i} is not finite`);
    }
  }
  return { data, shape: npy.shape };
}

async function writeOverlays(
  tf: typeof import('@tensorflow/tfjs-core'),
  attribution: typeof import('@interp/attribution'),
  input: tfc.Tensor,
  attribution4d: tfc.Tensor,
  method: string,
  out: OutputFolder,
  layout: ImageLayout,
): Promise<void> {
  // Overlays are drawn channels-last: an NCHW model's images and maps are transposed first.
  const nchw = layout === 'NCHW' && input.rank === 4;
  const x = nchw ? tf.transpose(input, [0, 2, 3, 1]) : input;
  const attr =
    nchw && attribution4d.rank === 4 ? tf.transpose(attribution4d, [0, 2, 3, 1]) : attribution4d;
  try {
    await drawOverlays(attribution, x, attr, method, out);
  } finally {
    if (x !== input) x.dispose();
    if (attr !== attribution4d) attr.dispose();
  }
}

async function drawOverlays(
  attribution: typeof import('@interp/attribution'),
  x: tfc.Tensor,
  attr: tfc.Tensor,
  method: string,
  out: OutputFolder,
): Promise<void> {
  const [n, h, w, c] = x.shape;
  if (x.rank !== 4 || (c !== 1 && c !== 3)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `--out draws overlays on images [N, H, W, 1 or 3]; this input has shape [${x.shape.join(', ')}]`,
    );
  }
  const images = await x.data();
  const maps = await attr.data();
  const mapSize = attr.size / n!;
  const itemSize = h! * w! * c!;
  const sign = method === 'saliency' ? 'absolute_value' : method === 'gradcam' ? 'positive' : 'all';
  for (let i = 0; i < n!; i++) {
    const overlay = await attribution.attributionOverlay(
      { data: images.subarray(i * itemSize, (i + 1) * itemSize), shape: [h!, w!, c!] },
      { data: maps.subarray(i * mapSize, (i + 1) * mapSize), shape: attr.shape.slice(1) },
      { method: 'blended_heat_map', sign },
    );
    out.write(
      `${method}-${i}.png`,
      Buffer.from(overlay.dataURL.slice(overlay.dataURL.indexOf(',') + 1), 'base64'),
    );
  }
}

function summary(
  method: string,
  shape: number[],
  predicted: boolean,
  targets: readonly string[],
  data: Float32Array,
  attrShape: readonly number[],
  delta: Float32Array | undefined,
): string {
  const n = shape[0]!;
  const size = data.length / n;
  const head = ['item', 'target', 'sum', 'max |attr|', ...(delta ? ['delta'] : [])];
  const rows = [head];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let max = 0;
    for (let j = i * size; j < (i + 1) * size; j++) {
      sum += data[j]!;
      max = Math.max(max, Math.abs(data[j]!));
    }
    rows.push([
      String(i),
      targets[i]!,
      sum.toPrecision(5),
      max.toPrecision(5),
      ...(delta ? [delta[i]!.toExponential(2)] : []),
    ]);
  }
  return (
    `${method} attributions of shape [${attrShape.join(', ')}] for ${n} item${n === 1 ? '' : 's'} ` +
    `(target: ${predicted ? 'predicted class' : 'given'})\n\n${textTable(rows)}\n`
  );
}
