import { closeSync } from 'node:fs';
import { InterpError } from '@interp/core/base';
import { openRegularFile, readFully } from './read-file.js';

/** The element types interp reads from `.npy` files. */
export type NpyDType = 'f4' | 'f8' | 'i1' | 'u1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'b1';

export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A parsed `.npy` array: C-order data and its shape. */
export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const CTORS = {
  f4: Float32Array,
  f8: Float64Array,
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
} as const;

/** What a `.npy` header says: element type, shape, and where the data starts. */
export interface NpyHeader {
  dtype: NpyDType;
  /** The dtype as written in the header, for example '<f4'. */
  descr: string;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
  /** Bytes per value. */
  itemSize: number;
}

/** numpy's own limit on a header's length (`max_header_size`), in bytes. */
export const MAX_NPY_HEADER_BYTES = 10_000;

/** Bytes to read from the start of a file to be sure to hold any header {@link parseNpyHeader} accepts. */
export const NPY_HEAD_BYTES = 12 + MAX_NPY_HEADER_BYTES;

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
  if (head.length < 8 || MAGIC.some((m, i) => head[i] !== m)) {
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
  if (!Object.hasOwn(CTORS, dtype)) return fail(`unsupported dtype '${descr}'`);
  const itemSize = CTORS[dtype].BYTES_PER_ELEMENT;
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

type HeaderValue = string | boolean | number[];

const DIGITS = /\d+/y;

/**
 * The header dict: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` with
 * single- or double-quoted keys and strings (no escapes), spaces around tokens, an optional
 * trailing comma. Exactly the three keys, each once.
 */
function parseHeaderDict(text: string, fail: (why: string) => never): Record<string, HeaderValue> {
  let i = 0;
  const bad = (what: string): never =>
    fail(
      `malformed .npy header: ${what} at column ${i + 1} of ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`,
    );
  const spaces = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const expect = (c: string) => {
    spaces();
    if (text[i] !== c) bad(`expected '${c}'`);
    i++;
  };
  const string = (): string => {
    spaces();
    const q = text[i];
    if (q !== "'" && q !== '"') return bad('expected a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) return bad('unterminated string');
    const s = text.slice(i + 1, end);
    if (s.includes('\\')) return bad('a backslash escape');
    i = end + 1;
    return s;
  };
  const integer = (): number => {
    spaces();
    DIGITS.lastIndex = i;
    const m = DIGITS.exec(text);
    if (m === null) return bad('expected a non-negative decimal integer');
    const digits = m[0];
    if (/^0\d/.test(digits) && !/^0+$/.test(digits)) bad('a decimal integer with a leading zero');
    i += digits.length;
    if (/[0-9A-Za-z_.]/.test(text[i] ?? '')) bad('a shape entry that is not a decimal integer');
    const v = Number(digits);
    if (!Number.isSafeInteger(v)) bad('a dimension beyond 2^53');
    return v;
  };
  const tuple = (): number[] => {
    expect('(');
    const dims: number[] = [];
    spaces();
    if (text[i] === ')') {
      i++;
      return dims;
    }
    for (;;) {
      dims.push(integer());
      spaces();
      if (text[i] === ')') {
        // (4) is the integer 4 in Python, not a tuple.
        if (dims.length === 1) bad('a one-element shape needs a trailing comma, as in (4,)');
        i++;
        return dims;
      }
      expect(',');
      spaces();
      if (text[i] === ')') {
        i++;
        return dims;
      }
    }
  };
  const value = (): HeaderValue => {
    spaces();
    if (text[i] === "'" || text[i] === '"') return string();
    if (text[i] === '(') return tuple();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
    ] as const) {
      if (text.startsWith(word, i) && !/[0-9A-Za-z_]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return v;
      }
    }
    return bad('expected a string, True, False or a tuple');
  };
  const dict: Record<string, HeaderValue> = Object.create(null);
  expect('{');
  spaces();
  while (text[i] !== '}') {
    const at = i;
    const key = string();
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') {
      i = at;
      bad(`unknown key ${JSON.stringify(key)} (numpy writes descr, fortran_order and shape)`);
    }
    if (key in dict) {
      i = at;
      bad(`the key ${JSON.stringify(key)} appears twice`);
    }
    expect(':');
    dict[key] = value();
    spaces();
    if (text[i] === ',') {
      i++;
      spaces();
    } else if (text[i] !== '}') bad("expected ',' or '}'");
  }
  i++;
  if (i !== text.length) bad('text after the closing brace');
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in dict))
      fail(`malformed .npy header: no ${key} (numpy writes descr, fortran_order and shape)`);
  }
  return dict;
}

/**
 * Parses a NumPy `.npy` file (format versions 1, 2 and 3, little-endian, C order). The data is a
 * view over `bytes` when it is aligned (the format pads the header to 64 bytes, so it usually
 * is): no copy, however large the array.
 */
export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const { dtype, shape, dataOffset: start, itemSize: bpe } = parseNpyHeader(bytes, name);
  const Ctor = CTORS[dtype];
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start < count * bpe) {
    throw new InterpError(
      'PARSE',
      `${name}: truncated data: header says ${count} values of ${bpe} bytes, file has ${bytes.length - start} bytes`,
    );
  }
  const abs = bytes.byteOffset + start;
  let data: NpyData;
  if (abs % bpe === 0) {
    data = new Ctor(bytes.buffer as ArrayBuffer, abs, count);
  } else {
    const copy = new Uint8Array(count * bpe);
    copy.set(bytes.subarray(start, start + count * bpe));
    data = new Ctor(copy.buffer, 0, count);
  }
  return { dtype, shape, data };
}

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
      data = new CTORS[dtype](count);
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

/** Encodes a C-order array as a version-1 `.npy` file (used by tests and fixtures). */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  const descr: Record<string, string> = {
    Float32Array: '<f4',
    Float64Array: '<f8',
    Int8Array: '|i1',
    Uint8Array: '|u1',
    Int16Array: '<i2',
    Uint16Array: '<u2',
    Int32Array: '<i4',
    Uint32Array: '<u4',
    BigInt64Array: '<i8',
    BigUint64Array: '<u8',
  };
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr[data.constructor.name]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64);
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
