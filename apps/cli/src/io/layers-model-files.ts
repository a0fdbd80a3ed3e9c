import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InterpError } from '@interp/core/base';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  weightsManifest?: { paths: string[]; weights: tfc.io.WeightsManifestEntry[] }[];
}

/**
 * Loads a tfjs LayersModel saved in the standard format (model.json + binary weight shards) from
 * disk, without tfjs-node. Errors name the file and the problem.
 */
export async function loadLayersModelFromFile(
  tf: typeof tfl & { io: typeof tfc.io },
  modelPath: string,
): Promise<tfl.LayersModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(modelPath, 'utf8')) as ModelJson;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InterpError(
      'IO',
      code === 'ENOENT'
        ? `cannot read ${modelPath}: no such file`
        : code
          ? `cannot read ${modelPath}: ${code}`
          : `${modelPath}: not valid JSON (${(e as Error).message})`,
    );
  }
  if (
    !json ||
    typeof json !== 'object' ||
    !json.modelTopology ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new InterpError(
      'PARSE',
      `${modelPath}: not a tfjs LayersModel model.json (needs modelTopology and weightsManifest)`,
    );
  }
  const dir = dirname(modelPath);
  const specs: tfc.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = join(dir, p);
      try {
        buffers.push(readFileSync(file));
      } catch {
        throw new InterpError('IO', `${modelPath}: weight file ${p} is missing next to it`);
      }
    }
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as object,
        weightSpecs: specs,
        weightData: weightData.buffer,
      }),
    );
  } catch (e) {
    throw new InterpError(
      'PARSE',
      `${modelPath}: cannot build the model (${(e as Error).message.split('\n')[0]})`,
    );
  }
}

/** Saves a LayersModel as `dir/model.json` + `dir/weights.bin` (the standard tfjs layout). */
export async function saveLayersModelToDir(model: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const modelPath = join(dir, 'model.json');
  await model.save({
    save: async (artifacts) => {
      const data = artifacts.weightData;
      const bytes =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(await new Blob(data as ArrayBuffer[]).arrayBuffer());
      writeFileSync(join(dir, 'weights.bin'), bytes);
      writeFileSync(
        modelPath,
        JSON.stringify({
          format: 'layers-model',
          generatedBy: 'interp',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [
            { paths: [basename(join(dir, 'weights.bin'))], weights: artifacts.weightSpecs },
          ],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  return modelPath;
}
