import { InterpError, isModelGraph, type Learner } from '@interp/core';
import { assertInteger, assertNumber } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { firstBatch } from './internal/first-batch.js';
import { leafLayers, requireLearner } from './internal/model-layers.js';

/** Options of {@link checkModel}. */
export interface CheckModelOptions {
  /** Learning rate of the overfitting check (Adam). */
  lr?: number;
  /** Training steps on one batch for the overfitting check. */
  steps?: number;
}

/** checkModel defaults, written once. */
export const checkModelDefaults = Object.freeze({ lr: 1e-3, steps: 10 } as const);

/** One health check: passed, failed (with the reason) or skipped (with why). */
export interface ModelCheck {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  message: string;
}

/** What {@link checkModel} returns; `text` (also `String(r)`) lists every check. */
export interface CheckModelReport {
  /** True when no check failed. */
  passed: boolean;
  checks: ModelCheck[];
  text: string;
  toString(): string;
}

/**
 * Health checks on the first training batch, each passed, failed with a reason, or skipped:
 * every weight is finite (checked directly, naming the layers); outputs and loss are finite;
 * outputs that are already probabilities (rows in [0, 1] summing to 1) do not meet a loss that
 * applies softmax again (and a loss from probabilities gets probabilities); the output size
 * matches the vocab; gradients reach every layer with trainable weights (nonzero and finite); and
 * the loss goes down when training a few steps on that one batch (on the model's own weights,
 * restored afterwards).
 *
 * @example
 * ```ts
 * const report = await checkModel(learn);
 * if (!report.passed) console.log(report.text);
 * ```
 */
export async function checkModel(
  learn: Learner,
  options: CheckModelOptions = {},
): Promise<CheckModelReport> {
  if (isModelGraph(learn)) {
    // The overfitting and weights-change checks train the model: a graph has no optimizer state.
    throw new InterpError(
      'NOT_SUPPORTED',
      `checkModel trains the model for a few steps, which needs a Learner with trainable weights and a loss; a model graph (kind ${learn.kind}) has neither. Use new ModelDebugger(graph, { data }) for the checks that need no training`,
    );
  }
  requireLearner(learn, 'checkModel');
  const { lr = checkModelDefaults.lr, steps = checkModelDefaults.steps } = options;
  assertNumber(lr, 'lr', Number.MIN_VALUE);
  assertInteger(steps, 'steps', 1);
  const checks: ModelCheck[] = [];
  const add = (name: string, ok: boolean | null, message: string) =>
    checks.push({ name, status: ok === null ? 'skipped' : ok ? 'passed' : 'failed', message });
  const { x, y } = await firstBatch(learn.dls.train, 'checkModel');
  try {
    await weightsCheck(learn, add);
    const lossOf = () => tf.tidy(() => tf.mean(learn.lossFunc(learn.predict(x), y)) as tf.Scalar);
    // Outputs, and the loss with its inputs checked by the loss function.
    const out = learn.predict(x);
    const outShape = out.shape;
    const counts = tf.tidy(() =>
      tf.stack([tf.sum(tf.cast(tf.isNaN(out), 'int32')), tf.sum(tf.cast(tf.isInf(out), 'int32'))]),
    );
    const [nan, inf] = Array.from(await counts.data());
    const probabilities = await rowsAreProbabilities(out);
    tf.dispose([out, counts]);
    add(
      'finite outputs',
      nan === 0 && inf === 0,
      nan === 0 && inf === 0
        ? `outputs of shape [${outShape.join(', ')}] are all finite`
        : `outputs hold ${nan} NaN and ${inf} infinite values; look for divisions by zero, log of 0 or exploding weights (run ModelDebugger's checkWeightDistribution)`,
    );
    activationCheck(learn.lossFunc.lossName, probabilities, add);
    let loss0: number;
    try {
      const l = lossOf();
      loss0 = (await l.data())[0]!;
      l.dispose();
      add(
        'finite loss',
        Number.isFinite(loss0),
        Number.isFinite(loss0)
          ? `loss on the first batch is ${fmt(loss0)}`
          : `loss on the first batch is ${loss0}; check the targets against the loss function and the outputs`,
      );
    } catch (e) {
      add('finite loss', false, `the loss function failed: ${(e as Error).message}`);
      loss0 = Number.NaN;
    }
    const vocab = learn.vocab;
    const last = outShape.at(-1);
    if (!vocab) {
      add(
        'output size matches vocab',
        null,
        'the learner has no vocab (not a classifier, or no class names given)',
      );
    } else {
      const binary =
        last === 1 && vocab.length === 2 && learn.lossFunc.lossName === 'binaryCrossEntropy';
      const ok = last === vocab.length || binary;
      add(
        'output size matches vocab',
        ok,
        ok
          ? `${last} output${last === 1 ? '' : 's'} per item for ${vocab.length} classes`
          : `the model outputs ${last} scores per item but the vocab has ${vocab.length} classes; give the last layer ${vocab.length} units`,
      );
    }
    const model = learn.layersModel;
    if (!model) {
      const why =
        'the model is a plain function: its variables are unknown, so it cannot be trained and restored safely';
      add('gradients reach every trainable layer', null, why);
      add('loss decreases when overfitting one batch', null, why);
    } else if (!Number.isFinite(loss0)) {
      const why = 'the loss is not finite, so gradients mean nothing yet';
      add('gradients reach every trainable layer', null, why);
      add('loss decreases when overfitting one batch', null, why);
    } else {
      await gradientCheck(learn, x, y, add);
      await overfitCheck(learn, x, y, lr, steps, loss0, lossOf, add);
    }
  } finally {
    tf.dispose([x, y]);
  }
  const passed = checks.every((c) => c.status !== 'failed');
  const text = `${checks
    .map(
      (c) =>
        `[${c.status === 'passed' ? 'PASS' : c.status === 'failed' ? 'FAIL' : 'SKIP'}] ${c.name}: ${c.message}`,
    )
    .join(
      '\n',
    )}\n${passed ? 'All checks passed.' : `${checks.filter((c) => c.status === 'failed').length} check(s) failed.`}\n`;
  return { passed, checks, text, toString: () => text };
}

