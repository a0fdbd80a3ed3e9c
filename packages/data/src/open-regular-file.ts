import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';

/** An open regular file: its descriptor and size. Close it with `closeSync(fd)`. */
export interface OpenFile {
  fd: number;
  size: number;
}

/**
 * What a path that is not a regular file is, for messages: `a directory`, `a FIFO (named pipe)`,
 * `a device`, `a socket`, or `not a regular file`.
 *
 * @example
 * ```ts
 * fileKind(lstatSync('/dev/zero')); // 'a device'
 * ```
 */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(name: string, stats: Stats): InterpError {
  const kind = fileKind(stats);
  return new InterpError(
    'IO',
    `cannot read ${name}: ${kind === 'not a regular file' ? 'it is not a regular file' : `it is ${kind}, not a regular file`}`,
  );
}

/**
 * An `InterpError` for a failed file operation, naming the file as the user knows it.
 *
 * @example
 * ```ts
 * try { statSync('nope.csv'); } catch (e) { throw ioError('nope.csv', e); } // cannot read nope.csv: no such file
 * ```
 */
export function ioError(name: string, e: unknown): InterpError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ELOOP'
            ? 'it is a symbolic link'
            : (code ?? (e as Error).message);
  return new InterpError('IO', `cannot read ${name}: ${why}`);
}

/**
 * Opens `path` read-only and checks the descriptor is a regular file. `O_NONBLOCK`: a path swapped
 * for a FIFO after a check does not block the open; `noFollow` refuses a final symbolic link (for
 * a path already resolved with `realpath`). Returns the descriptor's stats too, so a caller can
 * compare them with an earlier `lstat` and catch a swap.
 *
 * @example
 * ```ts
 * const { fd, stats } = openCheckedFile('/data/digits/7/1.png', 'digits/7/1.png', { noFollow: true });
 * closeSync(fd);
 * ```
 */
export function openCheckedFile(
  path: string,
  name: string,
  options: { noFollow?: boolean } = {},
): OpenFile & { stats: Stats } {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_RDONLY |
        (constants.O_NONBLOCK ?? 0) |
        (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0),
    );
  } catch (e) {
    throw ioError(name, e);
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw notRegular(name, stats);
  }
  return { fd, size: stats.size, stats };
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
    throw ioError(name, e);
  }
  if (!stats.isFile()) throw notRegular(name, stats);
  const { fd, size } = openCheckedFile(path, name);
  return { fd, size };
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
