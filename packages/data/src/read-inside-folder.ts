import { closeSync, lstatSync, realpathSync, type Stats } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { InterpError } from '@interp/core/base';
import { ioError, openCheckedFile, readFully } from './open-regular-file.js';

/** Largest single file read (an image or a labels CSV), in bytes. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** True when `path` is `root` or below it (both absolute, resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/**
 * The real path of `path` if it stays inside `root` (a symbolic link may point elsewhere in the
 * folder, never out of it); `name` goes in error messages.
 */
export function realPathInside(root: string, path: string, name: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw ioError(name, e);
  }
  if (!isInside(root, real)) {
    throw new InterpError(
      'IO',
      `${name} leads outside the folder (a symbolic link to ${real}); interp reads only files inside the folder`,
    );
  }
  return real;
}

/** Stats of `path` without following a final symbolic link. */
export function lstatOrThrow(path: string, name: string): Stats {
  try {
    return lstatSync(path);
  } catch (e) {
    throw ioError(name, e);
  }
}

/**
 * The bytes of the regular file `path` inside `root` (real, absolute), refusing links out of the
 * folder, anything but a regular file (a FIFO would block, a device never ends) and files over
 * `maxBytes`.
 */
export function readFileInside(
  root: string,
  path: string,
  name: string,
  maxBytes = MAX_FILE_BYTES,
): Uint8Array {
  const real = realPathInside(root, resolve(path), name);
  const { fd, size } = openCheckedFile(real, name, { noFollow: true });
  try {
    if (size > maxBytes) {
      throw new InterpError(
        'IO',
        `${name} is ${size} bytes, more than the ${maxBytes} interp reads`,
      );
    }
    const out = new Uint8Array(size);
    readFully(fd, out, size, 0, name);
    return out;
  } finally {
    closeSync(fd);
  }
}
