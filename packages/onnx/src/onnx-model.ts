import {
  type AffinePrefix,
  applyHook,
  type Dim,
  findNode,
  type GraphNode,
  type GraphParameter,
  type GraphRunOptions,
  type GraphRunResult,
  type ImageLayout,
  type ModelGraph,
  type NodeHook,
  replacementOf,
} from '@interp/core';
import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { onnxAffinePrefix } from './affine-prefix.js';
import type { GraphPlan, MutableNode, Step } from './graph-plan.js';
import { type MemoStore, makeContext } from './op-context.js';
import { nchw } from './ops/layout.js';
import type { FusedActivation, Value } from './ops/op-types.js';
import { recordingGradients } from './ops/recording-gradients.js';
import { forwardRelease, NoTapeFreeGradient, tapeFreeGradient } from './tape-free-gradient.js';

/**
 * An ONNX model executed node by node with tfjs ops: a {@link ModelGraph} whose `run` is
 * differentiable, with taps and hooks on any node. Made by `loadOnnxModel`; `dispose()` frees its
 * weights.
 *
 * @example
 * ```ts
 * const model = await loadOnnxModel('resnet18.onnx');
 * const { output, taps } = model.run(x, { taps: ['layer4'] });
 * ```
 */
export class OnnxModel implements ModelGraph {
  readonly kind = 'onnx' as const;
  readonly inputShape: readonly Dim[];
  readonly outputShape: readonly Dim[];
  readonly layout: ImageLayout;
  /** Opset of the default ONNX domain the model was exported with. */
  readonly opset: number;
  private readonly steps: Step[];
  private readonly publicNodes: MutableNode[];
  private readonly memos: MemoStore = new Map();
  private shapesInferred = false;
  private disposed = false;
  /** The affine prefix once looked for; null: the model has none. */
  private prefix: AffinePrefix | null | undefined;

  /** @internal Built by loadOnnxModel from a validated plan and its constants (owned from now on). */
  constructor(
    private readonly plan: GraphPlan,
    private readonly constants: Map<string, Value>,
    private readonly folded: ReadonlySet<number>,
    opset: number,
  ) {
    this.steps = plan.steps;
    this.publicNodes = plan.nodes;
    this.inputShape = plan.inputShape;
    this.outputShape = plan.outputShape;
    this.opset = opset;
    this.layout = plan.layout;
  }

  /** Nodes in execution order; output shapes are inferred on first access (two dry runs). */
  get nodes(): readonly GraphNode[] {
    if (!this.shapesInferred) this.inferShapes();
    return this.publicNodes;
  }

  findNode(query: string): GraphNode {
    return findNode(this.nodes, query, 'layer');
  }

  predict(x: tf.Tensor): tf.Tensor {
    return this.run(x).output;
  }

  run(x: tf.Tensor, options: GraphRunOptions = {}): GraphRunResult {
    this.assertAlive();
    this.checkInput(x);
    if (options.training) {
      // An export is an inference graph: Dropout is the identity, BN uses running statistics.
      throw new InterpError(
        'NOT_SUPPORTED',
        'OnnxModel.run: training mode is not supported (an ONNX export is an inference graph); run without { training: true }',
      );
    }
    const taps = (options.taps ?? []).map((q) => [q, this.findNode(q).name] as const);
    const hooks = new Map<string, NodeHook>();
    for (const [q, hook] of Object.entries(options.hooks ?? {}))
      hooks.set(this.findNode(q).name, hook);
    const tapped = new Set(taps.map(([, name]) => name));
    return tf.tidy(() => {
      const values = this.execute(x, hooks, tapped);
      const owned = (v: Value) => {
        const t = nchw(v);
        // The caller disposes what run returns: never hand out a weight or the input itself.
        return t === x || v.constant ? tf.clone(t) : t;
      };
      const output = owned(values.get(this.plan.outputName)!);
      const tapValues: Record<string, tf.Tensor> = {};
      for (const [query, name] of taps) {
        const node = this.publicNodes.find((n) => n.name === name)!;
        tapValues[query] = owned(values.get(node.outputs[0]!)!);
      }
      return { output, taps: tapValues };
    });
  }

  /**
   * The gradient of a score of the outputs with respect to x, and the outputs, from one forward
   * pass and a backward walk of the graph without the gradient tape (see `tapeFreeGradient`):
   * what core's `targetInputGradient` uses for ONNX models. `seed` maps the outputs to
   * d(score)/d(outputs). Undefined when a node on the way cannot be differentiated this way (the
   * caller then uses tf.grad); both tensors are the caller's.
   *
   * @example
   * ```ts
   * const r = model.inputGradient(x, (out) => tf.oneHot(tf.argMax(out, 1), out.shape[1]!));
   * ```
   */
  inputGradient(
    x: tf.Tensor,
    seed: (outputs: tf.Tensor) => tf.Tensor,
  ): { outputs: tf.Tensor; gradient: tf.Tensor } | undefined {
    this.assertAlive();
    this.checkInput(x);
    if (x.dtype !== 'float32' || recordingGradients()) return undefined;
    const plan = { ...this.plan, opset: this.opset, memos: this.memos };
    try {
      return tf.tidy(() => {
        const values = this.execute(x, new Map(), new Set(), forwardRelease(plan));
        return tapeFreeGradient(plan, values, x, seed);
      });
    } catch (e) {
      if (e instanceof NoTapeFreeGradient) return undefined;
      throw e;
    }
  }

