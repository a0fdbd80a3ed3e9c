// onnx-proto ships CommonJS with a namespace declaration; this one module turns it into typed ESM
// imports so the rest of the package never touches the interop.
import onnxProto from 'onnx-proto';

/** The generated protobuf classes of the ONNX schema (ModelProto, NodeProto, TensorProto, ...). */
export const onnx = (onnxProto as unknown as { onnx: typeof import('onnx-proto').onnx }).onnx;

export type ModelProto = import('onnx-proto').onnx.IModelProto;
export type GraphProto = import('onnx-proto').onnx.IGraphProto;
export type NodeProto = import('onnx-proto').onnx.INodeProto;
export type TensorProto = import('onnx-proto').onnx.ITensorProto;
export type AttributeProto = import('onnx-proto').onnx.IAttributeProto;
export type ValueInfoProto = import('onnx-proto').onnx.IValueInfoProto;

/** protobufjs gives int64 fields as `Long` when the `long` package resolves, else as numbers. */
export type Int64 = number | bigint | { toNumber(): number; toString(): string };

const INT32_MAX = 2 ** 31 - 1;

/**
 * An int64 field as a JS number, clamped to the int32 range tfjs can hold (ONNX writes
 * INT64_MAX as "to the end" in Slice and the like).
 */
export function int64ToNumber(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v.toString());
  return Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, n));
}
