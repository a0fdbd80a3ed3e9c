import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';

/**
 * Largest text input (`.json`, `.csv`, `.txt`, vocab) read whole: JavaScript strings stop near
 * 512 MiB, and arrays that large belong in `.npy`, which is read in place.
 */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

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

function ioError(file: string, e: unknown): InterpError {
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
    throw ioError(name, e);
  }
  if (!stats.isFile()) throw new InterpError('IO', `cannot read ${name}: ${describeKind(stats)}`);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening does not block.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw ioError(name, e);
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

/**
 * The bytes of a regular file `file` (relative to `cwd`), at most `maxBytes` of them; errors
 * name the file as the user wrote it.
 */
export function readFileBytes(file: string, cwd: string, maxBytes = MAX_TEXT_BYTES): Buffer {
  const { fd, size } = openRegularFile(file, cwd);
  try {
    if (size > maxBytes) {
      throw new InterpError(
        'IO',
        `cannot read ${file}: it has ${size} bytes, more than the ${maxBytes} this format is read up to; save large arrays as .npy`,
      );
    }
    const bytes = Buffer.allocUnsafe(size);
    readFully(fd, bytes, size, 0, file);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * A JSON.parse error as one short printable line: V8 quotes the input around the error, which
 * may hold newlines and control characters.
 */
export function jsonErrorText(e: unknown): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const text = String((e as Error).message ?? e).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** Lower-case extension with the dot, or '' when there is none. */
export function extensionOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}
