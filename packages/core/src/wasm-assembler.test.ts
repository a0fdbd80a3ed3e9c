import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ADD,
  assembleModule,
  BR_IF,
  block,
  get,
  I32,
  I32_LOAD,
  I32_STORE,
  I32_WRAP_I64,
  I64,
  I64_CTZ,
  I64_EXTEND_I32_U,
  i32c,
  LT_U,
  loop,
  set,
  sleb,
  sumOf,
  uleb,
  type WasmFunction,
  zeroFloats,
} from './wasm.js';

const memory = () => new WebAssembly.Memory({ initial: 1 });

describe('uleb / sleb', () => {
  it('encode the LEB128 examples of the WebAssembly specification', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });
});

describe('sumOf(...locals)', () => {
  it('pushes the first local then adds each next one', () => {
    expect(sumOf(1)).toEqual([0x20, 1]);
    expect(sumOf(1, 2, 300)).toEqual([0x20, 1, 0x20, 2, 0x6a, 0x20, 0xac, 0x02, 0x6a]);
  });
});

describe('zeroFloats(dest, countLocals)', () => {
  it('zeroes the product of the counts in float32s with one memory.fill, nothing around it', () => {
    const zero: WasmFunction = {
      name: 'zero', // zeroes a * b * c floats from byte offset p
      params: [I32, I32, I32, I32],
      results: [],
      locals: [],
      body: zeroFloats(0, [1, 2, 3]),
    };
    const mem = memory();
    const ex = new WebAssembly.Instance(
      new WebAssembly.Module(assembleModule({ memoryMinPages: 1, functions: [zero] })),
      { env: { memory: mem } },
    ).exports as Record<string, (...a: number[]) => void>;
    const f = new Float32Array(mem.buffer, 0, 64).fill(Number.NaN);
    ex.zero!(8, 2, 3, 5); // 30 floats from float 2
    expect(Array.from(f.subarray(2, 32)).every((v) => v === 0)).toBe(true);
    expect([f[1], f[32]].every((v) => Number.isNaN(v))).toBe(true);
  });

  it('needs at least one count local', () => {
    expect(() => zeroFloats(0, [])).toThrow(/at least one count local/);
  });
});

describe('assembleModule({ memoryMinPages, functions })', () => {
  it('assembles several functions sharing one signature, with i32 and i64 locals', () => {
    const sum: WasmFunction = {
      name: 'sum', // sum of n int32 at byte offset p, by a loop
      params: [I32, I32],
      results: [I32],
      locals: [I32, I32],
      body: [
        ...block([
          ...get(1),
          ...i32c(0),
          ...[0x46], // i32.eq: n == 0
          ...BR_IF(0),
          ...loop([
            ...[...get(3), ...get(0), ...get(2), ...i32c(2), ...[0x74], ...ADD, ...I32_LOAD],
            ...[...ADD, ...set(3)],
            ...[...get(2), ...i32c(1), ...ADD, ...set(2)],
            ...[...get(2), ...get(1), ...LT_U, ...BR_IF(0)],
          ]),
        ]),
        ...get(3),
      ],
    };
    const ctz: WasmFunction = {
      name: 'ctz', // trailing zeros of a through an i64 local; writes it at offset b too
      params: [I32, I32],
      results: [I32],
      locals: [I64],
      body: [
        ...[...get(0), ...I64_EXTEND_I32_U, ...set(2)],
        ...[...get(1), ...get(2), ...I64_CTZ, ...I32_WRAP_I64, ...I32_STORE],
        ...[...get(2), ...I64_CTZ, ...I32_WRAP_I64],
      ],
    };
    const bytes = assembleModule({ memoryMinPages: 1, functions: [sum, ctz] });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const mem = memory();
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } })
      .exports as Record<string, (...a: number[]) => number>;
    new Int32Array(mem.buffer, 16, 4).set([5, -7, 100, 2]);
    expect(ex.sum!(16, 4)).toBe(100);
    expect(ex.sum!(16, 0)).toBe(0);
    expect(ex.ctz!(0, 40)).toBe(64); // an all-zero i64 has 64 trailing zeros
    expect(ex.ctz!(8, 40)).toBe(3);
    expect(new Int32Array(mem.buffer, 40, 1)[0]).toBe(3);
  });

  it('imports a shared memory with memoryShared (a threaded build), which a plain import rejects', () => {
    const put: WasmFunction = {
      name: 'put', // writes 42 at byte offset p
      params: [I32],
      results: [],
      locals: [],
      body: [...get(0), ...i32c(42), ...I32_STORE],
    };
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const bytes = assembleModule({ memoryMinPages: 0, memoryShared: true, functions: [put] });
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: shared } })
      .exports as Record<string, (p: number) => void>;
    ex.put!(8);
    expect(new Int32Array(shared.buffer, 8, 1)[0]).toBe(42);
    const plain = assembleModule({ memoryMinPages: 0, functions: [put] });
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(plain), { env: { memory: shared } }),
    ).toThrow();
  });

  it('rejects a bad page count or a repeated function name, saying what to change', () => {
    const f: WasmFunction = { name: 'f', params: [], results: [], locals: [], body: [] };
    expect(() => assembleModule({ memoryMinPages: -1, functions: [f] })).toThrow(
      /memoryMinPages must be an integer in \[0, 65536\].*got -1/,
    );
    expect(() => assembleModule({ memoryMinPages: 1, functions: [f, f] })).toThrow(
      /function name "f" is used twice.*rename one/,
    );
  });

  it('is tfjs-free: @interp/core/wasm imports only the error type', () => {
    for (const file of ['wasm.ts', 'wasm-assembler.ts']) {
      const text = readFileSync(new URL(file, import.meta.url), 'utf8');
      const specs = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      expect(specs.every((s) => s === './wasm-assembler.js' || s === './errors.js')).toBe(true);
    }
  });
});
