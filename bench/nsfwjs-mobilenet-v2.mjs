// nsfwjs 4.3.0's MobileNetV2s for the bench scripts that profile the tape-free input gradient: the
// Keras LayersModel (mobilenet_v2) and the GraphModel (mobilenet_v2_mid), 224 x 224 x 3, extracted
// into a cache by the repo's script, loaded from memory with the caller's tfjs (the bundled
// scripts keep tfjs external).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `load` (tfjs-layers' loadLayersModel or tfjs-converter's loadGraphModel) of one extracted model. */
async function loadExtracted(tf, load, bench, folder) {
  const script = join(bench, '..', 'scripts', 'extract-nsfwjs-models.mjs');
  const path = execFileSync(process.execPath, [script], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .find((p) => p.endsWith(`/${folder}/model.json`));
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const data = Buffer.concat(
    json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p)))),
  );
  return load(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
}

/** The LayersModel; `bench` is the bench/ directory (bundled scripts get it from bundled()). */
export function loadNsfwjsMobileNetV2(tf, tfl, bench) {
  return loadExtracted(tf, tfl.loadLayersModel, bench, 'mobilenet_v2');
}

/** The GraphModel (`loadGraphModel` from @tensorflow/tfjs-converter); `bench` as above. */
export function loadNsfwjsMobileNetV2Graph(tf, loadGraphModel, bench) {
  return loadExtracted(tf, loadGraphModel, bench, 'mobilenet_v2_mid');
}
