// GradCAM's differentiated pass before and after replaceOutput (the adapters skip the layers
// before the CAM layer): times, in one run, the two-pass algorithm with a plain hook `() => a`
// (what GradCAM did: the whole forward again under the tape), the same with replaceOutput(a)
// (the head alone), GradCAM.attribute as it is now, and the forward. Models: nsfwjs's Keras
// MobileNetV2 (LayersModel, NHWC), nsfwjs's MobileNetV2 GraphModel (mobilenet_v2_mid, NHWC) and
// torchvision's ResNet-18 ONNX export (seeded random weights), 224 x 224, warm medians of 5.
//   node bench/gradcam-head.mjs
// Env: GC_THREADS (default 1), GC_N=1,8,
// GC_MODELS=nsfwjs_mobilenet_v2,nsfwjs_mobilenet_v2_mid,resnet18.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { bundled } from './bundled.mjs';
import { time } from './lib.mjs';

const here = bundled(import.meta.url);

const { GradCAM } = await import('@interp/attribution');
const { setupBackend, getBackendInfo, replaceOutput, toModelGraph } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const tf = await import('@tensorflow/tfjs-core');
const tfl = await import('@tensorflow/tfjs-layers');
const tfconv = await import('@tensorflow/tfjs-converter');
const { modelWithRandomWeights } = await import(
  '../packages/onnx/scripts/random-external-data.mjs'
);

const NSFWJS = 'nsfwjs_mobilenet_v2';
const NSFWJS_GRAPH = 'nsfwjs_mobilenet_v2_mid';
const threads = Number(process.env.GC_THREADS ?? 1);
const sizes = (process.env.GC_N ?? '1,8').split(',').map(Number);
const names = (process.env.GC_MODELS ?? `${NSFWJS},${NSFWJS_GRAPH},resnet18`).split(',');
await setupBackend('wasm', { threads });
console.log(
  `backend ${JSON.stringify(getBackendInfo())}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

async function loadModel(name) {
  if (!name.startsWith('nsfwjs_')) {
    const models = join(here, '..', 'packages', 'onnx', 'test-models');
    return loadOnnxModel(await modelWithRandomWeights(join(models, `${name}.onnx`), 1));
  }
  const script = join(here, '..', 'scripts', 'extract-nsfwjs-models.mjs');
  const folder = name.slice('nsfwjs_'.length);
  const path = execFileSync(process.execPath, [script], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .find((p) => p.endsWith(`/${folder}/model.json`));
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const data = Buffer.concat(
    json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p)))),
  );
  const artifacts = tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  });
  return name === NSFWJS_GRAPH ? tfconv.loadGraphModel(artifacts) : tfl.loadLayersModel(artifacts);
}

for (const name of names) {
  const model = await loadModel(name);
  const graph = toModelGraph(model);
  const cam = new GradCAM(model);
  const layer = cam.layerName;
  for (const n of sizes) {
    const shape = graph.layout === 'NHWC' ? [n, 224, 224, 3] : [n, 3, 224, 224];
    const x = tf.tensor(
      Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
      shape,
    );
    // GradCAM's two passes: the activation (no tape), then d score / d activation.
    const twoPass = (hookOf) => async () => {
      const a = tf.tidy(() => graph.run(x, { taps: [layer] }).taps[layer]);
      const g = tf.tidy(() =>
        tf.grad((t) => tf.sum(graph.run(x, { hooks: { [layer]: hookOf(t) } }).output))(a),
      );
      await g.data();
      tf.dispose([a, g]);
    };
    const jobs = {
      forward: async () => {
        const y = graph.predict(x);
        await y.data();
        y.dispose();
      },
      plainHook: twoPass((t) => () => t),
      replaceOutput: twoPass((t) => replaceOutput(t)),
      gradcam: async () => {
        const s = await cam.attribute(x, { target: 0 });
        await s.data();
        s.dispose();
      },
    };
    const times = {};
    for (const [job, fn] of Object.entries(jobs)) times[job] = (await time(fn, { runs: 5 })).median;
    const f = times.forward;
    console.log(
      `${name} (layer ${layer}) x${n} threads ${threads}: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v.toFixed(1)} ms (${(v / f).toFixed(2)}x fwd)`)
        .join(
          ', ',
        )}; plainHook/replaceOutput ${(times.plainHook / times.replaceOutput).toFixed(2)}; load ${loadavg()[0].toFixed(2)}`,
    );
    x.dispose();
  }
  graph.dispose();
  // A LayersModel or GraphModel keeps its weights apart from its graph (an ONNX model is one).
  if (model !== graph) model.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
// The WASM backend's pthread workers keep Node alive at 2 threads: the run hung after its last line.
process.exit(0);
