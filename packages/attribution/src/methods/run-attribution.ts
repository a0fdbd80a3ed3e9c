import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import type { AttributionModel } from '../types.js';
import { LAYER_RUNNERS } from './layer-runners.js';
import { METHOD_OPTIONS, type MethodName, methodInfo } from './method-catalog.js';
import { type MethodRunner, PRIMARY_RUNNERS } from './primary-runners.js';
import type { MethodResult, RunAttributionOptions } from './run-attribution-options.js';

const RUNNERS: Record<MethodName, MethodRunner> = { ...PRIMARY_RUNNERS, ...LAYER_RUNNERS };

// Each item's attribution is independent of the others' and drawn from no generator, so these
// run in slices of items when a progress callback wants to hear about long runs. (IG reports
// its own progress per chunk of rows, all items in one call.)
const PER_ITEM = new Set<string>(['occlusion']);
const SLICES = 50;

/**
 * Runs the method `name` of the catalog (`METHOD_NAMES`) with one options object: builds the
 * class's construction and `attribute` options from it (Captum's defaults where omitted). An
 * option the method does not read, a missing layer or neuron, or an unknown name is refused
 * with an InterpError. The result's tensors are the caller's to dispose.
 *
 * @example
 * import { runAttribution } from '@interp/attribution/methods';
 * const { attributions, delta } = await runAttribution(model, 'ig', x, { target: 0, nSteps: 32 });
 * const lig = await runAttribution(model, 'layer-ig', x, { layer: 'dense_1', target: 0 });
 */
export async function runAttribution(
  model: AttributionModel,
  name: string,
  x: tf.Tensor,
  options: RunAttributionOptions = {},
): Promise<MethodResult> {
  const info = methodInfo(name);
  const where = `runAttribution(${JSON.stringify(name)})`;
  for (const option of METHOD_OPTIONS) {
    if (options[option] !== undefined && !info.options.includes(option)) {
      throw new InterpError(
        'INVALID_OPTION',
        `${where}: option ${option} does not apply to this method (it reads ${info.options.join(', ') || 'no option'}); remove it`,
      );
    }
  }
  if (info.layer === 'required' && options.layer === undefined) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where} needs { layer }: a layer or node name of the model`,
    );
  }
  if (info.neuron && options.neuron === undefined) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where} needs { neuron }: an index tuple into one item of the layer's output`,
    );
  }
  const run = RUNNERS[info.name as MethodName];
  return options.progress !== undefined && PER_ITEM.has(info.name)
    ? inSlices(run, model, x, options)
    : once(run, model, x, options);
}

async function once(
  run: MethodRunner,
  model: AttributionModel,
  x: tf.Tensor,
  options: RunAttributionOptions,
): Promise<MethodResult> {
  const own: tf.Tensor[] = [];
  try {
    return await run(model, x, options, own);
  } finally {
    tf.dispose(own);
  }
}

/** Slices of about 1/50 of the items (per-item target and baselines sliced alike). */
async function inSlices(
  run: MethodRunner,
  model: AttributionModel,
  x: tf.Tensor,
  options: RunAttributionOptions,
): Promise<MethodResult> {
  const n = x.shape[0]!;
  const per = Math.max(1, Math.ceil(n / SLICES));
  const parts: tf.Tensor[] = [];
  const deltas: tf.Tensor[] = [];
  const { target, baselines, progress } = options;
  const perItemBaselines = baselines instanceof tf.Tensor && baselines.shape[0] === n && n > 1;
  try {
    progress!(0, n);
    for (let start = 0; start < n; start += per) {
      const count = Math.min(per, n - start);
      const xi = tf.slice(x, start, count);
      const bi = perItemBaselines ? tf.slice(baselines, start, count) : baselines;
      try {
        const r = await once(run, model, xi, {
          ...options,
          target:
            typeof target === 'number' || target === undefined
              ? target
              : target.slice(start, start + count),
          baselines: bi,
        });
        parts.push(r.attributions);
        if (r.delta !== undefined) deltas.push(r.delta);
      } finally {
        xi.dispose();
        if (bi !== baselines) (bi as tf.Tensor).dispose();
      }
      progress!(start + count, n);
    }
    const attributions = parts.length === 1 ? parts.pop()! : tf.concat(parts);
    if (deltas.length === 0) return { attributions };
    return { attributions, delta: deltas.length === 1 ? deltas.pop()! : tf.concat(deltas) };
  } finally {
    // The slices (all of them when a slice failed); a single slice was handed over above.
    tf.dispose(parts);
    tf.dispose(deltas);
  }
}