/** Every weight finite, checked directly: a NaN can hide behind a max-pool or a ReLU downstream. */
async function weightsCheck(
  learn: Learner,
  add: (name: string, ok: boolean | null, message: string) => void,
): Promise<void> {
  const model = learn.layersModel;
  const name = 'finite weights';
  if (!model) {
    add(name, null, 'the model is a plain function: its weights are unknown');
    return;
  }
  const layers = leafLayers(model).filter((l) => l.weights.length > 0);
  if (layers.length === 0) {
    add(name, null, 'the model has no weights');
    return;
  }
  const counts = tf.tidy(() =>
    tf.stack(
      layers.map((l) =>
        tf.addN(
          l.weights.map((w) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w.read())), 'int32'))),
        ),
      ),
    ),
  );
  const bad = await counts.data();
  counts.dispose();
  const named = layers.flatMap((l, i) => (bad[i]! > 0 ? [`${l.name} (${bad[i]})`] : []));
  add(
    name,
    named.length === 0,
    named.length === 0
      ? `all weights of the ${layers.length} layers with weights are finite`
      : `non-finite (NaN or infinite) weights in ${named.join(', ')}; reinitialize or reload them, and lower the learning rate if training made them`,
  );
}

// Rows of a softmax output lie in [0, 1] and sum to 1 up to float32 rounding.
const PROBABILITY_SUM_TOLERANCE = 1e-4;

/** True when every row (last axis, more than one class) is in [0, 1] and sums to 1. */
async function rowsAreProbabilities(out: tf.Tensor): Promise<boolean> {
  if (out.rank < 2 || out.shape.at(-1)! < 2 || out.size === 0) return false;
  const verdict = tf.tidy(() => {
    const inRange = tf.all(tf.logicalAnd(tf.greaterEqual(out, 0), tf.lessEqual(out, 1)));
    const sumsToOne = tf.all(
      tf.lessEqual(tf.abs(tf.sub(tf.sum(out, -1), 1)), PROBABILITY_SUM_TOLERANCE),
    );
    return tf.logicalAnd(inRange, sumsToOne);
  });
  const ok = (await verdict.data())[0] === 1;
  verdict.dispose();
  return ok;
}

