import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { activeValues, type BackwardGraph, walkBackward } from './backward-walk.js';
import { InterpError } from './errors.js';
import { randn, runOn } from './kernels/test-kernel-helpers.js';
import { activationBackward } from './layer-chain.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** A node of the hand-built graphs: reads `inputs`, writes `output`, with its own vjp. */
interface Node {
  inputs: string[];
  output: string;
  vjp(dy: tf.Tensor, dySpent: boolean): (tf.Tensor | undefined)[];
}

function graphOf(nodes: Node[], active: Set<string>): BackwardGraph<Node, string> {
  return {
    nodes,
    inputs: (n) => n.inputs,
    outputs: (n) => [n.output],
    active: (key) => active.has(key),
    vjp: (n, dy, _which, _index, dySpent) => n.vjp(dy, dySpent),
  };
}

const X = randn(24, 7);
// Values at the ReLU's kink and beyond: its gradient is 0 at 0.
X[0] = 0;
X[1] = -0;
const DY = randn(24, 8);

/**
 * x -> a = relu(x) -> b = 3a; c = a + b; d = c * w (w a weight, no gradient): a fans out to b and
 * c, so its gradient is a sum. d(sum(d * dy))/dx = relu'(x) * 4 * w * dy.
 */
function walkFanOut(x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) {
  const a = tf.relu(x);
  const b = tf.mul(a, 3);
  const c = tf.add(a, b);
  const nodes: Node[] = [
    // Its dy is a sum the walk made: the mask writes over it (activationBackward's dySpent).
    { inputs: ['x'], output: 'a', vjp: (g, spent) => [activationBackward('relu', g, a, spent)] },
    { inputs: ['a'], output: 'b', vjp: (g) => [tf.mul(g, 3)] },
    { inputs: ['a', 'b'], output: 'c', vjp: (g) => [g, g] },
    { inputs: ['c', 'w'], output: 'd', vjp: (g) => [tf.mul(g, w), tf.mul(g, c)] },
  ];
  const graph = graphOf(
    nodes,
    activeValues(graphOf(nodes, new Set()), ['x'], () => true),
  );
  return walkBackward(graph, new Map([['d', dy]]));
}

