import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';

/** The bytes of `file` (relative to `cwd`); errors name the file as the user wrote it. */
export function readFileBytes(file: string, cwd: string): Buffer {
  try {
    return readFileSync(resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (code ?? (e as Error).message);
    throw new InterpError('IO', `cannot read ${file}: ${why}`);
  }
}

/** Lower-case extension with the dot, or '' when there is none. */
export function extensionOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}
