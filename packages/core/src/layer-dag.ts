// The tape-free input gradient for tfjs-layers models that are not a chain (residual Add,
// Concatenate, fan-out: MobileNetV2, InceptionV3, ResNets): the layers in topological order, run
// forward once, then backward in reverse order, summing the gradients of a tensor that feeds
// several layers. Each layer's backward pass is layer-chain.ts's. Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type BackwardGraph, walkBackward } from './backward-walk.js';
import { activationBackward, planStep } from './layer-chain.js';
import { fuseSteps } from './layer-step-fusion.js';
import { type ChainActivation, type ChainStep, UnsupportedAtRuntime } from './layer-step-parts.js';
import {
  type ContainerLike,
  isContainer,
  type LayerLike,
  type SymbolicTensorLike,
} from './layers-internals.js';

/** One layer call: reads the tensors in `inputs` slots, writes the `output` slot. */
interface DagNode {
  forward(xs: tf.Tensor[]): tf.Tensor;
  activation: ChainActivation;
  /** Gradients w.r.t. each input given the gradient w.r.t. the pre-activation output. */
  backward(dz: tf.Tensor, xs: tf.Tensor[], y: tf.Tensor): tf.Tensor[];
  inputs: number[];
  output: number;
  /** The one-input layer's step (to fold neighbours together, see layer-step-fusion.ts). */
  step?: ChainStep;
}

/** A model as layer calls in topological order over numbered tensor slots (slot 0: the input). */
export interface LayerDag {
  nodes: DagNode[];
  slots: number;
  output: number;
  /** The output slot of each layer named in planLayerDag's `keep` that has one (see there). */
  kept: Map<string, number>;
}

/** Where a (possibly nested) model's symbolic tensors live: its input's slot and those seen. */
interface Scope {
  input: number;
  inputId: number;
  seen: Map<number, number>;
}

class Unsupported extends Error {}

/**
 * The model's layer calls in topological order, or undefined when a layer (or the wiring: several
 * inputs or outputs, multi-output layers) has no hand-written backward pass; the caller then
 * uses tf.grad. Nested single-input models are inlined. The outputs of the layers named in
 * `keep` stay in slots of their own (no fold merges them away) and `kept` says which; a name
 * that is not a layer's, or a layer applied more than once, is left out of `kept`.
 */
