import { closeSync, lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { fileKind, openCheckedFile } from '@interp/data/files';
import { printable } from '../format/printable.js';

/** A file of a model folder, checked and opened: its real path, descriptor and size. */
export interface ModelFile {
  /** The real path (symlinks resolved), inside the model's folder. */
  path: string;
  fd: number;
  size: number;
}

/**
 * Resolves and opens `relPath`, a file a model names (a weights-manifest path, an ONNX
 * external-data location, a GraphModel shard), under the rules that keep a hostile model from
 * reading anything else: the path is resolved with symlinks followed and must stay inside the
 * real path of `modelDir` (no `../`, no absolute path, no symlink out); it must be a regular
 * file (a FIFO, a device such as `/dev/zero` or a directory is refused before a byte is read);
 * the descriptor is checked again after opening, so a swap between the check and the open is
 * caught. `owner` names the file that listed `relPath`, for the error messages.
 *
 * @example
 * ```ts
 * const { fd, size } = resolveModelFile('models/mnist', 'weights.bin', 'models/mnist/model.json');
 * closeSync(fd);
 * ```
 */
export function resolveModelFile(modelDir: string, relPath: unknown, owner: string): ModelFile {
  const shownOwner = printable(owner);
  if (typeof relPath !== 'string' || relPath === '' || relPath.includes('\0')) {
    throw new InterpError(
      'PARSE',
      `${shownOwner}: a file path it lists is ${typeof relPath === 'string' ? JSON.stringify(relPath) : typeof relPath}, not a file name`,
    );
  }
  const shown = `${shownOwner}: file ${printable(JSON.stringify(relPath))}`;
  let root: string;
  try {
    root = realpathSync(modelDir);
  } catch (e) {
    throw new InterpError(
      'IO',
      `cannot read the folder of ${shownOwner}: ${(e as NodeJS.ErrnoException).code}`,
    );
  }
  let real: string;
  try {
    real = realpathSync(resolve(root, relPath));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InterpError(
      'IO',
      code === 'ENOENT'
        ? `${shown} is missing next to it`
        : `${shown} cannot be read (${code ?? (e as Error).message})`,
    );
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InterpError(
      'IO',
      `${shown} is outside the model's folder; a model may only name files inside its own folder`,
    );
  }
  const before = lstatSync(real);
  if (!before.isFile()) {
    throw new InterpError('IO', `${shown} is ${fileKind(before)}, not a regular file`);
  }
  const { fd, size, stats: opened } = openCheckedFile(real, shown, { noFollow: true });
  if (opened.ino !== before.ino || opened.dev !== before.dev) {
    closeSync(fd);
    throw new InterpError('IO', `${shown} changed while it was opened; run again`);
  }
  return { path: real, fd, size };
}
