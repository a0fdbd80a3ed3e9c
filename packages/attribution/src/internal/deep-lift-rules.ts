import { type ImageLayout, InterpError, type ModelGraph, type NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { nodeActivation } from './node-activation.js';
import { withNodeGradient } from './node-gradient.js';
import { halves, pairedDifference } from './paired-batch.js';

/** Captum's threshold below which |x - reference| counts as zero and the plain gradient is kept. */
export const deepLiftEps = 1e-10;

// Every rule below expects the node to run on a paired batch [x; reference] of 2N rows (Captum
// runs inputs and baselines together so each hook sees both), with the target scores of both
// halves differentiated (see hookedGradient).

/**
 * DeepLift's rescale rule for an elementwise nonlinearity (Captum's `nonlinear`): the gradient
 * becomes dy * (f(x) - f(ref)) / (x - ref), or the node's own gradient where |x - ref| < eps.
 *
 * @example
 * ```ts
 * graph.run(tf.concat([x, ref]), { hooks: { '/act/Tanh': rescaleHook() } });
 * ```
 */
export function rescaleHook(eps = deepLiftEps): NodeHook {
  return (output, { inputs }) => {
    return withNodeGradient(inputs[0]!, output, (g, inp, out) => {
      const dIn = pairedDifference(inp);
      const dOut = pairedDifference(out);
      const use = tf.greaterEqual(tf.abs(dIn), eps);
      const rescaled = tf.where(use, tf.div(tf.mul(g, dOut), nonZero(use, dIn)), tf.zerosLike(g));
      // Elements where the rule does not apply go back through the node's own gradient.
      return [rescaled, tf.where(use, tf.zerosLike(g), g)];
    });
  };
}

/**
 * DeepLift's softmax rule (Captum's `softmax`): the rescaled gradient (softmax's own gradient
 * where |x - ref| < eps), minus its mean over the whole tensor. Softmax over the last axis.
 */
export function softmaxHook(eps = deepLiftEps): NodeHook {
  return (output, { inputs }) => {
    return withNodeGradient(inputs[0]!, output, (g, inp, y) => {
      const dIn = pairedDifference(inp);
      const dOut = pairedDifference(y);
      const own = tf.mul(y, tf.sub(g, tf.sum(tf.mul(g, y), -1, true)));
      const use = tf.greaterEqual(tf.abs(dIn), eps);
      const unnorm = tf.where(use, tf.div(tf.mul(g, dOut), nonZero(use, dIn)), own);
      // As Captum: the mean over every element of the paired batch, not per row.
      const normalized = tf.sub(unnorm, tf.div(tf.sum(unnorm), unnorm.size));
      return [normalized, tf.zerosLike(y)];
    });
  };
}

/**
 * DeepLift's max-pool rule (Captum's `maxpool`): with m = max(y, y_ref), the output deltas
 * (m - y_ref) for x's rows and (y - m) for the reference's are unpooled to each half's own argmax
 * (first maximum of each window, as torch's indices), summed, and divided by x - ref (the plain
 * max-pool gradient where |x - ref| < eps). Pools whose windows tile the input (kernel = stride,
 * no padding, as nn.MaxPool2d(k)) are supported; the hook checks that recomputing the pool that
 * way reproduces the node's output and throws NOT_SUPPORTED otherwise.
 */
export function maxPoolHook(layout: ImageLayout, name: string, eps = deepLiftEps): NodeHook {
  return (output, { inputs }) => {
    const input = inputs[0]!;
    const nhwc = (t: tf.Tensor) => (layout === 'NCHW' ? tf.transpose(t, [0, 2, 3, 1]) : t);
    const nchw = (t: tf.Tensor) => (layout === 'NCHW' ? tf.transpose(t, [0, 3, 1, 2]) : t);
    const [, h, w] = nhwc(input).shape as number[];
    const [, oh, ow] = nhwc(output).shape as number[];
    const kh = h! / oh!;
    const kw = w! / ow!;
    const tiles = Number.isInteger(kh) && Number.isInteger(kw) && input.rank === 4;
    const same =
      tiles &&
      tf.tidy(() => {
        const again = nchw(tf.maxPool(nhwc(input) as tf.Tensor4D, [kh, kw], [kh, kw], 'valid'));
        return tf.max(tf.abs(tf.sub(again, output))).dataSync()[0] === 0;
      });
    if (!same) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `DeepLift: the max pool ${JSON.stringify(name)} has overlapping or padded windows; DeepLift's max-pool rule here supports pools whose kernel equals the stride without padding`,
      );
    }
    // Routes v (pooled shape, NHWC) to the first maximum of each window of t (NHWC). Built from
    // strided slices and rank <= 5 ops (the wasm backend transposes at most rank 5).
    const unpool = (t: tf.Tensor, v: tf.Tensor): tf.Tensor => {
      const [n, , , c] = t.shape as number[];
      const offsets: [number, number][] = [];
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) offsets.push([i, j]);
      const windows = tf.stack(
        offsets.map(([i, j]) => tf.stridedSlice(t, [0, i, j, 0], [n!, h!, w!, c!], [1, kh, kw, 1])),
        -1,
      );
      // One-hot by comparison: tf.oneHot with a float32 dtype returns zeros on the wasm backend.
      const first = tf.expandDims(tf.argMax(windows, -1), -1);
      const pick = tf.cast(tf.equal(first, tf.range(0, kh * kw, 1, 'int32')), 'float32');
      const parts = tf.unstack(tf.mul(pick, tf.expandDims(v, -1)), 4);
      const rows = Array.from({ length: kh }, (_, i) =>
        tf.reshape(tf.stack(parts.slice(i * kw, (i + 1) * kw), 3), [n!, oh!, w!, c!]),
      );
      return tf.reshape(tf.stack(rows, 2), [n!, h!, w!, c!]);
    };
    return withNodeGradient(input, output, (dy, inp, out) => {
      const x = nhwc(inp);
      const y = nhwc(out);
      const g = nhwc(dy);
      const [y1, y2] = halves(y);
      const top = tf.maximum(y1, y2);
      const dOut = tf.concat([tf.sub(top, y2), tf.sub(y1, top)], 0);
      const [u1, u2] = halves(unpool(x, tf.mul(g, dOut)));
      const u = tf.add(u1, u2);
      const dIn = pairedDifference(x);
      const use = tf.greaterEqual(tf.abs(dIn), eps);
      const rule = tf.div(tf.concat([u, u], 0), nonZero(use, dIn));
      return [nchw(tf.where(use, rule, unpool(x, g))), tf.zerosLike(out)];
    });
  };
}

