// The GraphModel adapter's tape-free input gradient on the threaded WASM build (XNNPACK and our
// SIMD kernels then split the work), in a child process (pthread workers must not keep vitest's
// worker alive): a MobileNetV2-style converter graph on 2 threads, 1 thread and cpu, and npm's
// nsfwjs MobileNetV2 GraphModel on 2 threads and 1.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { childBundle } from '../test-child-bundle.js';
import { mobileNetStyleArtifacts, nsfwjsGraphModelPath, seededValues } from './test-graph-model.js';

const child = childBundle('index.ts', 'core');

const SIZE = 41;
const artifacts = mobileNetStyleArtifacts(SIZE);
const files = JSON.stringify({
  modelTopology: artifacts.modelTopology,
  weightSpecs: artifacts.weightSpecs,
  weightData: Buffer.from(artifacts.weightData as ArrayBuffer).toString('base64'),
});
const pixels = JSON.stringify(seededValues(3 * SIZE * SIZE * 3, 17));

const script = `
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setupBackend, targetInputGradient } from './core.js';
tf.env().set('IS_TEST', true);
const files = ${files};
const bytes = Buffer.from(files.weightData, 'base64');
const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const pixels = ${pixels};
// A backend switch frees the previous wasm instance's memory: each run loads its own model.
async function run() {
  const model = await loadGraphModel(tf.io.fromMemory({ ...files, weightData }));
  const x = tf.tensor4d(pixels, [3, ${SIZE}, ${SIZE}, 3]);
  const before = tf.memory().numTensors;
  const r = targetInputGradient(model, x, [0, 3, 4]);
  const result = { method: r.method, g: Array.from(r.gradient.dataSync()), y: Array.from(r.outputs.dataSync()) };
  tf.dispose([r.gradient, r.outputs]);
  result.leaked = tf.memory().numTensors - before;
  x.dispose();
  model.dispose();
  return result;
}
const threaded = await setupBackend('wasm', { threads: true });
const a2 = await run();
await setupBackend('wasm', { threads: false });
const a1 = await run();
await setupBackend('cpu');
const c = await run();
// Exit once the output is flushed (the pthread workers would keep the process alive).
process.stdout.write(JSON.stringify({ threadCount: threaded.threadCount, a2, a1, c }), () => process.exit(0));
`;

describe('graphModelGraph(model).inputGradient on WASM threads', () => {
  it('gives exactly the one-thread numbers (and the cpu backend to 1e-5), without leaks', () => {
    const r = child.run(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { threadCount, a2, a1, c } = JSON.parse(r.stdout);
    expect(threadCount).toBe(Math.min(availableParallelism(), 8));
    expect([a2.method, a1.method, c.method]).toEqual(['graph', 'graph', 'graph']);
    expect(a2.g).toEqual(a1.g);
    expect(a2.y).toEqual(a1.y);
    expect([a2.leaked, a1.leaked, c.leaked]).toEqual([0, 0, 0]);
    const scale = Math.max(...c.g.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    const diff = Math.max(...a1.g.map((v: number, i: number) => Math.abs(v - c.g[i])));
    expect(diff).toBeLessThanOrEqual(1e-5 * scale);
  }, 120_000);
});

// The 2-thread and 1-thread results are compared in the child (2 x 150528 gradient values).
const nsfwjsScript = (path: string) => `
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { setupBackend, targetInputGradient } from './core.js';
tf.env().set('IS_TEST', true);
const path = ${JSON.stringify(path)};
const json = JSON.parse(readFileSync(path, 'utf8'));
const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p)))));
const files = { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
async function run() {
  const model = await loadGraphModel(tf.io.fromMemory(files));
  let s = 5;
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 224 * 224 * 3 }, () => (s = (s * 16807) % 2147483647) / 2147483647), [2, 224, 224, 3]);
  const before = tf.memory().numTensors;
  const r = targetInputGradient(model, x, [1, 3]);
  const result = { method: r.method, g: r.gradient.dataSync().slice(), y: r.outputs.dataSync().slice() };
  tf.dispose([r.gradient, r.outputs]);
  result.leaked = tf.memory().numTensors - before;
  x.dispose();
  model.dispose();
  return result;
}
const threaded = await setupBackend('wasm', { threads: true });
const a2 = await run();
await setupBackend('wasm', { threads: false });
const a1 = await run();
const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const summary = { threadCount: threaded.threadCount, methods: [a2.method, a1.method], leaked: [a2.leaked, a1.leaked], sameGradient: same(a2.g, a1.g), sameOutputs: same(a2.y, a1.y), nonZero: a1.g.some((v) => v !== 0) };
process.stdout.write(JSON.stringify(summary), () => process.exit(0));
`;

describe('the nsfwjs MobileNetV2 GraphModel input gradient on WASM threads', () => {
  it('gives exactly the one-thread numbers, without leaks', () => {
    const r = child.run(nsfwjsScript(nsfwjsGraphModelPath()));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      threadCount: Math.min(availableParallelism(), 8),
      methods: ['graph', 'graph'],
      leaked: [0, 0],
      sameGradient: true,
      sameOutputs: true,
      nonZero: true,
    });
  }, 120_000);
});
