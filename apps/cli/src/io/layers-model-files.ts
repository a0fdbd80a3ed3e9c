import { closeSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { printable } from '../format/printable.js';
import { type ModelFile, resolveModelFile } from './model-file.js';
import { readFileBytes, readFully } from './read-file.js';

export { type ModelFile, resolveModelFile } from './model-file.js';

/**
 * Largest total of weight bytes a model.json may declare: the weights are copied into the WASM
 * backend's memory, which stops at 4 GiB, and a larger declaration from a hostile manifest
 * must not become an allocation.
 */
export const MAX_WEIGHT_BYTES = 2 ** 31;

/** Bytes per element of each weight dtype tfjs saves (strings have no fixed size). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
/** Bytes per element of a quantized weight. */
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** A checked weights-manifest group: its files and weights, and the bytes they declare. */
interface WeightGroup {
  paths: string[];
  weights: tfc.io.WeightsManifestEntry[];
  bytes: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Bytes one manifest entry declares (dtype, or quantized dtype, times the shape's size). */
function entryBytes(entry: unknown, where: string): number {
  if (!isRecord(entry) || typeof entry.name !== 'string') {
    throw new InterpError('PARSE', `${where} is not a weight entry {name, shape, dtype}`);
  }
  const what = `${where} (${printable(entry.name)})`;
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InterpError('PARSE', `${what}: shape must be a list of integers >= 0`);
  }
  const q = entry.quantization;
  const per = isRecord(q)
    ? QUANTIZED_BYTES[String(q.dtype)]
    : Object.hasOwn(DTYPE_BYTES, String(entry.dtype))
      ? DTYPE_BYTES[String(entry.dtype)]
      : undefined;
  if (per === undefined) {
    throw new InterpError(
      'PARSE',
      `${what}: dtype ${printable(JSON.stringify(isRecord(q) ? q.dtype : entry.dtype))} is not supported; expected ${Object.keys(isRecord(q) ? QUANTIZED_BYTES : DTYPE_BYTES).join(', ')}`,
    );
  }
  let bytes = per;
  for (const d of shape as number[]) {
    bytes *= d;
    if (bytes > MAX_WEIGHT_BYTES) {
      throw new InterpError(
        'PARSE',
        `${what}: shape [${shape.join(', ')}] declares more than ${MAX_WEIGHT_BYTES} bytes`,
      );
    }
  }
  return bytes;
}

/** The manifest's groups, each checked: paths a non-empty list of strings, weights entries. */
function checkManifest(manifest: unknown, shown: string): WeightGroup[] {
  if (!Array.isArray(manifest)) {
    throw new InterpError('PARSE', `${shown}: weightsManifest must be a list of weight groups`);
  }
  let total = 0;
  return manifest.map((group, g) => {
    const where = `${shown}: weightsManifest[${g}]`;
    if (!isRecord(group)) throw new InterpError('PARSE', `${where} is not an object`);
    const { paths, weights } = group;
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string')) {
      throw new InterpError('PARSE', `${where}.paths must be a non-empty list of file names`);
    }
    if (!Array.isArray(weights)) {
      throw new InterpError('PARSE', `${where}.weights must be a list of weight entries`);
    }
    let bytes = 0;
    weights.forEach((w, i) => {
      bytes += entryBytes(w, `${where}.weights[${i}]`);
    });
    total += bytes;
    if (total > MAX_WEIGHT_BYTES) {
      throw new InterpError(
        'PARSE',
        `${shown}: the weights declare more than ${MAX_WEIGHT_BYTES} bytes, more than the CLI loads`,
      );
    }
    return { paths: paths as string[], weights: weights as tfc.io.WeightsManifestEntry[], bytes };
  });
}

/**
 * Reads one group's files (each resolved inside the model folder by {@link resolveModelFile})
 * into `into` at `offset`; their sizes together must equal what the group's weights declare.
 */
function readGroup(
  group: WeightGroup,
  dir: string,
  modelPath: string,
  g: number,
  into: Uint8Array,
  offset: number,
): void {
  const files: ModelFile[] = [];
  try {
    for (const p of group.paths) files.push(resolveModelFile(dir, p, modelPath));
    const size = files.reduce((a, f) => a + f.size, 0);
    if (size !== group.bytes) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${printable(modelPath)}: weightsManifest[${g}] declares ${group.bytes} bytes of weights but its file${files.length === 1 ? '' : 's'} ${group.paths.map((p) => printable(p)).join(', ')} hold${files.length === 1 ? 's' : ''} ${size}; the model files do not match (re-save the model)`,
      );
    }
    let at = offset;
    for (const [i, f] of files.entries()) {
      readFully(
        f.fd,
        into.subarray(at, at + f.size),
        f.size,
        0,
        `${printable(modelPath)}: weight file ${printable(group.paths[i]!)}`,
      );
      at += f.size;
    }
  } finally {
    for (const f of files) closeSync(f.fd);
  }
}

/** A model.json read from disk with its weights: the JSON, its checked groups, their bytes. */
export interface ModelFiles {
  json: Record<string, unknown> & { modelTopology: Record<string, unknown> };
  groups: WeightGroup[];
  weightData: Uint8Array;
}

/**
 * Reads a tfjs model.json (LayersModel or GraphModel) and its weight shards with the checks of
 * {@link loadLayersModelFromFile}; the caller builds the model.
 *
 * @example
 * ```ts
 * const { json, groups, weightData } = readModelFiles('mobilenet/model.json');
 * ```
 */
export function readModelFiles(modelPath: string): ModelFiles {
  const shown = printable(modelPath);
  const text = readFileBytes(modelPath, process.cwd()).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InterpError('PARSE', `${shown}: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(json) || !isRecord(json.modelTopology) || !('weightsManifest' in json)) {
    throw new InterpError(
      'PARSE',
      `${shown}: not a tfjs LayersModel model.json (needs modelTopology and weightsManifest)`,
    );
  }
  const groups = checkManifest(json.weightsManifest, shown);
  const dir = dirname(resolve(modelPath));
  const weightData = new Uint8Array(groups.reduce((a, g) => a + g.bytes, 0));
  let offset = 0;
  groups.forEach((group, g) => {
    readGroup(group, dir, modelPath, g, weightData, offset);
    offset += group.bytes;
  });
  return { json: json as ModelFiles['json'], groups, weightData };
}

/**
 * Loads a tfjs LayersModel saved in the standard format (model.json + binary weight shards) from
 * disk, without tfjs-node. The model.json must be a regular file; every weight path is resolved
 * inside the model's folder ({@link resolveModelFile}: no `../`, no symlink out, regular files
 * only); each group's files must hold exactly the bytes its weights declare; a malformed
 * manifest is an InterpError naming the file and the field.
 *
 * @example
 * ```ts
 * const model = await loadLayersModelFromFile({ ...tfl, io: tf.io }, 'mnist/model.json');
 * ```
 */
export async function loadLayersModelFromFile(
  tf: typeof tfl & { io: typeof tfc.io },
  modelPath: string,
  read: ModelFiles = readModelFiles(modelPath),
): Promise<tfl.LayersModel> {
  const shown = printable(modelPath);
  const { json, groups, weightData } = read;
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData: weightData.buffer,
      }),
    );
  } catch (e) {
    throw new InterpError('PARSE', `${shown}: cannot build the model (${shortMessage(e)})`);
  }
}

/** Longest cause quoted from tfjs: its errors can carry a whole model topology (~100 KB). */
const MAX_CAUSE_CHARS = 200;

/** The first line of an error from tfjs, cut to {@link MAX_CAUSE_CHARS}, made printable. */
export function shortMessage(e: unknown): string {
  const line = String((e as Error)?.message ?? e).split('\n')[0]!;
  return printable(line.length <= MAX_CAUSE_CHARS ? line : `${line.slice(0, MAX_CAUSE_CHARS)}...`);
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
