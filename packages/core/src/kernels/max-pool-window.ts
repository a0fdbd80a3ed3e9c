// The loops shared by the 2x2 / stride 2 max pool and its gradient in WebAssembly SIMD: both
// walk the same NHWC windows four channels at a time and address a window's four values the
// same way; only what they do per channel group differs.
import { ADD, forLoop, get, i32c, MUL, SHL, set, sumOf } from '../wasm-assembler.js';

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
  rowBytes: number;
  cBytes: number;
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
