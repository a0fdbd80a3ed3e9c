import { type Activation, InterpError, type Learner, resolveActivation } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import type { LoaderData } from './loader-data.js';

/**
 * One model evaluation: the rows it scores (all when null), with `columns` taken from the data
 * rows `source` (one per scored row; a permutation) or set to the constants `values`.
 */
export interface Job {
  rows: Int32Array | null;
  columns: readonly number[];
  source?: Int32Array;
  values?: readonly number[];
}

/** The model as used by the engine: a batch of rows to activated outputs. */
export type Predict = (x: tf.Tensor) => tf.Tensor;

/** A learner's predictions with an activation (default the loss function's). */
export function predictorOf(learn: Learner, act: Activation | undefined): Predict {
  if (!learn || typeof learn.predict !== 'function' || !learn.lossFunc) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `expected a Learner (Learner.fromLayersModel, learnerFromFunction, tabularLearner), got ${describe(learn)}`,
    );
  }
  const activation = resolveActivation(act, learn.lossFunc.activation);
  return (x) => activation(learn.predict(x));
}

/** Model input elements per call when the caller does not say (1 MB of float32: big enough to
 * amortize each call, small enough for the activations to stay in cache). */
export const DEFAULT_BATCH_ELEMENTS = 2 ** 18;

/**
 * Evaluates `jobs` in order: the rows of consecutive jobs are packed into large batches (up to
 * `batchRows` rows per model call), each batch's outputs are read once, and `onJob` gets each
 * job's activated outputs (`[rows, nOutputs]`) as soon as the job is complete. Predictions with
 * NaN are an error, never a silent score.
 */
export async function runJobs(
  predict: Predict,
  data: LoaderData,
  jobs: readonly Job[],
  batchRows: number,
  onJob: (index: number, preds: Float32Array | Int32Array, nOutputs: number) => void,
  onProgress?: (done: number, total: number) => void,
  labels = false,
): Promise<void> {
  const { x, nRows, nCols: F } = data;
  // In label mode each row yields one value (its predicted class) instead of nOutputs.
  const perRow = (nOut: number) => (labels ? 1 : nOut);
  const rowsOf = (j: Job) => (j.rows ? j.rows.length : nRows);
  const totalRows = jobs.reduce((a, j) => a + rowsOf(j), 0);
  let doneRows = 0;
  const progress = (rows: number) => {
    doneRows += rows;
    onProgress?.(doneRows, totalRows);
  };
  if (jobs.every((j) => j.rows === null) && nRows <= batchRows) {
    // Every job is the whole table with a few columns changed: keep copies of the table in the
    // batch buffer and write only the changed columns of each job, from contiguous copies of the
    // columns; a slot's columns are restored only when its next job changes other columns.
    const slots = Math.min(jobs.length, Math.floor(batchRows / nRows));
    const buf = new Float32Array(slots * nRows * F);
    for (let s = 0; s < slots; s++) buf.set(x, s * nRows * F);
    const dirty: (readonly number[])[] = Array.from({ length: slots }, () => []);
    const column = columnCache(x, nRows, F);
    for (let start = 0; start < jobs.length; start += slots) {
      const count = Math.min(slots, jobs.length - start);
      for (let s = 0; s < count; s++) {
        const J = jobs[start + s]!;
        const at = s * nRows * F;
        if (!sameColumns(dirty[s]!, J.columns)) {
          for (const c of dirty[s]!) writeColumn(buf, at, F, c, column(c), null, nRows);
        }
        J.columns.forEach((c, k) => {
          if (J.source) writeColumn(buf, at, F, c, column(c), J.source, nRows);
          else if (J.values) fillColumn(buf, at, F, c, J.values[k]!, nRows);
        });
        dirty[s] = J.columns;
      }
      const { preds, nOut } = await predictRows(
        predict,
        buf.subarray(0, count * nRows * F),
        count * nRows,
        F,
        labels,
      );
      const k = perRow(nOut);
      for (let s = 0; s < count; s++) {
        onJob(start + s, preds.subarray(s * nRows * k, (s + 1) * nRows * k), nOut);
      }
      progress(count * nRows);
    }
    return;
  }
  const buf = new Float32Array(Math.min(batchRows, totalRows) * F);
  let job = 0;
  let offset = 0;
  let pending: Float32Array | Int32Array | undefined;
  while (job < jobs.length) {
    const segments: { job: number; offset: number; take: number; at: number }[] = [];
    let used = 0;
    while (job < jobs.length && used < batchRows) {
      const J = jobs[job]!;
      const nJ = rowsOf(J);
      const take = Math.min(nJ - offset, batchRows - used);
      fillRows(buf, used, x, F, J, offset, take);
      segments.push({ job, offset, take, at: used });
      used += take;
      offset += take;
      if (offset === nJ) {
        job++;
        offset = 0;
      }
    }
    const { preds, nOut } = await predictRows(predict, buf.subarray(0, used * F), used, F, labels);
    const k = perRow(nOut);
    for (const s of segments) {
      const nJ = rowsOf(jobs[s.job]!);
      const part = preds.subarray(s.at * k, (s.at + s.take) * k);
      if (s.take === nJ) {
        onJob(s.job, part, nOut);
        continue;
      }
      if (s.offset === 0) pending = labels ? new Int32Array(nJ) : new Float32Array(nJ * nOut);
      pending!.set(part, s.offset * k);
      if (s.offset + s.take === nJ) {
        onJob(s.job, pending!, nOut);
        pending = undefined;
      }
    }
    progress(used);
  }
}