  /**
   * The affine chain the graph starts with (see `onnxAffinePrefix`), split from the rest of the
   * graph; undefined when there is none. Found once (a dry run of the chain).
   *
   * @example
   * ```ts
   * const prefix = model.affinePrefix(); // ResNet-18: the first Conv (BatchNorm folded in)
   * ```
   */
  affinePrefix(): AffinePrefix | undefined {
    this.assertAlive();
    if (this.prefix === undefined) {
      this.prefix =
        onnxAffinePrefix({
          plan: { ...this.plan, opset: this.opset, memos: this.memos },
          inputShape: this.inputShape,
          isConstant: (name) => this.constants.get(name)?.constant === true,
          run: (start, runs, tapped, after) => this.execute(start, new Map(), tapped, after, runs),
          checks: { alive: () => this.assertAlive(), input: (x) => this.checkInput(x) },
        }) ?? null;
    }
    return this.prefix ?? undefined;
  }

  /** The float initializers each node reads (its `params`), each once; constants, not trainable. */
  parameters(): readonly GraphParameter[] {
    this.assertAlive();
    const seen = new Set<string>();
    return this.publicNodes.flatMap((node) =>
      node.params === 0
        ? []
        : node.inputs.flatMap((name) => {
            const value = this.constants.get(name);
            if (value?.tensor.dtype !== 'float32' || seen.has(name)) return [];
            seen.add(name);
            return [{ name, node: node.name, value: value.tensor, trainable: false }];
          }),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.constants.values()) v.tensor.dispose();
    for (const t of this.memos.values()) t.dispose();
    this.memos.clear();
  }

  /**
   * `after` is called after each step that ran, with the values so far (see forwardRelease). `x`
   * is the model input, or a value and what it stands for (an affine prefix's output), with `runs`
   * the steps to run (the prefix, or the rest).
   */
  private execute(
    x: tf.Tensor | readonly [string, Value],
    hooks: ReadonlyMap<string, NodeHook>,
    tapped: ReadonlySet<string>,
    after?: (index: number, values: ReadonlyMap<string, Value>) => void,
    runs?: (index: number) => boolean,
  ) {
    const values = new Map<string, Value>(this.constants);
    if (x instanceof tf.Tensor) {
      const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      values.set(this.plan.inputName, { tensor: input });
    } else {
      values.set(x[0], x[1]);
    }
    const fusedInto = new Set<number>();
    const needed = this.neededSteps(hooks, tapped);
    this.steps.forEach((step, i) => {
      const { node } = step;
      const hook = hooks.get(node.name);
      if (!needed[i] || (this.folded.has(i) && hook === undefined)) return;
      if (runs && !runs(i)) return;
      const replacement = hook && this.replacingOutput(hook, i);
      if (replacement) {
        values.set(node.outputs[0]!, { tensor: replacement });
        return;
      }
      const inputs = node.inputs.map((name) => (name ? values.get(name) : undefined));
      let outputs: Value[];
      if (fusedInto.has(i)) {
        outputs = [inputs[0]!];
      } else {
        const activation = this.fusableActivation(step, hooks, tapped, values);
        if (activation) fusedInto.add(step.activationStep!);
        const result = this.folded.has(i)
          ? node.outputs.map((o) => values.get(o)!)
          : step.kernel(makeContext(node, inputs, this.opset, this.memos, activation));
        outputs = Array.isArray(result) ? result : [result];
      }
      if (hook) outputs[0] = this.applyNodeHook(hook, i, outputs[0]!, inputs);
      node.outputs.forEach((name, k) => {
        if (name && outputs[k]) values.set(name, outputs[k]!);
      });
      after?.(i, values);
    });
    return values;
  }

