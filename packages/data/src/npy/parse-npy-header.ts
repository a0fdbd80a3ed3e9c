import { InterpError } from '@interp/core/base';
import { parseHeaderDict } from './npy-header-dict.js';
import {
  MAX_NPY_HEADER_BYTES,
  NPY_CTORS,
  NPY_MAGIC,
  type NpyDType,
  type NpyHeader,
  npyItemSize,
} from './npy-types.js';

/**
 * Parses the header of a `.npy` file from its first bytes, as numpy's `format.read_array_header`
 * does but stricter: format version 1.0, 2.0 or 3.0; the header a Python dict literal with exactly
 * the keys `descr` (a string), `fortran_order` (True or False) and `shape` (a tuple of
 * non-negative decimal integers, Python's tuple and trailing-comma rules), written as numpy writes
 * it: printable ASCII, no NUL, padded with spaces to a multiple of 16 bytes and ended by a newline.
 * Forms numpy would also read but never writes (`0x4`, `1_0`, `+4`, comments, string
 * concatenation, duplicate keys) are refused; so are little-endian-incompatible, Fortran-order
 * and non-numeric arrays. Errors name the file (`name`) and the problem.
 *
 * @example
 * ```ts
 * parseNpyHeader(encodeNpy(Float32Array.of(1, 2), [2])).shape; // [2]
 * ```
 */
export function parseNpyHeader(head: Uint8Array, name = 'array'): NpyHeader {
  const fail = (why: string): never => {
    throw new InterpError('PARSE', `${name}: ${why}`);
  };
  if (head.length < 8 || NPY_MAGIC.some((m, i) => head[i] !== m)) {
    fail('not a .npy file (missing the \\x93NUMPY magic)');
  }
  const major = head[6]!;
  const minor = head[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    fail(`unsupported .npy format version ${major}.${minor} (numpy writes 1.0, 2.0 or 3.0)`);
  }
  const offset = major === 1 ? 10 : 12;
  if (head.length < offset) fail('truncated .npy header');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLen > MAX_NPY_HEADER_BYTES) {
    fail(
      `the .npy header is ${headerLen} bytes, more than numpy's limit of ${MAX_NPY_HEADER_BYTES}`,
    );
  }
  if (offset + headerLen > head.length) fail('truncated .npy header');
  const bytes = head.subarray(offset, offset + headerLen);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const ok = (b >= 0x20 && b < 0x7f) || b === 0x09 || (b === 0x0a && i === bytes.length - 1);
    if (!ok) {
      fail(
        b === 0
          ? `malformed .npy header: a NUL byte at header byte ${i}`
          : b === 0x0a
            ? 'malformed .npy header: a newline before its end'
            : `malformed .npy header: byte 0x${b.toString(16).padStart(2, '0')} at header byte ${i} (headers are printable ASCII)`,
      );
    }
  }
  if (bytes[bytes.length - 1] !== 0x0a) fail('malformed .npy header: it must end with a newline');
  if ((offset + headerLen) % 16 !== 0) {
    fail(
      `malformed .npy header: the data starts at byte ${offset + headerLen}, not at a multiple of 16 (numpy pads the header with spaces to a multiple of 64)`,
    );
  }
  let text = '';
  for (let i = 0; i < bytes.length - 1; i++) text += String.fromCharCode(bytes[i]!);
  const dict = parseHeaderDict(text.replace(/ +$/, ''), fail);
  const descr = dict.descr;
  if (typeof descr !== 'string') return fail(`malformed .npy header: descr is not a string`);
  if (typeof dict.fortran_order !== 'boolean') {
    return fail('malformed .npy header: fortran_order is not True or False');
  }
  if (!Array.isArray(dict.shape)) return fail('malformed .npy header: shape is not a tuple');
  if (dict.fortran_order) {
    fail('Fortran-order arrays are not supported; save with np.ascontiguousarray');
  }
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return fail(`unsupported dtype '${descr}' (use float32, float64 or an integer type)`);
  const [, order, kind, size] = m as unknown as [string, string, string, string];
  const dtype = `${kind}${size}` as NpyDType;
  if (!Object.hasOwn(NPY_CTORS, dtype)) return fail(`unsupported dtype '${descr}'`);
  const itemSize = npyItemSize(dtype);
  if (order === '>' && itemSize > 1)
    fail(`big-endian dtype '${descr}' is not supported; save as little-endian`);
  const shape = dict.shape;
  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count * itemSize)) {
    fail(`shape (${shape.join(', ')}) is too large (more than 2^53 bytes)`);
  }
  return { dtype, descr, shape, dataOffset: offset + headerLen, itemSize };
}
