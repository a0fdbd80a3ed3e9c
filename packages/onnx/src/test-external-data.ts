// Test helper: the committed ResNet-18 / MobileNetV2 graphs keep their weights in an external data
// file that is not committed; this writes one with seeded random weights into a temp folder.
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '@interp/core/base';
import { int64ToNumber, onnx } from './onnx-proto.js';

/** Folder of the committed test models. */
export const TEST_MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-models');

/**
 * Copies `test-models/<name>` into a fresh temp folder and writes its external data file there:
 * BN running variances uniform(0.5, 1.5), 1-D tensors (biases, BN shifts) N(0, 0.05), weights
 * Kaiming-like N(0, sqrt(2 / fan_in)) so activations stay finite through the network. Returns the
 * path of the copied model; onnxruntime and loadOnnxModel then read the same files.
 */
export async function modelWithRandomWeights(name: string, seed = 0): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'interp-onnx-'));
  const target = join(folder, name);
  await copyFile(join(TEST_MODELS, name), target);
  const model = onnx.ModelProto.decode(await readFile(target));
  const rng = createRng(seed);
  const files = new Map<string, Float32Array[]>();
  const chunks: { location: string; offset: number; values: Float32Array }[] = [];
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== 1) continue;
    if (t.dataType !== 1) throw new Error(`test weights: ${t.name} is not float32`);
    const entries = new Map((t.externalData ?? []).map((e) => [e.key, e.value]));
    const dims = (t.dims ?? []).map((d) => int64ToNumber(d));
    const size = dims.reduce((a, b) => a * b, 1);
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      if (t.name?.includes('running_var')) values[i] = 0.5 + rng.random();
      else if (dims.length === 1) values[i] = 0.05 * rng.normal();
      else values[i] = Math.sqrt(2 / fanIn) * rng.normal();
    }
    chunks.push({
      location: entries.get('location')!,
      offset: Number(entries.get('offset') ?? 0),
      values,
    });
  }
  for (const { location } of chunks) files.set(location, []);
  for (const location of files.keys()) {
    const mine = chunks.filter((c) => c.location === location);
    const end = Math.max(...mine.map((c) => c.offset + c.values.byteLength));
    const bytes = new Uint8Array(end);
    for (const c of mine) bytes.set(new Uint8Array(c.values.buffer), c.offset);
    await writeFile(join(folder, location), bytes);
  }
  return target;
}
