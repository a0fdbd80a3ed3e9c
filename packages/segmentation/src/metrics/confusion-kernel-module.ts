// Internal: the WASM SIMD module behind confusion-kernel.ts, assembled at first use by
// @interp/core/wasm (tfjs-free). Two exports, confusionF32 (c >= 4) and confusionF64 (c >= 2),
// each (scores, targs, n, c, cm, hasIgnore, ignore) -> i32, all byte offsets into the imported
// memory (imported rather than exported: the caller makes a new, larger memory and instance when
// it needs more room, because growing one detaches its ArrayBuffer, which slows V8's typed arrays):
//   scores  n x c floats, channels last (pixel i's channel k at scores + (i * c + k) * size)
//   targs   n int32 target labels
//   cm      c x c int32 counts, row = target, column = predicted; added to, never cleared
// A pixel whose target equals `ignore` counts nowhere when `hasIgnore` is 1 (a flag rather than a
// sentinel value, because every int32 can be a label). Each returns n when every pixel was
// counted, otherwise the index of the first pixel that could not be: a NaN among its scores, or a
// target outside 0..c-1 that is not ignored. The caller rescans that pixel to say which.
//
// Per pixel: the maximum over vector-sized channel groups (the last group is loaded at c - lanes,
// overlapping the previous one, so no lane reads past the pixel), spread to every lane; then each
// group's lanes equal to it, as a bitmask. For c <= 64 the group masks are OR-ed, shifted to their
// channel, into one i64 whose trailing zeros are the argmax: no data-dependent branch, which
// matters because a branchy search mispredicts on every other pixel of real scores. Wider c stops
// at the first group with a match. Both send ties to the lower channel. f32x4.max/f64x2.max
// propagate NaN and NaN equals nothing, so a NaN pixel matches nowhere and is reported.
import {
  ADD,
  AND,
  assembleModule,
  BR,
  BR_IF,
  block,
  CTZ,
  EQ,
  EQZ,
  F32X4_EQ,
  F32X4_MAX,
  F64X2_EQ,
  F64X2_MAX,
  GE_U,
  GT_U,
  get,
  I8X16_SHUFFLE,
  I32,
  I32_LOAD,
  I32_STORE,
  I32_WRAP_I64,
  I32X4_BITMASK,
  I64,
  I64_CTZ,
  I64_EQZ,
  I64_EXTEND_I32_U,
  I64_OR,
  I64_SHL,
  I64X2_BITMASK,
  i32c,
  ifElse,
  LE_U,
  LT_U,
  loop,
  MUL,
  RETURN,
  SHL,
  SHR_U,
  SUB,
  set,
  sumOf,
  V128,
  v128Load,
  type WasmFunction,
  when,
} from '@interp/core/wasm';

// Parameters, then locals, by index.
const [SCORES, TARGS, N, C, CM, HAS_IGNORE, IGNORE] = [0, 1, 2, 3, 4, 5, 6];
const [I, P, O, LAST, STRIDE, MAX, WIDE, MASK, PRED, LABEL, CELL] = [
  7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
];
const LOCALS = [I32, I32, I32, I32, I32, V128, I64, I32, I32, I32, I32] as const;
/** Bits of the widest class count whose group masks fit one i64. */
const WIDE_CLASSES = 64;

const SWAP_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

interface Lanes {
  name: string;
  /** log2 of the bytes per score. */
  shift: number;
  lanes: number;
  max: number[];
  eq: number[];
  bitmask: number[];
  /** Shuffles that bring every lane's maximum to all lanes. */
  spread: number[][];
}

const loadAt = (offset: number) => [...sumOf(P, offset), ...v128Load(4)];
/** Bitmask of the lanes of the group at `offset` equal to the pixel maximum. */
const matches = (k: Lanes, offset: number) => [
  ...loadAt(offset),
  ...get(MAX),
  ...k.eq,
  ...k.bitmask,
];
/** `o = 0; while (o < last) { body; o += 16 }` */
const eachGroup = (body: number[]) => [
  ...i32c(0),
  ...set(O),
  ...block(
    loop([
      ...get(O),
      ...get(LAST),
      ...GE_U,
      ...BR_IF(1),
      ...body,
      ...get(O),
      ...i32c(16),
      ...ADD,
      ...set(O),
      ...BR(0),
    ]),
  ),
];
/** The group at `offset`'s match bits shifted to its first channel, as an i64. */
const wideBits = (k: Lanes, offset: number) => [
  ...matches(k, offset),
  ...I64_EXTEND_I32_U,
  ...get(offset),
  ...i32c(k.shift),
  ...SHR_U,
  ...I64_EXTEND_I32_U,
  ...I64_SHL,
];

