import { InterpError } from '@interp/core/base';

/**
 * The byte range of an external data file, checked against the file's size. Its own module so
 * that the file reader (imported lazily, Node only) and the bytes/fetch readers share it without
 * importing each other.
 *
 * @example
 * ```ts
 * sliceExternal(file, 'model.onnx.data', 0, 16, 'conv.weight'); // file.subarray(0, 16)
 * ```
 */
export function sliceExternal(
  file: Uint8Array,
  location: string,
  offset: number,
  length: number | undefined,
  tensor: string,
): Uint8Array {
  const end = length === undefined ? file.byteLength : offset + length;
  if (offset < 0 || end > file.byteLength) {
    throw new InterpError(
      'IO',
      `loadOnnxModel: external data file ${JSON.stringify(location)} has ${file.byteLength} bytes, but tensor ${JSON.stringify(tensor)} needs bytes ${offset}..${end}; the file is truncated or belongs to another export`,
    );
  }
  return file.subarray(offset, end);
}
