import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';

/** An open regular file: its descriptor and size. Close it with `closeSync(fd)`. */
export interface OpenFile {
  fd: number;
  size: number;
}

function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'it is a directory';
  if (stats.isFIFO()) return 'it is a FIFO (named pipe), not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice())
    return 'it is a device, not a regular file';
  if (stats.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

function openError(file: string, e: unknown): InterpError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (code ?? (e as Error).message);
  return new InterpError('IO', `cannot read ${file}: ${why}`);
}

/**
 * Opens a user-named input for reading, refusing anything but a regular file before a byte is
 * read: a FIFO would block forever and `/dev/zero` never ends. Errors name the file as the user
 * wrote it.
 *
 * @example
 * ```ts
 * const { fd, size } = openRegularFile('preds.npy', process.cwd());
 * closeSync(fd);
 * ```
 */
export function openRegularFile(file: string, cwd: string, name = file): OpenFile {
  const path = resolve(cwd, file);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (e) {
    throw openError(name, e);
  }
  if (!stats.isFile()) throw new InterpError('IO', `cannot read ${name}: ${describeKind(stats)}`);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening does not block.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw openError(name, e);
  }
  const opened = fstatSync(fd);
  if (!opened.isFile()) {
    closeSync(fd);
    throw new InterpError('IO', `cannot read ${name}: ${describeKind(opened)}`);
  }
  return { fd, size: opened.size };
}

/**
 * Reads `length` bytes at `position` into `into` (from its start), in pieces of at most 1 GiB
 * (one read call is limited to 2 GiB). Throws when the file ends first.
 *
 * @example
 * ```ts
 * const head = new Uint8Array(16);
 * readFully(fd, head, 16, 0, 'preds.npy');
 * ```
 */
export function readFully(
  fd: number,
  into: Uint8Array,
  length: number,
  position: number,
  file = 'the file',
): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, Math.min(length - done, 2 ** 30), position + done);
    if (n === 0) throw new InterpError('IO', `${file}: unexpected end of file`);
    done += n;
  }
}