/** Cross-entropy from logits applies softmax: on outputs that are already probabilities, twice. */
function activationCheck(
  lossName: string,
  probabilities: boolean,
  add: (name: string, ok: boolean | null, message: string) => void,
): void {
  const name = 'loss fits the output activation';
  if (probabilities && lossName === 'crossEntropy') {
    add(
      name,
      false,
      'the outputs are already probabilities (every row in [0, 1] sums to 1: the model ends in softmax) but the loss, cross-entropy from logits, applies softmax again, which trains to flat, useless probabilities; pass lossFunc: crossEntropyFromProbsPerItem, or drop the final softmax',
    );
  } else if (!probabilities && lossName === 'crossEntropyFromProbs') {
    add(
      name,
      false,
      'the loss, cross-entropy from probabilities, expects rows in [0, 1] summing to 1 but the outputs are not; end the model in softmax, or use crossEntropyPerItem (from logits)',
    );
  } else if (lossName === 'crossEntropy' || lossName === 'crossEntropyFromProbs') {
    add(
      name,
      true,
      probabilities
        ? 'the outputs are probabilities and the loss is cross-entropy from probabilities'
        : 'the outputs are scores (logits) and the loss is cross-entropy from logits',
    );
  } else {
    add(
      name,
      null,
      `only the softmax cross-entropy losses are checked against the outputs; the loss is ${lossName}`,
    );
  }
}

async function gradientCheck(
  learn: Learner,
  x: tf.Tensor,
  y: tf.Tensor,
  add: (name: string, ok: boolean | null, message: string) => void,
): Promise<void> {
  const layers = leafLayers(learn.layersModel!).filter((l) => l.trainableWeights.length > 0);
  const vars = layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  if (vars.length === 0) {
    add('gradients reach every trainable layer', null, 'the model has no trainable weights');
    return;
  }
  const { value, grads } = tf.variableGrads(
    () => tf.mean(learn.lossFunc(learn.predict(x, { training: true }), y)) as tf.Scalar,
    vars,
  );
  const perLayer = tf.tidy(() =>
    tf.stack(
      layers.map((l) => {
        const gs = l.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
        const abs = tf.addN(gs.map((g) => tf.sum(tf.abs(g))));
        const bad = tf.addN(
          gs.map((g) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(g)), 'float32'))),
        );
        return tf.stack([abs, bad]);
      }),
    ),
  );
  const data = await perLayer.data();
  tf.dispose([value, perLayer, ...Object.values(grads)]);
  const zero: string[] = [];
  const nonFinite: string[] = [];
  layers.forEach((l, i) => {
    if (data[2 * i + 1]! > 0) nonFinite.push(l.name);
    else if (!(data[2 * i]! > 0)) zero.push(l.name);
  });
  const ok = zero.length === 0 && nonFinite.length === 0;
  add(
    'gradients reach every trainable layer',
    ok,
    ok
      ? `all ${layers.length} layers with trainable weights get nonzero, finite gradients`
      : [
          zero.length
            ? `no gradient reaches ${zero.join(', ')} (a zero weight path, a dead activation or a detached branch)`
            : '',
          nonFinite.length ? `non-finite gradients in ${nonFinite.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
  );
}

async function overfitCheck(
  learn: Learner,
  x: tf.Tensor,
  y: tf.Tensor,
  lr: number,
  steps: number,
  loss0: number,
  lossOf: () => tf.Scalar,
  add: (name: string, ok: boolean | null, message: string) => void,
): Promise<void> {
  const model = learn.layersModel!;
  const saved = model.weights.map((w) => tf.clone(w.read()));
  const optimizer = tf.train.adam(lr);
  let loss1: number;
  try {
    const varList = learn.trainableVariables();
    for (let s = 0; s < steps; s++) {
      const cost = optimizer.minimize(
        () => tf.mean(learn.lossFunc(learn.predict(x, { training: true }), y)) as tf.Scalar,
        true,
        varList,
      );
      cost?.dispose();
    }
    const l = lossOf();
    loss1 = (await l.data())[0]!;
    l.dispose();
  } finally {
    model.weights.forEach((w, k) => {
      w.write(saved[k]!);
    });
    tf.dispose(saved);
    optimizer.dispose();
  }
  const ok = loss1 < loss0;
  add(
    'loss decreases when overfitting one batch',
    ok,
    `loss went from ${fmt(loss0)} to ${fmt(loss1)} in ${steps} Adam steps at lr ${lr} on one batch${ok ? '' : '; the model cannot fit even one batch: check the learning rate, the loss function and that the weights train'}`,
  );
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : String(v);
}
