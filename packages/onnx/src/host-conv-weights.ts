import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import type { Step } from './graph-plan.js';
import type { RawWeight } from './host-tensor.js';
import { filledTensor } from './weight-tensor.js';

// A Conv's weight is read by the backend only as the HWIO filter conv.ts derives from it once, so
// an OIHW copy in WASM memory is never read after that transpose. Holding it there cost a
// process ~47 MB of fresh WASM pages for ResNet-18 (on this machine a fresh page costs ~11 us on
// first write: ~0.2 s, as much again as the transpose's own output). Such weights are kept on the
// host instead: a tensor on tfjs's cpu backend over the model file's own bytes (no copy), whose
// HWIO filter is written straight into WASM memory. Anything else that reads the weight (a
// model's parameters(), another op) gets it moved to the active backend by tfjs, as for any
// tensor of another backend.

/** The OIHW values of weights loaded on the host, by their tensor. */
const hostValues = new WeakMap<tf.Tensor, Float32Array>();

/** ONNX's protobuf tag of TensorProto.raw_data (field 9, length-delimited). */
const RAW_DATA_TAG = 0x4a;

/**
 * Names of the large float initializers that only group-1 2-D Convs read, as their weight (input
 * 1): the weights {@link hostConvWeight} may keep on the host.
 */
export function convOnlyWeights(
  steps: readonly Step[],
  initializers: ReadonlyMap<string, unknown>,
): Set<string> {
  const ok = new Map<string, boolean>();
  for (const { node } of steps) {
    node.inputs.forEach((name, k) => {
      if (!name || !initializers.has(name)) return;
      const conv = node.opType === 'Conv' && k === 1 && node.attrs.int('group', 1) === 1;
      ok.set(name, (ok.get(name) ?? true) && conv);
    });
  }
  const names = new Set<string>();
  for (const [name, conv] of ok) {
    const w = initializers.get(name) as Partial<RawWeight> | undefined;
    if (conv && w?.bytes !== undefined && w.shape?.length === 4) names.add(name);
  }
  return names;
}

/**
 * A float32 view of `bytes` (a raw_data field of `file`, the model's bytes the loader read
 * itself), made 4-byte aligned when it is not by moving the values back over their own field
 * header (tag and length, >= 3 bytes for data of 64 kB and more), which the decoded model no longer
 * reads. Undefined when `bytes` are not such a field (external data, or bytes of another buffer)
 * and not aligned.
 */
export function alignedFloats(bytes: Uint8Array, file: Uint8Array): Float32Array | undefined {
  if (bytes.byteLength % 4 !== 0) return undefined;
  const shift = bytes.byteOffset % 4;
  if (shift === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (bytes.buffer !== file.buffer) return undefined;
  const length = varint(bytes.byteLength);
  const header = bytes.byteOffset - length.length - 1;
  if (
    header < file.byteOffset ||
    bytes.byteOffset + bytes.byteLength > file.byteOffset + file.byteLength
  )
    return undefined;
  const all = new Uint8Array(bytes.buffer);
  if (all[header] !== RAW_DATA_TAG || length.some((b, i) => all[header + 1 + i] !== b))
    return undefined;
  if (shift > length.length + 1) return undefined;
  const to = bytes.byteOffset - shift;
  all.copyWithin(to, bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return new Float32Array(bytes.buffer, to, bytes.byteLength / 4);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/**
 * A constant conv weight [Cout, Cin, kh, kw] held on tfjs's cpu backend over `values` (no copy),
 * when another backend is active and cpu is registered; else undefined (the caller uploads it).
 * `values` must never change afterwards.
 */
export function hostConvWeight(values: Float32Array, shape: number[]): tf.Tensor | undefined {
  if (tf.getBackend() === 'cpu') return undefined;
  const cpu = tf.findBackend('cpu') as (tf.KernelBackend & { firstUse?: boolean }) | null;
  if (cpu === null) return undefined;
  // tfjs-backend-cpu prints "install tfjs-node" on its first write in Node; it computes nothing here.
  cpu.firstUse = false;
  const t = tf.engine().makeTensor(values, shape, 'float32', cpu);
  hostValues.set(t, values);
  return t;
}

/**
 * The HWIO filter [kh, kw, Cin, Cout] of a weight {@link hostConvWeight} made, written straight
 * from its host values into the active backend (WASM memory: one fresh tensor, no OIHW copy
 * there); undefined for any other tensor.
 */
export function hostHwioFilter(w: tf.Tensor): tf.Tensor4D | undefined {
  const values = hostValues.get(w);
  if (values === undefined) return undefined;
  return hwioWeightTensor(values, w.shape);
}

/**
 * `oihw` ([Cout, Cin, kh, kw] row-major) transposed to tfjs's HWIO filter layout as a tensor of the
 * active backend, written in place into WASM memory there (see weightTensor).
 *
 * @example
 * ```ts
 * const filter = hwioWeightTensor(values, [64, 3, 7, 7]); // shape [7, 7, 3, 64]
 * ```
 */
export function hwioWeightTensor(oihw: Float32Array, shape: readonly number[]): tf.Tensor4D {
  const [o, i, h, w] = shape;
  if (
    shape.length !== 4 ||
    !shape.every((d) => Number.isInteger(d) && d > 0) ||
    oihw.length !== o! * i! * h! * w!
  ) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `hwioWeightTensor: ${oihw.length} values do not fill a conv weight of shape [${shape.join(', ')}]; pass [Cout, Cin, kh, kw] and its Cout * Cin * kh * kw values`,
    );
  }
  const hwio = [h!, w!, i!, o!];
  return filledTensor(hwio, (out) => {
    const k = h! * w!;
    const ci = i!;
    const co = o!;
    // out[(s * Cin + c) * Cout + n] = in[(n * Cin + c) * k + s] (s = y * w + x): the output is
    // written in order (its fresh pages one after another), the input read with a stride; in
    // that order ResNet-18's filters took 36 ms, against 63 reading in order (warm memory).
    let to = 0;
    for (let s = 0; s < k; s++) {
      for (let c = 0; c < ci; c++) {
        let at = c * k + s;
        for (let n = 0; n < co; n++) {
          out[to++] = oihw[at]!;
          at += ci * k;
        }
      }
    }
  }) as tf.Tensor4D;
}
