import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InterpError } from '@interp/core/base';
import { printable } from '../format/printable.js';

/**
 * Folders an output folder may never be in: kernel pseudo-filesystems, where writing has side
 * effects and Node 20's recursive mkdir loops forever (`/proc/self/nope`).
 */
export const FORBIDDEN_OUTPUT_ROOTS: readonly string[] = ['/proc', '/sys', '/dev'];

/** Mode of every file written (before the umask): readable by all, writable by the owner. */
const FILE_MODE = 0o644;

/** A checked, existing, writable output folder; every file goes through {@link OutputFolder.write}. */
export interface OutputFolder {
  /** The folder's absolute path. */
  readonly path: string;
  /**
   * Writes `name` (a plain file name) in the folder: to a fresh temporary file (created with
   * O_EXCL, so never through a planted symlink), then renamed over `name`, so a reader never
   * sees half a file and a symlink named `name` is replaced, not followed. Returns the path to
   * show the user (as they named the folder).
   */
  write(name: string, data: string | Uint8Array): string;
  /**
   * Writes several files all or nothing: each is staged under a temporary name first, and only
   * when all are staged are they renamed into place, so a full disk leaves none of them.
   */
  writeAll(files: readonly (readonly [string, string | Uint8Array])[]): string[];
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function why(code: string): string {
  switch (code) {
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EEXIST':
      return 'it exists and is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return code;
  }
}

/** The real path `abs` would have: its deepest existing ancestor resolved, the rest appended. */
function realDestination(abs: string): string {
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return abs;
      rest.push(basename(existing));
      existing = parent;
    }
  }
}

function insideForbidden(path: string): string | undefined {
  return FORBIDDEN_OUTPUT_ROOTS.find((root) => path === root || path.startsWith(`${root}${sep}`));
}

/**
 * Checks and creates the output folder `dir` (as the user wrote it for `option`, relative to
 * `cwd`) before a command does any work, so a bad `--out` costs no computation: a folder under
 * `/proc`, `/sys` or `/dev` (checked on the real path, so a symlink there is caught too), an
 * existing file, any mkdir error and a folder where a file cannot be created (probed by
 * creating and removing one, which also catches read-only mounts that root's permission
 * bypass hides from `access`) are InterpErrors naming the option and folder.
 *
 * @example
 * ```ts
 * const out = prepareOutputFolder('figures', process.cwd());
 * out.write('confusion_matrix.svg', svgText); // 'figures/confusion_matrix.svg'
 * ```
 */
export function prepareOutputFolder(dir: string, cwd: string, option = '--out'): OutputFolder {
  const shown = `${option} ${printable(dir)}`;
  if (dir === '') throw new InterpError('INVALID_OPTION', `${option} needs a folder name`);
  const abs = resolve(cwd, dir);
  const forbidden = insideForbidden(abs) ?? insideForbidden(realDestination(abs));
  if (forbidden !== undefined) {
    throw new InterpError(
      'IO',
      `${shown}: cannot write under ${forbidden} (a system folder); choose a folder of your own`,
    );
  }
  try {
    const stats = statSync(abs, { throwIfNoEntry: false });
    if (stats !== undefined && !stats.isDirectory()) {
      throw new InterpError('IO', `${shown}: it exists and is not a folder; choose another --out`);
    }
    if (stats === undefined) mkdirSync(abs, { recursive: true });
  } catch (e) {
    if (e instanceof InterpError) throw e;
    throw new InterpError('IO', `${shown}: cannot create the folder: ${why(errnoOf(e))}`);
  }
  /** Writes `data` to a fresh temporary file in the folder; returns its path. */
  const stage = (name: string, data: string | Uint8Array): string => {
    if (name === '' || name !== basename(name) || name === '.' || name === '..') {
      throw new InterpError('INVALID_ARGUMENT', `not a plain file name: ${printable(name)}`);
    }
    const temp = join(abs, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let fd: number | undefined;
    try {
      fd = openSync(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
        FILE_MODE,
      );
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let done = 0;
      while (done < bytes.byteLength) {
        done += writeSync(fd, bytes, done, Math.min(bytes.byteLength - done, 2 ** 30));
      }
      closeSync(fd);
      return temp;
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      removeQuietly(temp);
      throw new InterpError(
        'IO',
        `cannot write ${printable(join(dir, name))} (${option}): ${why(errnoOf(e))}`,
      );
    }
  };
  const writeAll = (files: readonly (readonly [string, string | Uint8Array])[]): string[] => {
    const temps: string[] = [];
    try {
      for (const [name, data] of files) temps.push(stage(name, data));
      files.forEach(([name], i) => {
        try {
          renameSync(temps[i]!, join(abs, name));
        } catch (e) {
          throw new InterpError(
            'IO',
            `cannot write ${printable(join(dir, name))} (${option}): ${why(errnoOf(e))}`,
          );
        }
      });
    } finally {
      // After a failure the staged files go; after success they were renamed and are gone.
      for (const temp of temps) removeQuietly(temp);
    }
    return files.map(([name]) => printable(join(dir, name)));
  };
  const folder: OutputFolder = {
    path: abs,
    write: (name, data) => writeAll([[name, data]])[0]!,
    writeAll,
  };
  probeWritable(abs, shown);
  return folder;
}

function probeWritable(abs: string, shown: string): void {
  const probe = join(abs, `.interp-probe.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    closeSync(
      openSync(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE),
    );
    unlinkSync(probe);
  } catch (e) {
    throw new InterpError('IO', `${shown}: cannot write in the folder: ${why(errnoOf(e))}`);
  }
}
