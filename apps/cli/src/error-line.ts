import { printable } from './format/printable.js';

/**
 * One printable line, whatever the message holds: messages quote file names, class names and
 * values from untrusted files, so controls and bidi overrides are escaped here as a last guard.
 *
 * @example
 * ```ts
 * oneLine('bad\n  name \x1b[2J'); // 'bad name \\x1b[2J'
 * ```
 */
export function oneLine(text: string): string {
  return printable(text.replace(/\s*\n\s*/g, ' ').trim());
}

/** Errors the operating system reports on a named file: bad input, not a bug of ours. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large',
  ERR_FS_FILE_TOO_LARGE: 'the file is too large to read whole',
};

/**
 * The one line for a Node file-system error that escaped a command (`EISDIR` and the like
 * carry the path): it names the file, so the user can fix it (exit 2), instead of `internal
 * error`; `undefined` for any other error.
 *
 * @example
 * ```ts
 * fileErrorLine(Object.assign(new Error('x'), { code: 'EISDIR', syscall: 'read', path: 'p' }));
 * // 'cannot read p: it is a directory (EISDIR)'
 * ```
 */
export function fileErrorLine(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (err === undefined || err === null || typeof err.code !== 'string') return undefined;
  const why = Object.hasOwn(FILE_ERRORS, err.code) ? FILE_ERRORS[err.code] : undefined;
  if (why === undefined || typeof err.path !== 'string') return undefined;
  const verb =
    err.syscall === 'open'
      ? 'cannot open'
      : err.syscall === 'read'
        ? 'cannot read'
        : 'cannot access';
  return oneLine(`${verb} ${err.path}: ${why} (${err.code})`);
}
