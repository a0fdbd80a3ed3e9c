import { type GraphNode, InterpError, type ModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Alpha1Beta0Rule, GammaRule } from './lrp-rule.js';

/** The rules that change a node's weights before relevance goes through it (Captum's `_manipulate_weights`). */
export type WeightRule = GammaRule | Alpha1Beta0Rule;

/** A node's weights after a rule: the weight map and whether the bias is zeroed. */
export interface WeightChange {
  weight: (w: tf.Tensor) => tf.Tensor;
  zeroBias: boolean;
}

/**
 * The node's output computed from its input `a` with changed weights (differentiable in `a`):
 * the output is passed in too, for ops rebuilt from it (batch norm is affine per channel).
 */
export type Rebuild = (
  a: tf.Tensor,
  out: tf.Tensor,
  inputs: readonly tf.Tensor[],
  change: WeightChange,
) => tf.Tensor;

/** Captum's weight change: gamma w + gamma max(w, 0), alpha1-beta0 max(w, 0). */
export function weightChange(rule: WeightRule): WeightChange {
  const weight =
    rule.kind === 'gamma'
      ? (w: tf.Tensor) => tf.add(w, tf.mul(tf.relu(w), rule.gamma))
      : (w: tf.Tensor) => tf.relu(w);
  return { weight, zeroBias: rule.setBiasToZero };
}

/** The unchanged weights (to check a rebuild against the node's real output). */
export const sameWeights: WeightChange = { weight: (w) => w, zeroBias: false };

const bias = (b: tf.Tensor | undefined, change: WeightChange) =>
  b === undefined || change.zeroBias ? undefined : b;

/** Batch norm is y = s (x - mean) / sd + b per channel: with scale s' and bias b', y' = s'/s (y - b) + b'. */
function affineFromOutput(
  out: tf.Tensor,
  scale: tf.Tensor,
  shift: tf.Tensor,
  change: WeightChange,
  channelAxis: number,
): tf.Tensor {
  const shape = out.shape.map((_, i) => (i === channelAxis ? -1 : 1));
  const s = tf.reshape(scale, shape);
  const b = tf.reshape(shift, shape);
  const s2 = tf.reshape(change.weight(scale), shape);
  // A channel with scale 0 keeps scale 0 under both rules: its output is its bias.
  const ratio = tf.where(
    tf.equal(s, 0),
    tf.zerosLike(s),
    tf.div(s2, tf.where(tf.equal(s, 0), tf.onesLike(s), s)),
  );
  const y = tf.mul(ratio, tf.sub(out, b));
  return change.zeroBias ? y : tf.add(y, b);
}

/** An NCHW convolution with explicit geometry (how ONNX writes it). */
interface ConvGeometry {
  strides: [number, number];
  dilations: [number, number];
  pads: [[number, number], [number, number]];
}

function onnxConv(g: ConvGeometry): Rebuild {
  return (a, _out, inputs, change) => {
    const w = change.weight(inputs[1]!);
    const [cOut, cInPerGroup] = w.shape as [number, number, number, number];
    const cIn = a.shape[1]!;
    const x = tf.pad(tf.transpose(a, [0, 2, 3, 1]), [
      [0, 0],
      g.pads[0],
      g.pads[1],
      [0, 0],
    ]) as tf.Tensor4D;
    let y: tf.Tensor;
    if (cInPerGroup === cIn) {
      const filter = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
      y = tf.conv2d(x, filter, g.strides, 'valid', 'NHWC', g.dilations);
    } else {
      const [kh, kw] = w.shape.slice(2) as [number, number];
      const filter = tf.reshape(tf.transpose(w, [2, 3, 0, 1]), [
        kh,
        kw,
        cIn,
        cOut / cIn,
      ]) as tf.Tensor4D;
      y = tf.depthwiseConv2d(x, filter, g.strides, 'valid', 'NHWC', g.dilations);
    }
    const b = bias(inputs[2], change);
    if (b) y = tf.add(y, b);
    return tf.transpose(y, [0, 3, 1, 2]);
  };
}

