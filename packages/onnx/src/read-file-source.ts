import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InterpError } from '@interp/core/base';
import type { ModelSource } from './read-model-source.js';
import { sliceExternal } from './slice-external.js';

/**
 * A model file on disk (Node only; loaded lazily so browser bundles never reach node:fs). Each
 * external data file must resolve, after symlinks, inside the model's folder, be a regular file and
 * hold the bytes the model asks for.
 */
export async function readFileSource(path: string | URL): Promise<ModelSource> {
  const file = path instanceof URL ? fileURLToPath(path) : path;
  let bytes: Uint8Array;
  let folder: string;
  try {
    bytes = asBytes(await readFile(file));
    folder = await realpath(dirname(resolve(file)));
  } catch (e) {
    throw new InterpError(
      'IO',
      `loadOnnxModel: cannot read ${JSON.stringify(file)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`,
      { cause: e },
    );
  }
  const files = new Map<string, Promise<Uint8Array>>();
  return {
    bytes,
    label: file,
    owned: true,
    readExternal: async (location, offset, length, tensor) => {
      const target = await externalFile(folder, location, tensor);
      if (!files.has(target)) files.set(target, readFile(target).then(asBytes));
      return sliceExternal(await files.get(target)!, location, offset, length, tensor);
    },
  };
}

/**
 * The file's bytes as a plain Uint8Array over the Buffer's own memory: copying 45 MB of weights
 * here cost as much as reading them (the weights are copied once more, into the backend).
 */
function asBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

async function externalFile(folder: string, location: string, tensor: string): Promise<string> {
  const what = `external data ${JSON.stringify(location)} of tensor ${JSON.stringify(tensor)}`;
  if (isAbsolute(location)) {
    throw new InterpError(
      'IO',
      `loadOnnxModel: ${what} is an absolute path; external data must be named relative to the model's folder`,
    );
  }
  let real: string;
  try {
    real = await realpath(resolve(folder, location));
  } catch {
    throw new InterpError(
      'IO',
      `loadOnnxModel: ${what} is missing: no file ${JSON.stringify(resolve(folder, location))}; copy the data file the export wrote next to the .onnx file`,
    );
  }
  if (!real.startsWith(folder + sep)) {
    throw new InterpError(
      'IO',
      `loadOnnxModel: ${what} resolves to ${JSON.stringify(real)}, outside the model's folder ${JSON.stringify(folder)}; external data must sit beside the model`,
    );
  }
  if (!(await stat(real)).isFile()) {
    throw new InterpError(
      'IO',
      `loadOnnxModel: ${what} is not a regular file (${JSON.stringify(real)})`,
    );
  }
  return real;
}
