// nsfwjs 4.3.0's Keras MobileNetV2 (a LayersModel, 224 x 224 x 3) for the bench scripts that
// profile the tape-free input gradient: extracted into a cache by the repo's script, loaded from
// memory with the caller's tfjs (the bundled scripts keep tfjs external).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The model; `bench` is the bench/ directory (bundled scripts get it from bundled()). */
export async function loadNsfwjsMobileNetV2(tf, tfl, bench) {
  const script = join(bench, '..', 'scripts', 'extract-nsfwjs-models.mjs');
  const path = execFileSync(process.execPath, [script], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .find((p) => p.endsWith('/mobilenet_v2/model.json'));
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const data = Buffer.concat(
    json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p)))),
  );
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
}