/** The geometries that give a conv's output size, the plainest first (PyTorch: symmetric pads, dilation 1). */
function convGeometries(a: tf.Tensor, w: tf.Tensor, out: tf.Tensor): ConvGeometry[] {
  const axis = (size: number, k: number, outSize: number) => {
    const found: { s: number; d: number; p: [number, number] }[] = [];
    for (const d of [1, 2, 3])
      for (let s = 1; s <= Math.max(k, 2); s++)
        for (let total = 0; total <= 2 * d * (k - 1); total++) {
          if (Math.floor((size + total - d * (k - 1) - 1) / s) + 1 !== outSize) continue;
          const half = Math.floor(total / 2);
          found.push({ s, d, p: [half, total - half] });
          if (total % 2 === 1) found.push({ s, d, p: [total - half, half] });
        }
    return found;
  };
  const [kh, kw] = w.shape.slice(2) as [number, number];
  const hs = axis(a.shape[2]!, kh, out.shape[2]!);
  const ws = axis(a.shape[3]!, kw, out.shape[3]!);
  const all: ConvGeometry[] = [];
  for (const h of hs)
    for (const v of ws) {
      // tfjs convolutions take strides or dilations above 1, not both.
      if ((h.s > 1 || v.s > 1) && (h.d > 1 || v.d > 1)) continue;
      all.push({ strides: [h.s, v.s], dilations: [h.d, v.d], pads: [h.p, v.p] });
    }
  const cost = (g: ConvGeometry) =>
    (g.pads[0][0] !== g.pads[0][1] || g.pads[1][0] !== g.pads[1][1] ? 10 : 0) +
    g.dilations[0] +
    g.dilations[1] +
    (g.strides[0] !== g.strides[1] ? 5 : 0);
  return all.sort((p, q) => cost(p) - cost(q)).slice(0, 24);
}

interface LayerLike {
  name: string;
  layers?: LayerLike[];
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
}

function findLayer(model: unknown, name: string): LayerLike | undefined {
  const layers = (model as { layers?: LayerLike[] } | undefined)?.layers;
  if (!Array.isArray(layers)) return undefined;
  for (const layer of layers) {
    if (layer.name === name) return layer;
    const inner = findLayer(layer, name);
    if (inner) return inner;
  }
  return undefined;
}

/** A tfjs layer's rebuild (Dense, Conv2D, BatchNormalization), or undefined for other layers. */
function layerRebuild(node: GraphNode, layersModel: unknown): Rebuild | undefined {
  const layer = findLayer(layersModel, node.name);
  if (layer === undefined) return undefined;
  const config = layer.getConfig();
  // Read at each call: a rebuild is cached per input shape, and the model may train in between.
  const weight = (i: number) => layer.getWeights()[i];
  switch (node.op) {
    case 'Dense':
      return (a, _out, _inputs, change) => {
        const kernel = change.weight(weight(0)!) as tf.Tensor2D;
        const flat = tf.reshape(a, [-1, kernel.shape[0]]) as tf.Tensor2D;
        let y: tf.Tensor = tf.matMul(flat, kernel);
        const b = config.useBias === false ? undefined : bias(weight(1), change);
        if (b) y = tf.add(y, b);
        return tf.reshape(y, [...a.shape.slice(0, -1), kernel.shape[1]]);
      };
    case 'Conv2D':
      return (a, _out, _inputs, change) => {
        const kernel = change.weight(weight(0)!) as tf.Tensor4D;
        const nhwc = config.dataFormat !== 'channelsFirst';
        const pair = (v: unknown): [number, number] =>
          Array.isArray(v)
            ? [Number(v[0]), Number(v[1] ?? v[0])]
            : [Number(v ?? 1), Number(v ?? 1)];
        let y: tf.Tensor = tf.conv2d(
          a as tf.Tensor4D,
          kernel,
          pair(config.strides),
          config.padding === 'same' ? 'same' : 'valid',
          nhwc ? 'NHWC' : 'NCHW',
          pair(config.dilationRate),
        );
        const b = config.useBias === false ? undefined : bias(weight(1), change);
        if (b) y = tf.add(y, nhwc ? b : tf.reshape(b, [-1, 1, 1]));
        return y;
      };
    case 'BatchNormalization': {
      const hasScale = config.scale !== false;
      const hasCenter = config.center !== false;
      if (!hasScale || !hasCenter) return undefined;
      const axis = Number(Array.isArray(config.axis) ? config.axis[0] : (config.axis ?? -1));
      return (_a, out, _inputs, change) =>
        affineFromOutput(out, weight(0)!, weight(1)!, change, axis < 0 ? out.rank + axis : axis);
    }
    default:
      return undefined;
  }
}

/** An ONNX node's candidate rebuilds (the first that reproduces the node's output is used). */
function onnxRebuilds(
  node: GraphNode,
  a: tf.Tensor,
  inputs: readonly tf.Tensor[],
  out: tf.Tensor,
): Rebuild[] {
  // A graph that does not hand its weights to hooks (a hand-made graph) cannot be rebuilt.
  if (inputs[1] === undefined || (node.op === 'BatchNormalization' && inputs[2] === undefined))
    return [];
  switch (node.op) {
    case 'Gemm': {
      const w = inputs[1]!;
      const k = a.shape[1]!;
      // alpha = beta = 1 and A untransposed (PyTorch's nn.Linear); the check rejects anything else.
      return [true, false]
        .filter((t) => w.shape[t ? 1 : 0] === k)
        .map((transB) => (x, _out, ins, change) => {
          const y = tf.matMul(
            x as tf.Tensor2D,
            change.weight(ins[1]!) as tf.Tensor2D,
            false,
            transB,
          );
          const b = bias(ins[2], change);
          return b ? tf.add(y, b) : y;
        });
    }
    case 'MatMul':
      return [(x, _out, ins, change) => tf.matMul(x, change.weight(ins[1]!))];
    case 'Conv': {
      // Plain and depthwise convolutions; other group counts are refused.
      const perGroup = inputs[1]!.shape[1];
      if (a.rank !== 4 || (perGroup !== a.shape[1] && perGroup !== 1)) return [];
      return convGeometries(a, inputs[1]!, out).map(onnxConv);
    }
    case 'BatchNormalization':
      return [(_x, y, ins, change) => affineFromOutput(y, ins[1]!, ins[2]!, change, 1)];
    default:
      return [];
  }
}

