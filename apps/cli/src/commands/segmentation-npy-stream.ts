// Reads .npy files in chunks of whole pixels through one reusable buffer, so a 184 MB score
// array costs a few MiB of memory. Only the header is parsed up front.
import { closeSync } from 'node:fs';
import { InterpError } from '@interp/core/base';
import {
  NPY_HEAD_BYTES,
  type NpyDType,
  npyDTypeName,
  npyItemSize,
  parseNpyHeader,
} from '@interp/data';
import { openRegularFile, readFully } from '../io/read-file.js';

/** An open .npy file: its header, and where its C-order data starts. */
export interface NpyFile {
  /** The path as the user gave it, for messages. */
  name: string;
  fd: number;
  dtype: NpyDType;
  shape: number[];
  /** Bytes per element. */
  itemSize: number;
  dataOffset: number;
}

/** True for the integer (and bool) dtypes. */
export function isIntegerDType(dtype: NpyDType): boolean {
  return dtype !== 'f4' && dtype !== 'f8';
}

/**
 * Opens a .npy file and parses its header (format versions 1-3, little-endian, C order), checking
 * that it is a regular file that holds all the data the header announces. Errors name the file
 * as `name` (the path as the user wrote it).
 */
export function openNpy(path: string, name = path): NpyFile {
  const fail = (why: string): never => {
    throw new InterpError('PARSE', `${name}: ${why}`);
  };
  const { fd, size } = openRegularFile(path, '/', name);
  try {
    const head = new Uint8Array(Math.min(size, NPY_HEAD_BYTES));
    readFully(fd, head, head.length, 0, name);
    const parsed = parseNpyHeader(head, name);
    const { dtype, shape, itemSize } = parsed;
    const dataOffset = parsed.dataOffset;
    const count = shape.reduce((a, b) => a * b, 1);
    if (size - dataOffset < count * itemSize) {
      fail(
        `truncated data: the header says ${shape.join(' x ')} ${npyDTypeName(dtype)} (${count * itemSize} bytes), the file has ${Math.max(0, size - dataOffset)}`,
      );
    }
    return { name, fd, dtype, shape, itemSize, dataOffset };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Closes the file (safe to call twice). */
export function closeNpy(file: NpyFile): void {
  if (file.fd >= 0) closeSync(file.fd);
  file.fd = -1;
}

/** Reads `count` elements starting at element `first` into `into` (at byte 0). */
export function readElements(file: NpyFile, into: Uint8Array, first: number, count: number): void {
  readFully(
    file.fd,
    into,
    count * file.itemSize,
    file.dataOffset + first * file.itemSize,
    file.name,
  );
}

/**
 * A view of `count` elements of `bytes` as numbers: the typed array of the dtype, except 64-bit
 * integers, which are narrowed into `scratch` (int32). A 64-bit value outside int32 becomes
 * `outOfRange`, which the caller chooses to be an invalid label.
 */
export function labelView(
  dtype: NpyDType,
  bytes: Uint8Array,
  count: number,
  scratch: Int32Array,
  outOfRange: number,
): ArrayLike<number> {
  const buf = bytes.buffer as ArrayBuffer;
  const at = bytes.byteOffset;
  switch (dtype) {
    case 'u1':
    case 'b1':
      return new Uint8Array(buf, at, count);
    case 'i1':
      return new Int8Array(buf, at, count);
    case 'i2':
      return new Int16Array(buf, at, count);
    case 'u2':
      return new Uint16Array(buf, at, count);
    case 'i4':
      return new Int32Array(buf, at, count);
    case 'u4':
      return new Uint32Array(buf, at, count);
    case 'i8':
    case 'u8': {
      // Little-endian halves: the value fits int32 when the high word is the low word's sign
      // extension (for uint64, zero with a non-negative low word).
      const words = new Int32Array(buf, at, count * 2);
      const signed = dtype === 'i8';
      for (let i = 0; i < count; i++) {
        const lo = words[2 * i]!;
        const hi = words[2 * i + 1]!;
        scratch[i] = (signed ? hi === lo >> 31 : hi === 0 && lo >= 0) ? lo : outOfRange;
      }
      return scratch.subarray(0, count);
    }
    default:
      throw new InterpError('INVALID_ARGUMENT', `not an integer dtype: ${dtype}`);
  }
}

/** The exact value of element `i` of `bytes` (for messages; 64-bit values as BigInt text). */
export function elementText(dtype: NpyDType, bytes: Uint8Array, i: number): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const size = npyItemSize(dtype);
  switch (dtype) {
    case 'f4':
      return String(view.getFloat32(i * size, true));
    case 'f8':
      return String(view.getFloat64(i * size, true));
    case 'i1':
      return String(view.getInt8(i));
    case 'u1':
    case 'b1':
      return String(view.getUint8(i));
    case 'i2':
      return String(view.getInt16(i * size, true));
    case 'u2':
      return String(view.getUint16(i * size, true));
    case 'i4':
      return String(view.getInt32(i * size, true));
    case 'u4':
      return String(view.getUint32(i * size, true));
    case 'i8':
      return String(view.getBigInt64(i * size, true));
    case 'u8':
      return String(view.getBigUint64(i * size, true));
  }
}
