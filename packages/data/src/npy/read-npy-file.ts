import { closeSync } from 'node:fs';
import { InterpError } from '@interp/core/base';
import { openRegularFile, readFully } from '../open-regular-file.js';
import { NPY_CTORS, NPY_HEAD_BYTES, type NpyArray, type NpyData } from './npy-types.js';
import { parseNpyHeader } from './parse-npy-header.js';

/**
 * Reads a `.npy` file (relative to `cwd`) straight into a typed array of its dtype: the header
 * first (a bad header or a size that does not match fails before any allocation), then the data
 * in 1 GiB pieces, so files over 2 GiB read and the peak memory is the array itself.
 *
 * @example
 * ```ts
 * const { shape, data } = readNpyFile('preds.npy', process.cwd());
 * ```
 */
export function readNpyFile(file: string, cwd: string): NpyArray {
  const { fd, size } = openRegularFile(file, cwd);
  try {
    const head = new Uint8Array(Math.min(size, NPY_HEAD_BYTES));
    readFully(fd, head, head.length, 0, file);
    const { dtype, shape, dataOffset, itemSize } = parseNpyHeader(head, file);
    const count = shape.reduce((a, b) => a * b, 1);
    const have = Math.max(0, size - dataOffset);
    if (have < count * itemSize) {
      throw new InterpError(
        'PARSE',
        `${file}: truncated data: header says ${count} values of ${itemSize} bytes, file has ${have} bytes`,
      );
    }
    let data: NpyData;
    try {
      data = new NPY_CTORS[dtype](count);
    } catch {
      throw new InterpError(
        'IO',
        `${file}: cannot allocate ${count * itemSize} bytes for shape (${shape.join(', ')})`,
      );
    }
    readFully(fd, new Uint8Array(data.buffer), count * itemSize, dataOffset, file);
    return { dtype, shape, data };
  } finally {
    closeSync(fd);
  }
}