describe('walkBackward', () => {
  it('sums the gradients of a value read twice: tf.grad on the cpu backend', async () => {
    const w = randn(24, 9);
    const reference = await runOn('cpu', () =>
      tf.tidy(() =>
        tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.mul(tf.add(tf.relu(x), tf.mul(tf.relu(x), 3)), tf.tensor(w)), DY)),
        )(tf.tensor(X)),
      ),
    );
    const grads = tf.tidy(() => {
      const g = walkFanOut(tf.tensor(X), tf.tensor(w), tf.tensor(DY));
      return [...g.keys()].map((k) => [k, g.get(k)!] as const);
    });
    // Only the input's gradient is left (w is not active: none reaches it).
    expect(grads.map(([k]) => k)).toEqual(['x']);
    const dx = await grads[0]![1].data();
    grads[0]![1].dispose();
    expect(Math.abs(dx[0]!)).toBe(0);
    for (let i = 0; i < X.length; i++) expect(dx[i]).toBeCloseTo(reference[i]!, 5);
  });

  it('frees every intermediate gradient and the spent forward values, nothing the caller holds', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor(X);
    const y = tf.relu(x);
    const spentValues: tf.Tensor[] = [];
    const nodes: Node[] = [
      { inputs: ['x'], output: 'y', vjp: (g) => [activationBackward('relu', g, y)] },
    ];
    const dy = tf.tensor(DY);
    const grads = walkBackward(
      {
        ...graphOf(nodes, new Set(['x', 'y'])),
        spent: () => {
          spentValues.push(y);
          return y;
        },
        holds: (t) => t === x,
      },
      new Map([['y', dy]]),
    );
    expect(grads.size).toBe(1);
    expect(dy.isDisposed).toBe(true);
    expect(spentValues.length).toBe(1);
    expect(y.isDisposed).toBe(true);
    expect(x.isDisposed).toBe(false);
    grads.get('x')!.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensor over a whole fan-out walk', () => {
    const before = tf.memory().numTensors;
    const dx = tf.tidy(
      () => walkFanOut(tf.tensor(X), tf.tensor(randn(24, 9)), tf.tensor(DY)).get('x')!,
    );
    dx.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("tells each vjp whether dy is spent: not while it is another value's gradient or held", () => {
    const seen: Record<string, boolean> = {};
    const node = (inputs: string[], output: string, vjp: Node['vjp']): Node => ({
      inputs,
      output,
      vjp: (g, spent) => {
        seen[output] = spent;
        return vjp(g, spent);
      },
    });
    // d = c * 2; c = a + b hands one tensor to a and b; b = 3a; a = relu(x).
    const nodes = [
      node(['x'], 'a', (g) => [tf.mul(g, 1)]),
      node(['a'], 'b', (g) => [tf.mul(g, 3)]),
      node(['a', 'b'], 'c', (g) => [g, g]),
      node(['c'], 'd', (g) => [tf.mul(g, 2)]),
    ];
    const active = new Set(['x', 'a', 'b', 'c', 'd']);
    tf.tidy(() => {
      walkBackward(graphOf(nodes, active), new Map([['d', tf.ones([3])]]));
    });
    // b's dy is also a's gradient until a's sum is taken; a's is that new sum.
    expect(seen).toEqual({ d: true, c: true, b: false, a: true });
    const seed = tf.ones([3]);
    tf.tidy(() => {
      walkBackward({ ...graphOf(nodes, active), holds: (t) => t === seed }, new Map([['d', seed]]));
    });
    expect(seen.d).toBe(false);
    expect(seed.isDisposed).toBe(false);
    seed.dispose();
  });

  it('lets enter reject a node before its vjp runs', () => {
    let ran = false;
    const nodes: Node[] = [
      {
        inputs: ['x'],
        output: 'y',
        vjp: (g) => {
          ran = true;
          return [g];
        },
      },
    ];
    const graph: BackwardGraph<Node, string> = {
      ...graphOf(nodes, new Set(['x'])),
      enter: (_, i, gradientAt) => {
        if (gradientAt('y')) throw new Error(`node ${i} rejected`);
      },
    };
    const walk = () =>
      tf.tidy(() => {
        walkBackward(graph, new Map([['y', tf.ones([2])]]));
      });
    expect(walk).toThrow('node 0 rejected');
    expect(ran).toBe(false);
  });

  it('throws an InterpError saying what to return for a vjp with too many gradients', () => {
    const before = tf.memory().numTensors;
    const nodes: Node[] = [{ inputs: ['x'], output: 'y', vjp: (g) => [g, g] }];
    const walk = () =>
      tf.tidy(() => {
        walkBackward(graphOf(nodes, new Set(['x'])), new Map([['y', tf.ones([2])]]));
      });
    expect(walk).toThrow(InterpError);
    expect(walk).toThrow(/vjp returned 2 gradients for 1 inputs; return at most one per input/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('activeValues', () => {
  it('marks the outputs that carry a value depending on the inputs', () => {
    const nodes: Node[] = [
      { inputs: ['w'], output: 'v', vjp: () => [] },
      { inputs: ['x', 'v'], output: 'y', vjp: () => [] },
      { inputs: ['y'], output: 'shape', vjp: () => [] },
      { inputs: ['shape'], output: 'z', vjp: () => [] },
    ];
    const active = activeValues(graphOf(nodes, new Set()), ['x'], (k) => k !== 'shape');
    expect([...active].sort()).toEqual(['x', 'y']);
  });
});

// The ReLU mask of activationBackward (every tape-free path's) runs the fused capped-ReLU kernel
// with an infinite cap on wasm: it must equal tfjs's ReLU gradient bit for bit.
describe("activationBackward('relu') on wasm", () => {
  const SPECIAL = [0, -0, 1e-45, -1e-45, 3, -3, Number.NaN, Infinity, -Infinity];
  // Every pair of special values, plus a normal tail longer than one SIMD vector.
  const x: number[] = [];
  const dy: number[] = [];
  for (const a of SPECIAL) {
    for (const b of SPECIAL) {
      x.push(a);
      dy.push(b);
    }
  }
  const tailX = randn(37, 3);
  const tailDy = randn(37, 4);
  x.push(...tailX);
  dy.push(...tailDy);
  const bits = (a: ArrayLike<number>) =>
    Array.from(a, (v) => (Object.is(v, -0) ? '-0' : String(v)));

  it("equals the cpu backend's tf.grad of tf.relu, bit for bit (0, -0, NaN, ±Inf)", async () => {
    const cpu = await runOn('cpu', () =>
      tf.tidy(() =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor(dy))))(tf.tensor(x)),
      ),
    );
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const { result, kernelNames } = await tf.profile(() =>
      tf.tidy(() => activationBackward('relu', tf.tensor(dy), tf.tensor(x))),
    );
    const ours = await (result as tf.Tensor).data();
    (result as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(kernelNames).toContain('InterpCappedReluGrad');
    expect(bits(ours)).toEqual(bits(cpu));
  });
});