  /**
   * Which steps this run needs: those on a path to the output or a tap, stopping at a node a
   * `replaceOutput` hook stands in for, so GradCAM's differentiated pass runs the head alone.
   */
  private neededSteps(
    hooks: ReadonlyMap<string, NodeHook>,
    tapped: ReadonlySet<string>,
  ): boolean[] {
    const wanted = new Set([this.plan.outputName]);
    const needed = this.steps.map(() => false);
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const { node } = this.steps[i]!;
      if (!tapped.has(node.name) && !node.outputs.some((o) => wanted.has(o))) continue;
      needed[i] = true;
      const hook = hooks.get(node.name);
      if (hook && node.outputs.length === 1 && replacementOf(hook)) continue;
      for (const input of node.inputs) wanted.add(input);
    }
    return needed;
  }

  /** The (NCHW) tensor a replacing hook gives for a single-output node, checked against its shape. */
  private replacingOutput(hook: NodeHook, i: number): tf.Tensor | undefined {
    const value = replacementOf(hook);
    const node = this.publicNodes[i]!;
    if (!value || node.outputs.length !== 1) return undefined;
    const shape = node.outputShape;
    const fits =
      shape === undefined ||
      (value.rank === shape.length && shape.every((d, k) => d === null || d === value.shape[k]));
    if (!fits) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `the hook on ${JSON.stringify(node.name)} returned shape [${value.shape.join(', ')}] for an output of shape [${shape!.map((d) => d ?? 'N').join(', ')}]; a replacement must keep the shape`,
      );
    }
    return value;
  }

  /**
   * The activation a Conv may apply itself: its only consumer is a Relu (or a Clip to [0, 6] or
   * [0, inf)), neither node is hooked and the Conv is not tapped.
   */
  private fusableActivation(
    step: Step,
    hooks: ReadonlyMap<string, NodeHook>,
    tapped: ReadonlySet<string>,
    values: ReadonlyMap<string, Value>,
  ): FusedActivation | undefined {
    if (step.activationStep === undefined) return undefined;
    const next = this.steps[step.activationStep]!.node;
    if (hooks.has(step.node.name) || hooks.has(next.name) || tapped.has(step.node.name))
      return undefined;
    if (next.opType === 'Relu') return 'relu';
    const bound = (k: number, attr: string, fallback: number) => {
      if (this.opset < 11) return next.attrs.float(attr, fallback);
      const name = next.inputs[k];
      if (!name) return fallback;
      const host = values.get(name)?.host;
      return host && host.data.length === 1 ? host.data[0]! : Number.NaN;
    };
    const lo = bound(1, 'min', -Infinity);
    const hi = bound(2, 'max', Infinity);
    if (lo === 0 && hi === 6) return 'relu6';
    if (lo === 0 && hi === Infinity) return 'relu';
    return undefined;
  }

  /** Hooks see and return ONNX's layout (NCHW); an untouched NHWC output stays NHWC. */
  private applyNodeHook(
    hook: NodeHook,
    i: number,
    out: Value,
    inputs: (Value | undefined)[],
  ): Value {
    const shown = nchw(out);
    const context = {
      node: this.publicNodes[i]!,
      inputs: inputs.filter((v): v is Value => v !== undefined).map(nchw),
    };
    const replaced = applyHook(hook, shown, context);
    return replaced === shown ? out : { tensor: replaced };
  }

  private checkInput(x: tf.Tensor): void {
    if (!(x instanceof tf.Tensor)) {
      throw new InterpError('INVALID_ARGUMENT', 'OnnxModel.run: the input must be a tf.Tensor');
    }
    const want = this.inputShape;
    const fits = x.rank === want.length && want.every((d, i) => d === null || d === x.shape[i]);
    if (!fits) {
      const layout =
        this.layout === 'NCHW'
          ? ' (NCHW: batch, channels, height, width)'
          : this.layout === 'NHWC'
            ? ' (NHWC: batch, height, width, channels)'
            : '';
      throw new InterpError(
        'SHAPE_MISMATCH',
        `OnnxModel.run: the model expects an input of shape [${want.map((d) => d ?? 'any').join(', ')}]${layout}, got [${x.shape.join(', ')}]; reshape or transpose the input`,
      );
    }
  }

  /**
   * Static shapes from two dry runs on zeros (batch 1 and batch 2): dims that change with the
   * batch become null (one run when the batch is fixed). Left undefined when the input has free
   * dims besides the batch.
   */
  private inferShapes(): void {
    this.shapesInferred = true;
    const [batch, ...rest] = this.inputShape;
    if (rest.some((d) => d === null) || this.disposed) return;
    const shapesAt = (n: number) =>
      tf.tidy(() => {
        const values = this.execute(tf.zeros([n, ...(rest as number[])]), new Map(), new Set());
        return this.publicNodes.map((node) => {
          const v = values.get(node.outputs[0]!);
          if (!v) return undefined;
          const s = v.tensor.shape;
          return v.nhwc ? [s[0]!, s[3]!, s[1]!, s[2]!] : [...s];
        });
      });
    try {
      const one = shapesAt(batch ?? 1);
      const two = batch === null ? shapesAt(2) : one;
      this.publicNodes.forEach((node, i) => {
        const a = one[i];
        const b = two[i];
        if (a && b && a.length === b.length)
          node.outputShape = a.map((d, k) => (d === b[k] ? d : null));
      });
    } catch {
      // A model that cannot run on zeros keeps unknown shapes; run() will report the problem.
    }
  }

  private assertAlive(): void {
    if (this.disposed) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'OnnxModel.run: the model was disposed; load it again',
      );
    }
  }
}
