import type { Dim, GraphNode, ImageLayout } from '@interp/core';
import { Attributes } from './attributes.js';
import type { HostTensor } from './host-tensor.js';
import { modulePathOf } from './module-path.js';
import { type GraphProto, int64ToNumber, type ValueInfoProto } from './onnx-proto.js';
import type { OnnxNode, OpKernel } from './ops/op-types.js';
import { onnxOps } from './ops/registry.js';

/** One node of the execution plan. */
export interface Step {
  node: OnnxNode;
  kernel: OpKernel;
  /** The Relu or Clip step a Conv may apply itself (its only consumer), when neither is hooked. */
  activationStep?: number;
}

/**
 * Activation nodes a Conv may apply itself when it is their only input (the executor then
 * passes the conv's output through them). The tape-free backward reads their masks off that
 * output: each needs a hand-written vjp there (tape-free-gradient.ts), since the conv's own is
 * linear.
 */
export const FUSABLE_ACTIVATIONS: readonly string[] = ['Relu', 'Clip'];

/** The executable form of a validated graph. */
export interface GraphPlan {
  steps: Step[];
  /** Public descriptions of the steps, same order; outputShape filled in later. */
  nodes: MutableNode[];
  inputName: string;
  inputShape: Dim[];
  /** Image layout of the input (see {@link inputLayout}). */
  layout: ImageLayout;
  outputName: string;
  outputShape: Dim[];
}

export type MutableNode = { -readonly [K in keyof GraphNode]: GraphNode[K] };

/** A value's shape from its type: fixed sizes as numbers, named or unknown dims as null. */
export function dimsOf(info: ValueInfoProto | undefined): Dim[] {
  const dims = info?.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => {
    const v = int64ToNumber(d.dimValue);
    return d.dimParam || v <= 0 ? null : v;
  });
}

/**
 * Builds the plan: unique node names (exports may leave them empty), module paths, parameter
 * counts (the sizes of the initializers a node reads), and Conv -> Relu/Clip pairs a fused conv can run.
 */
export function planGraph(
  graph: GraphProto,
  initializers: ReadonlyMap<string, Pick<HostTensor, 'shape'>>,
): GraphPlan {
  const protoNodes = graph.node ?? [];
  const taken = new Set<string>();
  const steps: Step[] = protoNodes.map((p, i) => {
    const opType = p.opType ?? '';
    let name = p.name || `${opType}_${i}`;
    while (taken.has(name)) name = `${name}_${i}`;
    taken.add(name);
    return {
      node: {
        name,
        opType,
        inputs: [...(p.input ?? [])],
        outputs: [...(p.output ?? [])],
        attrs: new Attributes(p.attribute ?? [], name),
      },
      kernel: onnxOps[opType]!,
    };
  });
  const consumers = new Map<string, number[]>();
  steps.forEach((s, i) => {
    for (const input of s.node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), i]);
  });
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  steps.forEach((s) => {
    if (s.node.opType !== 'Conv') return;
    const out = s.node.outputs[0]!;
    const users = consumers.get(out) ?? [];
    const next = users.length === 1 ? steps[users[0]!]!.node.opType : undefined;
    if (next !== undefined && FUSABLE_ACTIVATIONS.includes(next) && !graphOutputs.has(out))
      s.activationStep = users[0]!;
  });
  const nodes: MutableNode[] = steps.map(({ node }) => {
    const params = node.inputs.reduce((sum, input) => {
      const t = initializers.get(input);
      return sum + (t ? t.shape.reduce((a, b) => a * b, 1) : 0);
    }, 0);
    const modulePath = modulePathOf(node.name);
    return {
      name: node.name,
      op: node.opType,
      inputs: node.inputs,
      outputs: node.outputs,
      outputShape: undefined,
      params,
      trainableParams: params,
      ...(modulePath === undefined ? {} : { modulePath }),
    };
  });
  const initializerNames = new Set(initializers.keys());
  const input = (graph.input ?? []).find((i) => !initializerNames.has(i.name ?? ''));
  const output = (graph.output ?? [])[0];
  const inputName = input?.name ?? '';
  const inputShape = dimsOf(input);
  return {
    steps,
    nodes,
    inputName,
    inputShape,
    layout: inputLayout(steps, inputName, inputShape.length),
    outputName: output?.name ?? '',
    outputShape: dimsOf(output),
  };
}

/**
 * A 4-D input is NCHW (PyTorch exports), unless every node reading it first transposes it with
 * perm [0, 3, 1, 2], as tf2onnx writes for Keras models that take NHWC images.
 */
export function inputLayout(steps: readonly Step[], inputName: string, rank: number): ImageLayout {
  if (rank !== 4) return 'none';
  const readers = steps.filter((s) => s.node.inputs.includes(inputName));
  const fromNhwc = (s: Step) =>
    s.node.opType === 'Transpose' && (s.node.attrs.ints('perm') ?? []).join(',') === '0,3,1,2';
  return readers.length > 0 && readers.every(fromNhwc) ? 'NHWC' : 'NCHW';
}