/**
 * One model call on `rows` rows of `input`; the outputs read once and checked for NaN. In label
 * mode the backend also turns each row into its predicted class (argmax, ties to the lower
 * index; `p > 0.5` for one output) and only those labels (and a NaN flag) are read.
 */
async function predictRows(
  predict: Predict,
  input: Float32Array,
  rows: number,
  F: number,
  labels: boolean,
): Promise<{ preds: Float32Array | Int32Array; nOut: number }> {
  const t = tf.tensor2d(input, [rows, F]);
  let out: tf.Tensor | undefined;
  let nOut = 0;
  let preds: Float32Array | Int32Array;
  try {
    out = tf.tidy(() => {
      const p = predict(t);
      if (p.shape[0] !== rows) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `the model returned ${p.shape[0]} rows for ${rows} inputs; it must map [N, ${F}] to [N, outputs]`,
        );
      }
      nOut = p.size / rows;
      if (!labels) return p;
      const p2 = tf.reshape(p, [rows, nOut]);
      const decoded =
        nOut === 1 ? tf.cast(tf.reshape(tf.greater(p2, 0.5), [rows]), 'int32') : tf.argMax(p2, -1);
      // One flag after the labels: the sum of all outputs is NaN when any output is.
      const flag = tf.cast(tf.reshape(tf.isNaN(tf.sum(p2)), [1]), 'int32');
      return tf.concat([decoded, flag]);
    });
    const d = await out.data();
    preds = labels
      ? d instanceof Int32Array
        ? d
        : Int32Array.from(d)
      : d instanceof Float32Array
        ? d
        : Float32Array.from(d);
  } finally {
    t.dispose();
    out?.dispose();
  }
  // (In label mode the flag also trips when +Inf and -Inf meet in the sum; such outputs are as
  // unusable for scoring.)
  if (labels ? preds[rows] !== 0 : hasNaN(preds as Float32Array)) {
    throw new InterpError(
      'NON_FINITE',
      'the model predicted NaN; check the inputs (missing values?) and the model weights',
    );
  }
  return { preds: labels ? preds.subarray(0, rows) : preds, nOut };
}

function hasNaN(preds: Float32Array): boolean {
  // A sum is NaN when any term is (or when +Inf meets -Inf, which the exact scan then clears).
  let sum = 0;
  for (let i = 0; i < preds.length; i++) sum += preds[i]!;
  return Number.isNaN(sum) && preds.some(Number.isNaN);
}

/** Column c of the row-major `[n, F]` table as a contiguous array, extracted once. */
function columnCache(x: Float32Array, n: number, F: number): (c: number) => Float32Array {
  const cache = new Map<number, Float32Array>();
  return (c) => {
    let col = cache.get(c);
    if (!col) {
      col = new Float32Array(n);
      for (let r = 0, src = c; r < n; r++, src += F) col[r] = x[src]!;
      cache.set(c, col);
    }
    return col;
  };
}

/** Writes column c of the table at `at` from `col` (permuted by `source` when given). */
function writeColumn(
  buf: Float32Array,
  at: number,
  F: number,
  c: number,
  col: Float32Array,
  source: Int32Array | null,
  n: number,
): void {
  if (source) for (let r = 0, dst = at + c; r < n; r++, dst += F) buf[dst] = col[source[r]!]!;
  else for (let r = 0, dst = at + c; r < n; r++, dst += F) buf[dst] = col[r]!;
}

function fillColumn(buf: Float32Array, at: number, F: number, c: number, v: number, n: number) {
  for (let r = 0, dst = at + c; r < n; r++, dst += F) buf[dst] = v;
}

function sameColumns(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c, k) => c === b[k]);
}

function fillRows(
  buf: Float32Array,
  at: number,
  x: Float32Array,
  F: number,
  J: Job,
  offset: number,
  take: number,
): void {
  if (J.rows === null) buf.set(x.subarray(offset * F, (offset + take) * F), at * F);
  else {
    for (let r = 0; r < take; r++) {
      const src = J.rows[offset + r]! * F;
      const dst = (at + r) * F;
      for (let c = 0; c < F; c++) buf[dst + c] = x[src + c]!;
    }
  }
  const cols = J.columns;
  if (J.source) {
    const source = J.source;
    for (const c of cols) {
      for (let r = 0, dst = at * F + c; r < take; r++, dst += F) {
        buf[dst] = x[source[offset + r]! * F + c]!;
      }
    }
  } else if (J.values) {
    cols.forEach((c, k) => {
      const v = J.values![k]!;
      for (let r = 0, dst = at * F + c; r < take; r++, dst += F) buf[dst] = v;
    });
  }
}

/** Rows per model call: `batchSize` when given, else enough rows for DEFAULT_BATCH_ELEMENTS inputs. */
export function resolveBatchRows(batchSize: number | undefined, nCols: number): number {
  if (batchSize !== undefined) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `batchSize must be a positive integer (rows per model call), got ${describe(batchSize)}`,
      );
    }
    return batchSize;
  }
  return Math.max(256, Math.floor(DEFAULT_BATCH_ELEMENTS / Math.max(1, nCols)));
}
