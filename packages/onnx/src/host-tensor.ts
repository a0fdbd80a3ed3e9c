import { InterpError } from '@interp/core/base';
import { int64ToNumber, type TensorProto } from './onnx-proto.js';

/** A tensor's values on the host, in one of the dtypes tfjs holds (int64 narrowed to int32). */
export interface HostTensor {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

/** ONNX TensorProto.DataType codes this package reads. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  DOUBLE: 11,
  UINT32: 12,
} as const;

/** The tfjs dtype an ONNX data type maps to; undefined for types tfjs cannot hold. */
export function tfDtypeOf(dataType: number): HostTensor['dtype'] | undefined {
  switch (dataType) {
    case OnnxDataType.FLOAT:
    case OnnxDataType.DOUBLE:
      return 'float32';
    case OnnxDataType.BOOL:
      return 'bool';
    case OnnxDataType.UINT8:
    case OnnxDataType.INT8:
    case OnnxDataType.UINT16:
    case OnnxDataType.INT16:
    case OnnxDataType.INT32:
    case OnnxDataType.INT64:
    case OnnxDataType.UINT32:
      return 'int32';
    default:
      return undefined;
  }
}

/** Bytes per element of the raw little-endian encoding of each data type. */
const RAW_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  11: 8,
  12: 4,
};

/** Options of {@link hostTensorOf}. */
export interface HostTensorOptions {
  /**
   * Large 4-byte-aligned float data may be a view of the proto's bytes instead of a copy: only
   * for bytes the loader read itself (nothing else writes them), whose values go to the backend.
   */
  inPlace?: boolean;
}

/**
 * Decodes a TensorProto's values. `raw` overrides the proto's own bytes (external data read by
 * the loader). Throws NOT_SUPPORTED for data types tfjs cannot hold (strings, float16, ...).
 *
 * @example
 * ```ts
 * const { shape, data } = hostTensorOf(initializer);
 * ```
 */
export function hostTensorOf(
  proto: TensorProto,
  raw?: Uint8Array,
  options: HostTensorOptions = {},
): HostTensor {
  const dataType = proto.dataType ?? 0;
  const dtype = tfDtypeOf(dataType);
  const name = JSON.stringify(proto.name ?? '');
  if (dtype === undefined) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `tensor ${name} has ONNX data type ${dataType}, which tfjs cannot hold; export the model with float32/int64/bool tensors`,
    );
  }
  const shape = (proto.dims ?? []).map((d) => int64ToNumber(d));
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = raw ?? (proto.rawData && proto.rawData.length > 0 ? proto.rawData : undefined);
  let values: ArrayLike<number>;
  if (bytes !== undefined) {
    values = readRaw(bytes, dataType, size, name, options.inPlace === true);
  } else if (dataType === OnnxDataType.FLOAT) {
    values = proto.floatData ?? [];
  } else if (dataType === OnnxDataType.DOUBLE) {
    values = proto.doubleData ?? [];
  } else if (dataType === OnnxDataType.INT64) {
    values = (proto.int64Data ?? []).map((v) => int64ToNumber(v));
  } else if (dataType === OnnxDataType.UINT32) {
    values = (proto.uint64Data ?? []).map((v) => int64ToNumber(v));
  } else {
    values = proto.int32Data ?? [];
  }
  if (values.length !== size) {
    throw new InterpError(
      'PARSE',
      `tensor ${name} holds ${values.length} values for shape [${shape.join(', ')}] (${size} expected); the model file is damaged, export it again`,
    );
  }
  const data =
    dtype === 'float32'
      ? values instanceof Float32Array
        ? values
        : Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : Uint8Array.from(values, (v) => (v ? 1 : 0));
  return { dtype, shape, data };
}

/** Float data from this many bytes up may be a view of the model's bytes (see readRaw). */
const IN_PLACE_MIN_BYTES = 64 * 1024;

/** A large float32 weight left as the model file's little-endian bytes (see {@link rawWeightOf}). */
export interface RawWeight {
  dtype: 'float32';
  shape: number[];
  /** 4 bytes per value, little-endian, at any alignment. */
  bytes: Uint8Array;
}

/**
 * A large float32 initializer's raw bytes, uncopied, for a loader that writes them to the backend
 * itself (one copy, into WASM memory, whatever their alignment: a typed-array view needs 4-byte
 * alignment, and most of a PyTorch export's weights have none); undefined for anything else
 * (other dtypes, values in float_data, under 64 kB), which {@link hostTensorOf} decodes. Only for
 * bytes the loader read itself. A byte count that does not fit the shape is an InterpError.
 *
 * @example
 * ```ts
 * const w = rawWeightOf(initializer); // { dtype: 'float32', shape: [64, 3, 7, 7], bytes }
 * ```
 */
export function rawWeightOf(proto: TensorProto, raw?: Uint8Array): RawWeight | undefined {
  const bytes = raw ?? (proto.rawData && proto.rawData.length > 0 ? proto.rawData : undefined);
  if (proto.dataType !== OnnxDataType.FLOAT || bytes === undefined) return undefined;
  if (bytes.byteLength < IN_PLACE_MIN_BYTES) return undefined;
  const shape = (proto.dims ?? []).map((d) => int64ToNumber(d));
  const size = shape.reduce((a, b) => a * b, 1);
  checkByteLength(bytes, size, 4, JSON.stringify(proto.name ?? ''));
  return { dtype: 'float32', shape, bytes };
}

function checkByteLength(bytes: Uint8Array, size: number, width: number, name: string): void {
  if (bytes.byteLength !== size * width) {
    throw new InterpError(
      'PARSE',
      `tensor ${name} has ${bytes.byteLength} bytes of data for ${size} values of ${width} bytes; the model (or its external data file) is damaged or truncated`,
    );
  }
}

function readRaw(
  bytes: Uint8Array,
  dataType: number,
  size: number,
  name: string,
  inPlace: boolean,
): ArrayLike<number> {
  const width = RAW_BYTES[dataType]!;
  checkByteLength(bytes, size, width, name);
  if (dataType === OnnxDataType.FLOAT) {
    // Large weights go to the backend (which copies them) and are dropped: a copy here cost as
    // much again. Small values stay on the host, so they get a buffer of their own rather than
    // pin the model file's.
    if (inPlace && bytes.byteOffset % 4 === 0 && bytes.byteLength >= IN_PLACE_MIN_BYTES) {
      return new Float32Array(bytes.buffer, bytes.byteOffset, size);
    }
    // new Uint8Array(bytes) copies into a buffer of its own: a Node Buffer's .slice() would not.
    return new Float32Array(new Uint8Array(bytes).buffer);
  }
  // Copy: raw bytes inside a protobuf buffer are rarely aligned for a typed-array view.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const at = i * width;
    switch (dataType) {
      case OnnxDataType.FLOAT:
        out[i] = view.getFloat32(at, true);
        break;
      case OnnxDataType.DOUBLE:
        out[i] = view.getFloat64(at, true);
        break;
      case OnnxDataType.INT64:
        out[i] = int64ToNumber(view.getBigInt64(at, true));
        break;
      case OnnxDataType.INT32:
        out[i] = view.getInt32(at, true);
        break;
      case OnnxDataType.UINT32:
        out[i] = view.getUint32(at, true);
        break;
      case OnnxDataType.INT16:
        out[i] = view.getInt16(at, true);
        break;
      case OnnxDataType.UINT16:
        out[i] = view.getUint16(at, true);
        break;
      case OnnxDataType.INT8:
        out[i] = view.getInt8(at);
        break;
      default:
        out[i] = view.getUint8(at);
    }
  }
  return out;
}
