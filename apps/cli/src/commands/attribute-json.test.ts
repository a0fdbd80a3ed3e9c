import { describe, expect, it } from 'vitest';
import { JsonRaw, jsonText } from '../format/json-text.js';
import { float32, float32Row, nested } from './attribute-json.js';

// Hand-checked texts: 9 significant digits of the float32 value, JavaScript's number format.
const EDGES: [number, string][] = [
  [0, '0'],
  [-0, '0'],
  [0.1, '0.100000001'],
  [-1 / 3, '-0.333333343'],
  [1, '1'],
  [123456789, '123456792'],
  [1e-45, '1.40129846e-45'], // the smallest subnormal
  [-5.877472e-39, '-5.87747175e-39'], // a subnormal
  [1.17549435e-38, '1.17549435e-38'], // the smallest normal
  [3.4e38, '3.39999995e+38'],
  [3.4028234663852886e38, '3.40282347e+38'], // the largest float32
  [1e-7, '1.00000001e-7'],
  [1e-6, '9.99999997e-7'],
  [1e21, '1.00000002e+21'],
  [Number.NaN, 'null'],
  [Number.POSITIVE_INFINITY, 'null'],
  [Number.NEGATIVE_INFINITY, 'null'],
];

/** The reference: 9 significant digits by toPrecision. */
const byToPrecision = (v: number) => Number(v.toPrecision(9));
/** What jsonText printed for a row before float32Row: each value through JSON.stringify. */
const valueByValue = (values: Float32Array) => jsonText(Array.from(values, byToPrecision));

/** Seeded float32 bit patterns. */
function randomBits(n: number, seed: number): Float32Array {
  const bits = new Uint32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    bits[i] = (s ^ (s << 13) ^ Math.imul(i, 2654435761)) >>> 0;
  }
  return new Float32Array(bits.buffer);
}

describe('float32(v)', () => {
  it('is Number(v.toPrecision(9)) across the range, near powers of ten and near ties', () => {
    const values: number[] = [...randomBits(50_000, 7)];
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    for (let d = -46; d <= 39; d++) {
      f[0] = 10 ** d;
      const at = bits[0]!;
      for (let j = -200; j <= 2000; j++) {
        bits[0] = at + j;
        values.push(f[0]!, -f[0]!);
      }
    }
    // Integers past 2^24 (multiples of powers of two: many end in 5 at the 10th digit).
    for (let i = 0; i < 5000; i++)
      values.push(Math.fround(1e9 + 64 * i), Math.fround(2 ** 31 + 128 * i));
    for (const v of values) {
      const [got, want] = [float32(v), byToPrecision(v)];
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) {
        expect(got, `float32(${v})`).toBe(want);
      }
    }
  });
});

describe('float32Row(values)', () => {
  it('writes each float32 as 9 significant digits, NaN and infinities as null, -0 as 0', () => {
    const values = Float32Array.from(EDGES, ([v]) => v);
    expect(float32Row(values)).toBe(`[${EDGES.map(([, t]) => t).join(', ')}]`);
    expect(float32Row(new Float32Array(0))).toBe('[]');
    // Each finite value reads back as the same float32.
    const back = JSON.parse(float32Row(values)) as (number | null)[];
    back.forEach((v, i) => {
      // -0 reads back as 0 (equal as numbers).
      if (Number.isFinite(values[i]!)) expect(Math.fround(v!) === values[i]).toBe(true);
      else expect(v).toBeNull();
    });
  });

  it('is byte for byte the value-by-value text on random float32 bit patterns', () => {
    const values = randomBits(20_000, 12345);
    expect(float32Row(values)).toBe(valueByValue(values));
    const grads = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 10 ** ((i % 13) - 9));
    expect(float32Row(grads)).toBe(valueByValue(grads));
  });
});

describe('nested(data, shape) in jsonText', () => {
  it('prints the nested arrays as jsonText prints plain ones', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => (i - 7) / 3);
    const plain = [0, 1].map((a) =>
      [0, 1, 2].map((b) =>
        Array.from(data.subarray(a * 12 + b * 4, a * 12 + b * 4 + 4), byToPrecision),
      ),
    );
    const out = new Map([['attributions', nested(data, [2, 3, 4])]]);
    expect(jsonText(out)).toBe(jsonText(new Map([['attributions', plain]])));
    expect(jsonText(nested(Float32Array.of(1, 2, 3, 4), [2, 2]))).toBe('[\n  [1, 2],\n  [3, 4]\n]');
    expect(jsonText(nested(Float32Array.of(1.5, -0), [2]))).toBe('[1.5, 0]');
  });
});

describe('JsonRaw', () => {
  it('is written as it is, where a value goes', () => {
    expect(jsonText({ row: new JsonRaw('[1, 2]'), n: 1 })).toBe('{\n  "row": [1, 2],\n  "n": 1\n}');
  });
});
