// Writes seeded random weights into the external data file of an ONNX graph whose weights were
// not committed (test-models/resnet18.onnx, mobilenet_v2.onnx). Used by the tests and by
// bench/onnx.bench.mjs; onnxruntime and loadOnnxModel then read the same files.
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** mulberry32: a small seeded generator, enough for test weights. */
function generator(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/**
 * Copies the graph at `modelPath` into a fresh temp folder and writes its external data files
 * there: BN running variances uniform(0.5, 1.5), 1-D tensors (biases, BN shifts) N(0, 0.05),
 * weights Kaiming-like N(0, sqrt(2 / fan_in)) so activations stay finite. Returns the new path.
 */
export async function modelWithRandomWeights(modelPath, seed = 0) {
  const folder = await mkdtemp(join(tmpdir(), 'interp-onnx-'));
  const target = join(folder, basename(modelPath));
  await copyFile(modelPath, target);
  const model = onnx.ModelProto.decode(await readFile(target));
  const rng = generator(seed);
  const files = new Map();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== 1) continue;
    if (t.dataType !== 1) throw new Error(`random weights: ${t.name} is not float32`);
    const entries = new Map((t.externalData ?? []).map((e) => [e.key, e.value]));
    const dims = (t.dims ?? []).map(Number);
    const size = dims.reduce((a, b) => a * b, 1);
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      if (t.name.includes('running_var')) values[i] = 0.5 + rng.uniform();
      else if (dims.length === 1) values[i] = 0.05 * rng.normal();
      else values[i] = Math.sqrt(2 / fanIn) * rng.normal();
    }
    const location = entries.get('location');
    if (!files.has(location)) files.set(location, []);
    files.get(location).push({ offset: Number(entries.get('offset') ?? 0), values });
  }
  for (const [location, chunks] of files) {
    const end = Math.max(...chunks.map((c) => c.offset + c.values.byteLength));
    const bytes = new Uint8Array(end);
    for (const c of chunks) bytes.set(new Uint8Array(c.values.buffer), c.offset);
    await writeFile(join(folder, location), bytes);
  }
  return target;
}
