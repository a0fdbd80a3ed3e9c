import type { AffinePrefix, Dim } from '@interp/core';
import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import type { Step } from './graph-plan.js';
import type { OnnxNode, Value } from './ops/op-types.js';
import { recordingGradients } from './ops/recording-gradients.js';
import {
  type BackwardPlan,
  forwardRelease,
  NoTapeFreeGradient,
  tapeFreeGradient,
} from './tape-free-gradient.js';

/** The affine prefix of an ONNX graph: the steps of the chain and the value the tail reads. */
export interface PrefixChain {
  /** Indices of the chain's steps, in execution order. */
  readonly steps: readonly number[];
  /** The last step's main output: the tail's input. */
  readonly output: string;
}

/**
 * Ops affine in their one non-constant input (the others constant), given where that input sits:
 * true when the node, with its attributes, maps each batch row on its own. Batch-mixing uses
 * (a transposed Gemm input, a Transpose moving axis 0) are not affine per row and end the chain.
 */
const affineOps: Readonly<Record<string, (node: OnnxNode, slot: number) => boolean>> = {
  Conv: (_, slot) => slot === 0,
  Gemm: (node, slot) => slot === 0 && node.attrs.int('transA', 0) === 0,
  MatMul: (_, slot) => slot === 0,
  BatchNormalization: (node, slot) => slot === 0 && node.attrs.int('training_mode', 0) === 0,
  Add: (_, slot) => slot <= 1,
  Sub: (_, slot) => slot <= 1,
  Mul: (_, slot) => slot <= 1,
  Div: (_, slot) => slot === 0,
  Pad: (node, slot) => slot === 0 && node.attrs.string('mode', 'constant') === 'constant',
  Reshape: (_, slot) => slot === 0,
  Flatten: (node, slot) => slot === 0 && node.attrs.int('axis', 1) >= 1,
  Transpose: (node, slot) => slot === 0 && (node.attrs.ints('perm') ?? [])[0] === 0,
  Identity: (_, slot) => slot === 0,
  Dropout: (_, slot) => slot === 0,
};

/**
 * The maximal chain of nodes from the graph input that are affine in their one non-constant
 * input ({@link affineOps}, every other input a constant: an initializer or a folded value), each
 * node's output read by the next node only (the last one's by any tail nodes), and only the main
 * output of each read. A chain reaching the graph output gives its last node back to the tail, so
 * the tail is never empty. Undefined when the first node is not affine. A static check: the
 * caller also checks on a dry run that every value keeps the batch on axis 0.
 */
export function findAffinePrefix(
  steps: readonly Step[],
  inputName: string,
  outputName: string,
  isConstant: (name: string) => boolean,
): PrefixChain | undefined {
  const readers = new Map<string, number[]>();
  steps.forEach((step, i) => {
    for (const name of new Set(step.node.inputs)) {
      if (name) readers.set(name, [...(readers.get(name) ?? []), i]);
    }
  });
  const chain: number[] = [];
  let current = inputName;
  for (;;) {
    const next = readers.get(current) ?? [];
    if (current === outputName || next.length !== 1) break;
    const { node } = steps[next[0]!]!;
    const slot = node.inputs.indexOf(current);
    const once = node.inputs.filter((name) => name === current).length === 1;
    const othersConstant = node.inputs.every((name, k) => k === slot || !name || isConstant(name));
    const unusedExtras = node.outputs
      .slice(1)
      .every((name) => !name || (name !== outputName && !readers.has(name)));
    const affine = affineOps[node.opType]?.(node, slot) ?? false;
    if (!once || !othersConstant || !unusedExtras || !affine || !node.outputs[0]) break;
    chain.push(next[0]!);
    current = node.outputs[0];
  }
  if (current === outputName) chain.pop();
  if (chain.length === 0) return undefined;
  return { steps: chain, output: steps[chain.at(-1)!]!.node.outputs[0]! };
}

/** The chain up to (not including) its `end`-th step; undefined when nothing is left. */
export function truncatePrefix(
  chain: PrefixChain,
  steps: readonly Step[],
  end: number,
): PrefixChain | undefined {
  if (end <= 0) return undefined;
  const kept = chain.steps.slice(0, end);
  return { steps: kept, output: steps[kept.at(-1)!]!.node.outputs[0]! };
}

/** How the prefix runs a part of the model: the executor, from `start`, only the steps `runs` takes. */
export type PartRunner = (
  start: readonly [string, Value],
  runs: (index: number) => boolean,
  tapped: ReadonlySet<string>,
  after?: (index: number, values: ReadonlyMap<string, Value>) => void,
) => ReadonlyMap<string, Value>;

/**
 * The {@link AffinePrefix} of an ONNX model for a chain {@link findAffinePrefix} found: a dry run
 * on zeros of `item` (batch first) cuts the chain before any value that does not keep the batch
 * on axis 0 and tells the layout the tail reads (a conv's output stays channels-last). The prefix
 * runs unfused (the tail starts at the activation a conv would otherwise apply itself); J^T g is
 * the tape-free backward walk of the prefix's steps. Undefined when the dry run leaves no chain.
 */