/**
 * DeepLift's hooks for every supported nonlinearity of the graph (rescale for ReLU, ELU,
 * LeakyReLU, Sigmoid, Tanh, Softplus; the softmax and max-pool rules), by node name, except on a
 * node that directly reads another rule node's output (as in Captum 0.8, see below). A tfjs
 * layer with a fused nonlinear activation (Dense or Conv2D with `activation: 'relu'`) throws
 * NOT_SUPPORTED: its nonlinearity has no node of its own to apply the rule to.
 *
 * @example
 * ```ts
 * const hooks = deepLiftHooks(graph, 'DeepLift', layersModel);
 * ```
 */
export function deepLiftHooks(
  graph: ModelGraph,
  where: string,
  layersModel?: unknown,
  eps = deepLiftEps,
): Record<string, NodeHook> {
  const hooks: Record<string, NodeHook> = {};
  const ruleOutputs = new Set<string>();
  for (const node of graph.nodes) {
    const kind = nodeActivation(node, graph, layersModel);
    if (kind === undefined) continue;
    const chained = ruleOutputs.has(node.inputs[0] ?? '');
    ruleOutputs.add(node.outputs[0] ?? '');
    // Captum 0.8 hooks a module's input and output tensors; when a rule node reads another rule
    // node's output (ReLU -> MaxPool), both hooks sit on one tensor and the upstream rule reads
    // the gradient before the downstream rule replaces it, so the downstream rule has no effect.
    // Its numbers (rescnn case: ReLU -> MaxPool) are those of the plain gradient there; we match.
    if (chained && kind !== 'fused') continue;
    if (kind === 'fused') {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: layer ${JSON.stringify(node.name)} (${node.op}) applies its activation inside the layer, so DeepLift cannot apply its rule to it; build the layer with activation 'linear' followed by a separate tf.layers.activation or tf.layers.reLU layer`,
      );
    }
    hooks[node.name] =
      kind === 'softmax'
        ? softmaxHook(eps)
        : kind === 'maxpool'
          ? maxPoolHook(graph.layout, node.name, eps)
          : rescaleHook(eps);
  }
  return hooks;
}

/** `d` where the rule applies, 1 elsewhere (the division there is discarded by the caller). */
function nonZero(use: tf.Tensor, d: tf.Tensor): tf.Tensor {
  return tf.where(use, d, tf.onesLike(d));
}