const returnPixelIf = (cond: number[]) => when(cond, [...get(I), ...RETURN]);

function confusionFunction(k: Lanes): WasmFunction {
  const pixelMax = [
    ...loadAt(LAST),
    ...set(MAX),
    ...eachGroup([...get(MAX), ...loadAt(O), ...k.max, ...set(MAX)]),
    ...k.spread.flatMap((lanes) => [
      ...get(MAX),
      ...get(MAX),
      ...get(MAX),
      ...I8X16_SHUFFLE(lanes),
      ...k.max,
      ...set(MAX),
    ]),
  ];
  // Bits of the last group, then the others (overlapping bits agree: same channels).
  const branchFree = [
    ...wideBits(k, LAST),
    ...set(WIDE),
    ...eachGroup([...get(WIDE), ...wideBits(k, O), ...I64_OR, ...set(WIDE)]),
    ...returnPixelIf([...get(WIDE), ...I64_EQZ]),
    ...get(WIDE),
    ...I64_CTZ,
    ...I32_WRAP_I64,
    ...set(PRED),
  ];
  const firstMatch = [
    ...i32c(0),
    ...set(O),
    ...block(
      loop([
        ...matches(k, O),
        ...set(MASK),
        ...get(MASK),
        ...BR_IF(1),
        ...returnPixelIf([...get(O), ...get(LAST), ...GE_U]),
        ...get(O),
        ...i32c(16),
        ...ADD,
        ...set(O),
        ...when([...get(O), ...get(LAST), ...GT_U], [...get(LAST), ...set(O)]),
        ...BR(0),
      ]),
    ),
    ...get(O),
    ...i32c(k.shift),
    ...SHR_U,
    ...get(MASK),
    ...CTZ,
    ...ADD,
    ...set(PRED),
  ];
  const count = [
    ...[...get(TARGS), ...get(I), ...i32c(2), ...SHL, ...ADD, ...I32_LOAD, ...set(LABEL)],
    ...when(
      [...get(HAS_IGNORE), ...get(LABEL), ...get(IGNORE), ...EQ, ...AND, ...EQZ],
      [
        ...returnPixelIf([...get(LABEL), ...get(C), ...GE_U]),
        ...[...get(CM), ...get(LABEL), ...get(C), ...MUL, ...get(PRED), ...ADD, ...i32c(2), ...SHL],
        ...[...ADD, ...set(CELL)],
        ...[...get(CELL), ...get(CELL), ...I32_LOAD, ...i32c(1), ...ADD, ...I32_STORE],
      ],
    ),
  ];
  const body = [
    ...[...get(C), ...i32c(k.shift), ...SHL, ...set(STRIDE)],
    ...[...get(C), ...i32c(k.lanes), ...SUB, ...i32c(k.shift), ...SHL, ...set(LAST)],
    ...[...get(SCORES), ...set(P)],
    ...block([
      ...get(N),
      ...EQZ,
      ...BR_IF(0),
      ...loop([
        ...pixelMax,
        ...ifElse([...get(C), ...i32c(WIDE_CLASSES), ...LE_U], branchFree, firstMatch),
        ...count,
        ...[...get(P), ...get(STRIDE), ...ADD, ...set(P)],
        ...[...get(I), ...i32c(1), ...ADD, ...set(I)],
        ...[...get(I), ...get(N), ...LT_U, ...BR_IF(0)],
      ]),
    ]),
    ...get(N),
  ];
  return {
    name: k.name,
    params: [I32, I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: LOCALS,
    body,
  };
}

/**
 * The module's bytes (about 900).
 * @example new WebAssembly.Module(confusionKernelBytes())
 */
export function confusionKernelBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule({
    memoryMinPages: 1,
    functions: [
      confusionFunction({
        name: 'confusionF32',
        shift: 2,
        lanes: 4,
        max: F32X4_MAX,
        eq: F32X4_EQ,
        bitmask: I32X4_BITMASK,
        spread: [SWAP_HALVES, SWAP_PAIRS],
      }),
      confusionFunction({
        name: 'confusionF64',
        shift: 3,
        lanes: 2,
        max: F64X2_MAX,
        eq: F64X2_EQ,
        bitmask: I64X2_BITMASK,
        spread: [SWAP_HALVES],
      }),
    ],
  });
}
