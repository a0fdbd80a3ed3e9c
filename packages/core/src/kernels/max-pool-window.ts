// The loops shared by the 2x2 / stride 2 max pool and its gradient in WebAssembly SIMD: both
// walk the same NHWC windows four channels at a time and address a window's four values the
// same way; only what they do per channel group differs.
import { ADD, forLoop, get, i32c, MUL, SHL, set, sumOf } from '../wasm-assembler.js';

/** The walk's parameters, in the kernels' argument order. */
export type WindowArgs = [
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
];

/** Local indices of the window walk (parameters and scratch), per kernel. */
export interface WindowLocals {
  batch: number;
  inH: number;
  inW: number;
  c: number;
  outH: number;
  outW: number;
  b: number;
  oy: number;
  ox: number;
  kb: number;
  row: number;
  base: number;
  /** Byte offset of the current channel group in the window's top-left value. */
  off: number;
  /** Free for the kernel: its running pointer into the pooled tensor (y or dy). */
  cursor: number;
  rowBytes: number;
  cBytes: number;
}

/**
 * The walk's locals when the parameters `batch, inH, inW, channels, outH, outW` start at index
 * `firstParam` and its ten scratch i32 locals at `firstLocal`.
 * @example windowLocals(2, 8) // (x, y, batch, ..., outW) then locals 8-17
 */
export function windowLocals(firstParam: number, firstLocal: number): WindowLocals {
  const p = firstParam;
  const l = firstLocal;
  return {
    ...{ batch: p, inH: p + 1, inW: p + 2, c: p + 3, outH: p + 4, outW: p + 5 },
    ...{ b: l, oy: l + 1, ox: l + 2, kb: l + 3, row: l + 4, base: l + 5, off: l + 6 },
    ...{ cursor: l + 7, rowBytes: l + 8, cBytes: l + 9 },
  };
}

/**
 * `cBytes = c * 4; rowBytes = inW * cBytes`, then `group` for every batch item, output row,
 * output column and 16-byte channel group, with `off` set to that group's byte offset in the
 * window's top-left value.
 * @example forEachWindowGroup(L, setup, [...sumOf(X, L.off), ...V_LOAD, ...])
 */
export const forEachWindowGroup = (l: WindowLocals, setup: number[], group: number[]) => [
  ...get(l.c),
  ...i32c(2),
  ...SHL,
  ...set(l.cBytes),
  ...get(l.inW),
  ...get(l.cBytes),
  ...MUL,
  ...set(l.rowBytes),
  ...setup,
  ...forLoop(
    l.b,
    i32c(1),
    l.batch,
    forLoop(l.oy, i32c(1), l.outH, [
      // ROW = (b * inH + 2 * oy) * rowBytes
      ...get(l.b),
      ...get(l.inH),
      ...MUL,
      ...get(l.oy),
      ...i32c(1),
      ...SHL,
      ...ADD,
      ...get(l.rowBytes),
      ...MUL,
      ...set(l.row),
      ...forLoop(l.ox, i32c(1), l.outW, [
        // BASE = ROW + 2 * ox * cBytes
        ...get(l.ox),
        ...i32c(1),
        ...SHL,
        ...get(l.cBytes),
        ...MUL,
        ...get(l.row),
        ...ADD,
        ...set(l.base),
        ...forLoop(l.kb, i32c(16), l.cBytes, [...sumOf(l.base, l.kb), ...set(l.off), ...group]),
      ]),
    ]),
  ),
];
