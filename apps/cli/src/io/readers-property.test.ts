// Property-based tests of the readers (issue 12.11): arbitrary bytes never crash or hang a reader
// (an InterpError with one line naming the file, or a result), and files generated from a model
// of each format read back exactly what was written.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InterpError } from '@interp/core/base';
import { encodeNpy, type NpyData, parseNpy, parseNpyHeader } from '@interp/data';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { readArray } from './read-array.js';
import { readVocab } from './read-vocab.js';

const dir = tempDir('interp-readers-property-');
const RUNS = { numRuns: 300 };

/** Runs `read`; it must return or throw a one-line InterpError that names `file`, in under 1 s. */
function readsOrRefuses<T>(file: string, read: () => T): T | undefined {
  const t0 = performance.now();
  try {
    return read();
  } catch (e) {
    if (!(e instanceof InterpError)) throw e;
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain(file);
    return undefined;
  } finally {
    expect(performance.now() - t0).toBeLessThan(1000);
  }
}

const NPY_HEAD = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** A version-1.0 file with header `text` padded as numpy pads it, then `data`. */
function frame(text: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const padded = `${text}${' '.repeat((64 - ((10 + text.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + padded.length + data.length);
  out.set([...NPY_HEAD, 1, 0]);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  out.set(data, 10 + padded.length);
  return out;
}

const DTYPES = {
  '<f4': Float32Array,
  '<f8': Float64Array,
  '|u1': Uint8Array,
  '|i1': Int8Array,
  '<i2': Int16Array,
  '<u2': Uint16Array,
  '<i4': Int32Array,
  '<u4': Uint32Array,
} as const;

/** Headers as Python writes dict and tuple literals: quotes, spaces, key order, trailing commas. */
const validHeader = fc
  .record({
    descr: fc.constantFrom(...(Object.keys(DTYPES) as (keyof typeof DTYPES)[])),
    shape: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }),
    quote: fc.constantFrom("'", '"'),
    space: fc.constantFrom('', ' ', '  ', '\t'),
    trailing: fc.boolean(),
    tupleTrailing: fc.boolean(),
    order: fc.shuffledSubarray(['descr', 'fortran_order', 'shape'], { minLength: 3 }),
  })
  .map((h) => {
    const q = (s: string) => `${h.quote}${s}${h.quote}`;
    const dims = h.shape.map(String);
    const tuple =
      dims.length === 1
        ? `(${dims[0]},${h.space})`
        : `(${dims.join(`,${h.space}`)}${h.tupleTrailing && dims.length > 0 ? ',' : ''})`;
    const values: Record<string, string> = {
      descr: q(h.descr),
      fortran_order: 'False',
      shape: tuple,
    };
    const items = h.order.map((k) => `${q(k)}:${h.space}${values[k]}`);
    return { ...h, text: `{${items.join(`,${h.space}`)}${h.trailing ? ',' : ''}}` };
  });

describe('readers on arbitrary and generated input (fast-check)', () => {
  it('parseNpyHeader: any header a Python literal model generates reads back its shape and dtype', () => {
    fc.assert(
      fc.property(validHeader, (h) => {
        const parsed = parseNpyHeader(frame(h.text), 'h.npy');
        expect(parsed.shape).toEqual(h.shape);
        expect(parsed.descr).toBe(h.descr);
      }),
      RUNS,
    );
  });

  it('parseNpy: arbitrary bytes, and valid files with one byte changed, never crash or hang', () => {
    const anyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from([...NPY_HEAD, 1, 0, ...b])),
      fc.tuple(validHeader, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([h, at, byte]) => {
        const f = frame(h.text, new Uint8Array(64));
        f[at % f.length] = byte;
        return f;
      }),
    );
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        const r = readsOrRefuses('b.npy', () => parseNpy(bytes, 'b.npy'));
        if (r !== undefined) expect(r.data.length).toBe(r.shape.reduce((a, b) => a * b, 1));
      }),
      RUNS,
    );
  });

  it('readArray(.npy): any array encoded reads back the same values and shape', () => {
    const array = fc
      .record({
        descr: fc.constantFrom(...(Object.keys(DTYPES) as (keyof typeof DTYPES)[])),
        rows: fc.integer({ min: 1, max: 5 }),
        cols: fc.integer({ min: 1, max: 4 }),
        twoD: fc.boolean(),
        seed: fc.integer(),
      })
      .map((a) => {
        const n = a.twoD ? a.rows * a.cols : a.rows;
        const bytes = new Uint8Array(n * DTYPES[a.descr].BYTES_PER_ELEMENT);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (a.seed * (i + 7) * 2654435761) >>> 24;
        const data = new DTYPES[a.descr](bytes.buffer) as NpyData;
        // NaN payloads do not compare equal: keep floats finite-or-not but not NaN.
        if (data instanceof Float32Array || data instanceof Float64Array) {
          for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) data[i] = 0;
        }
        return { data, shape: a.twoD ? [a.rows, a.cols] : [a.rows] };
      });
    fc.assert(
      fc.property(array, ({ data, shape }) => {
        writeFileSync(join(dir, 'a.npy'), encodeNpy(data, shape));
        const r = readArray('a.npy', dir);
        expect(r.shape).toEqual(shape);
        expect(Array.from(r.data)).toEqual(Array.from(data as ArrayLike<number>));
      }),
      RUNS,
    );
  });

  it('readArray(.csv, .txt, .json): arbitrary text never crashes or hangs', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({
        unit: fc.constantFrom(...'0123456789.,-+eE \n\r\tnaifNAIF[]"{}'),
        maxLength: 200,
      }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(text, fc.constantFrom('t.csv', 't.txt', 't.json'), (content, name) => {
        writeFileSync(join(dir, name), content);
        const r = readsOrRefuses(name, () => readArray(name, dir));
        if (r !== undefined) {
          expect(r.shape.length === 1 || r.shape.length === 2).toBe(true);
          expect(r.data.length).toBe(r.shape.reduce((a, b) => a * b, 1));
        }
      }),
      RUNS,
    );
  });

  it('readArray(.csv, .txt, .json): a matrix of numbers written as Python or JSON writes it reads back exactly', () => {
    const value = fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const matrix = fc
      .integer({ min: 1, max: 4 })
      .chain((c) =>
        fc.array(fc.array(value, { minLength: c, maxLength: c }), { minLength: 1, maxLength: 6 }),
      );
    // repr(float) in Python and String(number) agree on digits; Python writes 1e+21 and 1e-07
    // as JS does up to the exponent's leading zero, which float() and this reader both accept.
    const python = (v: number) => (Object.is(v, -0) ? '-0.0' : String(v));
    fc.assert(
      fc.property(matrix, fc.boolean(), (rows, crlf) => {
        const nl = crlf ? '\r\n' : '\n';
        writeFileSync(join(dir, 'm.csv'), rows.map((r) => r.map(python).join(',')).join(nl) + nl);
        writeFileSync(join(dir, 'm.txt'), rows.map((r) => r.map(python).join(' ')).join(nl));
        writeFileSync(join(dir, 'm.json'), JSON.stringify(rows));
        const shape = rows[0]!.length === 1 ? [rows.length] : [rows.length, rows[0]!.length];
        for (const name of ['m.csv', 'm.txt']) {
          const r = readArray(name, dir);
          expect(r.shape).toEqual(shape);
          expect(Array.from(r.data)).toEqual(rows.flat().map((v) => (Object.is(v, -0) ? -0 : v)));
        }
        const j = readArray('m.json', dir);
        expect(j.shape).toEqual([rows.length, rows[0]!.length]);
        expect(Array.from(j.data)).toEqual(rows.flat().map((v) => (Object.is(v, -0) ? 0 : v)));
      }),
      RUNS,
    );
  });

  it('readVocab: arbitrary text never crashes; unique names one per line read back in order', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('v.txt', 'v.json'),
        (content, name) => {
          writeFileSync(join(dir, name), content);
          const r = readsOrRefuses(name, () => readVocab(name, dir));
          if (r !== undefined) expect(new Set(r).size).toBe(r.length);
        },
      ),
      RUNS,
    );
    const names = fc.uniqueArray(
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((s) => !/[\r\n]/.test(s) && s.trim() !== ''),
      { minLength: 1, maxLength: 20 },
    );
    fc.assert(
      fc.property(names, (list) => {
        writeFileSync(join(dir, 'n.txt'), `${list.join('\n')}\n`);
        expect(readVocab('n.txt', dir)).toEqual(list);
        writeFileSync(join(dir, 'n.json'), JSON.stringify(list));
        expect(readVocab('n.json', dir)).toEqual(list);
      }),
      RUNS,
    );
  });
});