export function planLayerDag(
  model: LayersModel,
  keep: ReadonlySet<string> = new Set(),
): LayerDag | undefined {
  const nodes: DagNode[] = [];
  let slots = 1;
  // The output slot of each kept layer, or -1 once it is seen applied twice (a shared layer).
  const keptSlots = new Map<string, number>();
  const visit = (container: ContainerLike, scope: Scope): number => {
    if (container.inputs?.length !== 1 || container.outputs?.length !== 1) throw new Unsupported();
    const walk = (t: SymbolicTensorLike): number => {
      if (t.id === scope.inputId) return scope.input;
      const known = scope.seen.get(t.id);
      if (known !== undefined) return known;
      const layer = t.sourceLayer;
      if (!layer || !t.inputs?.length || (t.outputTensorIndex ?? 0) !== 0) throw new Unsupported();
      const inputs = t.inputs.map(walk);
      let slot: number;
      if (isContainer(layer)) {
        if (inputs.length !== 1) throw new Unsupported();
        slot = visit(layer, { input: inputs[0]!, inputId: layer.inputs[0]!.id, seen: new Map() });
      } else {
        const node = planNode(layer, inputs.length);
        if (node === null) {
          if (inputs.length !== 1) throw new Unsupported();
          slot = inputs[0]!;
        } else {
          slot = slots++;
          nodes.push({ ...node, inputs, output: slot });
        }
        if (keep.has(layer.name)) keptSlots.set(layer.name, keptSlots.has(layer.name) ? -1 : slot);
      }
      scope.seen.set(t.id, slot);
      return slot;
    };
    return walk(container.outputs[0]!);
  };
  try {
    const container = model as unknown as ContainerLike;
    const output = visit(container, {
      input: 0,
      inputId: container.inputs?.[0]?.id ?? -1,
      seen: new Map(),
    });
    const kept = new Map([...keptSlots].filter(([, slot]) => slot >= 0));
    return { nodes: fuseNodes(nodes, new Set([output, ...kept.values()])), slots, output, kept };
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

type NodeStep = Omit<DagNode, 'inputs' | 'output'>;

/** The step of one layer call with `arity` inputs; null for an identity; throws if unsupported. */
function planNode(layer: LayerLike, arity: number): NodeStep | null {
  const name = layer.getClassName();
  if (name === 'Add' || name === 'Concatenate') return mergeStep(layer, name);
  if (arity !== 1) throw new Unsupported();
  const step = planStep(layer);
  if (step === undefined) throw new Unsupported();
  if (step === null) return null;
  return stepNode(step);
}

function stepNode(step: ChainStep): NodeStep {
  return {
    forward: ([x]) => step.forward(x!),
    activation: step.activation,
    backward: (dz, [x], y) => [step.backward(dz, x!, y)],
    step,
  };
}

/**
 * `nodes` with a one-input node merged into the node producing its input when that slot feeds
 * nothing else, is not one of `kept` (the output's, the kept layers') and the two steps fold
 * (layer-step-fusion.ts). The merged node takes the first one's place: only the second read its
 * output, so the order stays topological.
 */
function fuseNodes(nodes: DagNode[], kept: ReadonlySet<number>): DagNode[] {
  const readers = new Map<number, number>();
  for (const node of nodes) {
    for (const slot of node.inputs) readers.set(slot, (readers.get(slot) ?? 0) + 1);
  }
  const fused: DagNode[] = [];
  const producer = new Map<number, number>();
  for (const node of nodes) {
    const slot = node.inputs[0]!;
    const at =
      node.inputs.length === 1 && readers.get(slot) === 1 && !kept.has(slot)
        ? producer.get(slot)
        : undefined;
    const first = at === undefined ? undefined : fused[at]!;
    const merged = first?.step && node.step && fuseSteps(first.step, node.step);
    if (at !== undefined && first !== undefined && merged) {
      fused[at] = { ...stepNode(merged), inputs: first.inputs, output: node.output };
      producer.set(node.output, at);
      continue;
    }
    producer.set(node.output, fused.length);
    fused.push(node);
  }
  return fused;
}

const INFERENCE = { training: false } as const;

function mergeStep(layer: LayerLike, name: 'Add' | 'Concatenate'): NodeStep {
  const forward = (xs: tf.Tensor[]) => layer.call(xs, { ...INFERENCE }) as tf.Tensor;
  if (name === 'Add') {
    return {
      forward: (xs) => {
        // Add broadcasts inputs of different shapes; their gradients would need sums: not here.
        if (!xs.every((x) => sameShape(x.shape, xs[0]!.shape))) throw new UnsupportedAtRuntime();
        return forward(xs);
      },
      activation: 'linear',
      backward: (dz, xs) => xs.map(() => dz),
    };
  }
  const axis = layer.axis;
  if (typeof axis !== 'number') throw new Unsupported();
  return {
    forward: (xs) => {
      if (!xs.every((x) => x.rank === xs[0]!.rank)) throw new UnsupportedAtRuntime();
      return forward(xs);
    },
    activation: 'linear',
    backward: (dz, xs) => {
      const at = axis < 0 ? axis + dz.rank : axis;
      return tf.split(
        dz,
        xs.map((x) => x.shape[at]!),
        at,
      );
    },
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Runs the layer calls forward on `x`, then backward from `seed(outputs)`. Call inside tf.tidy;
 * returns the outputs and the input gradient. Throws {@link UnsupportedAtRuntime} when a layer
 * cannot handle the shapes it meets.
 */
export function runLayerDag(
  dag: LayerDag,
  x: tf.Tensor,
  seed: (outputs: tf.Tensor) => tf.Tensor,
): { outputs: tf.Tensor; gradient: tf.Tensor } {
  const values: (tf.Tensor | undefined)[] = new Array(dag.slots);
  values[0] = x;
  for (const node of dag.nodes) {
    values[node.output] = node.forward(node.inputs.map((i) => values[i]!));
  }
  const outputs = values[dag.output]!;
  const graph: BackwardGraph<DagNode, number> = {
    nodes: dag.nodes,
    inputs: (node) => node.inputs,
    outputs: (node) => [node.output],
    active: () => true,
    vjp: (node, g, _which, _index, dySpent) => {
      const y = values[node.output]!;
      const dz = activationBackward(node.activation, g, y, dySpent);
      const dxs = node.backward(
        dz,
        node.inputs.map((i) => values[i]!),
        y,
      );
      if (dz !== g && !dxs.includes(dz)) dz.dispose();
      return dxs;
    },
    // Every reader of this node's output came later: it is spent once the node is visited.
    spent: (node) => {
      const y = values[node.output];
      values[node.output] = undefined;
      return y;
    },
    // Frees a tensor early unless another slot still holds it.
    holds: (t) => t === x || t === outputs || values.includes(t),
  };
  const grads = walkBackward(graph, new Map([[dag.output, seed(outputs)]]));
  const gradient = grads.get(0) ?? tf.zerosLike(x);
  return { outputs, gradient };
}