/** Ops whose weights a rule can change (others with weights are refused). */
const REBUILDABLE = new Set(['Gemm', 'MatMul', 'Conv', 'BatchNormalization', 'Dense', 'Conv2D']);

/**
 * For every node under a Gamma or Alpha1-Beta0 rule, how to compute its output with changed
 * weights. The graph exposes a node's weights (ONNX: its constant inputs; tfjs: the layer's
 * weights) but not its attributes, so each candidate rebuild is checked against the node's real
 * output on x (one forward pass) and the first that reproduces it is kept. Weightless nodes
 * (pooling, add) are left out: the rules change nothing there, as in Captum. Throws NOT_SUPPORTED
 * naming a node that has weights but cannot be rebuilt.
 *
 * @example
 * ```ts
 * const rebuilds = await lrpRebuilds(graph, x, new Map([['/fc1/Gemm', new GammaRule()]]), 'LRP');
 * ```
 */
export async function lrpRebuilds(
  graph: ModelGraph,
  x: tf.Tensor,
  rules: ReadonlyMap<string, WeightRule>,
  where: string,
  layersModel?: unknown,
): Promise<Map<string, Rebuild>> {
  const chosen = new Map<string, Rebuild>();
  const pending = new Map<string, GraphNode>();
  for (const [name] of rules) {
    const node = graph.nodes.find((n) => n.name === name)!;
    if (!REBUILDABLE.has(node.op)) {
      if (node.params > 0) throw cannotRebuild(node, where);
      continue;
    }
    if (graph.kind === 'layers') {
      const rebuild = layerRebuild(node, layersModel);
      if (rebuild === undefined) throw cannotRebuild(node, where);
      chosen.set(name, rebuild);
    } else pending.set(name, node);
  }
  if (pending.size === 0 && chosen.size === 0) return chosen;
  // One forward pass: every candidate's largest error against the node's real output.
  const candidates = new Map<string, Rebuild[]>();
  const errors: tf.Tensor[] = [];
  const owners: { name: string; index: number }[] = [];
  const hooks: Record<string, (out: tf.Tensor, c: { inputs: readonly tf.Tensor[] }) => undefined> =
    {};
  for (const [name, node] of [
    ...pending,
    ...[...chosen.keys()].map((n) => [n, graph.nodes.find((m) => m.name === n)!] as const),
  ]) {
    hooks[name] = (out, { inputs }) => {
      const list = pending.has(name)
        ? onnxRebuilds(node, inputs[0]!, inputs, out)
        : [chosen.get(name)!];
      candidates.set(name, list);
      const scale = tf.add(tf.max(tf.abs(out)), 1);
      list.forEach((rebuild, index) => {
        errors.push(
          tf.keep(
            tf.div(
              tf.max(tf.abs(tf.sub(rebuild(inputs[0]!, out, inputs, sameWeights), out))),
              scale,
            ),
          ),
        );
        owners.push({ name, index });
      });
      return undefined;
    };
  }
  try {
    tf.tidy(() => {
      graph.run(x, { hooks });
    });
    const values = await Promise.all(errors.map((e) => e.data()));
    const verified = new Set<string>();
    owners.forEach(({ name, index }, k) => {
      if (verified.has(name) || !(values[k]![0]! < 1e-4)) return;
      verified.add(name);
      chosen.set(name, candidates.get(name)![index]!);
    });
    for (const name of new Set([...pending.keys(), ...chosen.keys()])) {
      if (!verified.has(name))
        throw cannotRebuild(graph.nodes.find((n) => n.name === name)!, where);
    }
  } finally {
    tf.dispose(errors);
  }
  return chosen;
}

function cannotRebuild(node: GraphNode, where: string): InterpError {
  return new InterpError(
    'NOT_SUPPORTED',
    `${where}: node ${JSON.stringify(node.name)} (${node.op}) has weights that a Gamma or Alpha1Beta0 rule would change, but its output could not be recomputed from them (supported: Gemm/MatMul/Dense with bias, Conv/Conv2D with plain or depthwise groups, BatchNormalization with scale and bias); use an EpsilonRule or IdentityRule there`,
  );
}
