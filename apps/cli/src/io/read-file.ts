import { closeSync } from 'node:fs';
import { InterpError } from '@interp/core/base';
import { openRegularFile, readFully } from '@interp/data/files';

// One opener for every input: it lives with the .npy reader in @interp/data.
export { type OpenFile, openRegularFile, readFully } from '@interp/data/files';

/**
 * Largest text input (`.json`, `.csv`, `.txt`, vocab) read whole: JavaScript strings stop near
 * 512 MiB, and arrays that large belong in `.npy`, which is read in place.
 */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

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