export function affinePrefixOf(
  found: PrefixChain,
  plan: BackwardPlan,
  item: readonly number[],
  run: PartRunner,
  checks: { input: (x: tf.Tensor) => void; alive: () => void },
): AffinePrefix | undefined {
  const steps = plan.steps;
  const [batch, ...rest] = item as [number, ...number[]];
  const probe = tf.tidy(() => {
    const inChain = new Set(found.steps);
    const last = new Set([steps[found.steps.at(-1)!]!.node.name]);
    const values = run(
      [plan.inputName, { tensor: tf.zeros([...item]) }],
      (i) => inChain.has(i),
      last,
    );
    const outs = found.steps.map((i) => values.get(steps[i]!.node.outputs[0]!));
    const bad = outs.findIndex((v) => v === undefined || v.tensor.shape[0] !== batch);
    return outs.slice(0, bad < 0 ? outs.length : bad).map((v, k) => ({
      nhwc: v!.nhwc === true,
      shape: v!.tensor.shape.slice(1),
      macs: macsPerOutput(steps[found.steps[k]!]!.node, values),
    }));
  });
  const chain =
    probe.length === found.steps.length ? found : truncatePrefix(found, steps, probe.length);
  if (chain === undefined) return undefined;
  const { nhwc, shape } = probe[chain.steps.length - 1]!;
  const macs = probe.slice(0, chain.steps.length).reduce((sum, p) => sum + p.macs, 0);
  const inChain = new Set(chain.steps);
  const lastNode = steps[chain.steps.at(-1)!]!.node.name;
  const last = new Set([lastNode]);
  const prefixPlan = { ...plan, outputName: chain.output };
  const tailPlan = { ...plan, inputName: chain.output };
  const checkPrefixTensor = (t: tf.Tensor, what: string) => {
    checks.alive();
    const fits =
      t instanceof tf.Tensor &&
      t.rank === shape.length + 1 &&
      shape.every((d, k) => d === t.shape[k + 1]);
    if (!fits) {
      const got = t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : String(t);
      throw new InterpError(
        'SHAPE_MISMATCH',
        `OnnxModel.affinePrefix: ${what} must be shaped like apply's output, [N, ${shape.join(', ')}], got ${got}; pass rows made from apply's outputs`,
      );
    }
  };
  return {
    node: lastNode,
    macsPerOutput: macs,
    apply(x) {
      checks.alive();
      checks.input(x);
      return tf.tidy(() => {
        const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
        const values = run([plan.inputName, { tensor: input }], (i) => inChain.has(i), last);
        const out = values.get(chain.output)!.tensor;
        return out === x ? tf.clone(out) : out;
      });
    },
    transpose(g) {
      checkPrefixTensor(g, 'the gradient');
      return tf.tidy(() => {
        // The walk's per-node vjps may rerun a node on its inputs: any point will do (P is
        // affine), so the prefix runs on zeros.
        const zeros = tf.zeros([g.shape[0]!, ...rest]);
        try {
          const values = run([plan.inputName, { tensor: zeros }], (i) => inChain.has(i), last);
          return tapeFreeGradient(prefixPlan, values, zeros, () => tf.clone(g), 'storage').gradient;
        } catch (e) {
          if (!(e instanceof NoTapeFreeGradient)) throw e;
          return tf.grad((z: tf.Tensor) => {
            const values = run([plan.inputName, { tensor: z }], (i) => inChain.has(i), last);
            return tf.sum(tf.mul(values.get(chain.output)!.tensor, g));
          })(zeros);
        }
      });
    },
    tailGradient(a, seed) {
      checkPrefixTensor(a, 'the tail input');
      if (a.dtype !== 'float32' || recordingGradients()) return undefined;
      try {
        return tf.tidy(() => {
          const start = [chain.output, { tensor: a, nhwc }] as const;
          const values = run(start, (i) => !inChain.has(i), new Set(), forwardRelease(tailPlan));
          return tapeFreeGradient(tailPlan, values, a, seed);
        });
      } catch (e) {
        if (e instanceof NoTapeFreeGradient) return undefined;
        throw e;
      }
    },
  };
}

/**
 * Multiply-adds per output value of a prefix node: a conv's kernel size times its input channels
 * per group, a Gemm's or MatMul's inner dimension, 1 for the element-wise ops, 0 for the ones that
 * move values.
 */
function macsPerOutput(node: OnnxNode, values: ReadonlyMap<string, Value>): number {
  const weight = values.get(node.inputs[1] ?? '')?.tensor.shape;
  switch (node.opType) {
    case 'Conv':
      return weight ? weight.slice(1).reduce((a, b) => a * b, 1) : 0;
    case 'Gemm':
      return weight ? weight[node.attrs.int('transB', 0) === 1 ? 1 : 0]! : 0;
    case 'MatMul':
      return weight && weight.length >= 2 ? weight.at(-2)! : 1;
    case 'BatchNormalization':
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return 1;
    default:
      return 0;
  }
}

/**
 * The affine prefix of an ONNX model ({@link findAffinePrefix}, checked and wired by
 * {@link affinePrefixOf}): Conv, Gemm, MatMul, BatchNormalization, Add/Sub/Mul/Div by a
 * constant, constant Pad, Reshape, Flatten, Transpose, Identity, Dropout. Undefined when there is
 * none, the batch is fixed (the tail's rows, steps x items, would not fit it, as whole-model rows
 * do not) or the input has free dimensions besides the batch.
 */
export function onnxAffinePrefix(model: {
  plan: BackwardPlan;
  inputShape: readonly Dim[];
  isConstant: (name: string) => boolean;
  run: PartRunner;
  checks: { input: (x: tf.Tensor) => void; alive: () => void };
}): AffinePrefix | undefined {
  const [batch, ...rest] = model.inputShape;
  if (batch !== null || rest.some((d) => d === null)) return undefined;
  const { plan } = model;
  const chain = findAffinePrefix(plan.steps, plan.inputName, plan.outputName, model.isConstant);
  if (chain === undefined) return undefined;
  return affinePrefixOf(chain, plan, [2, ...(rest as number[])], model.run, model.checks);
}
