import { assertInteger } from './validate.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Everything in interp
 * that depends on chance takes a `randomState`: a seed number or a generator.
 */
export interface RandomGenerator {
  /** A float in [0, 1) with 32 bits of randomness. */
  random(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A standard normal sample (Box–Muller). */
  normal(): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T;
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
}

/** A seed, a generator, or undefined for a seed drawn from Math.random. */
export type RandomState = number | RandomGenerator | undefined;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator.
 *
 * @example
 * ```ts
 * const rng = createRng(0);
 * rng.permutation(5); // same order every run
 * ```
 */
export function createRng(seed: number): RandomGenerator {
  assertInteger(seed, 'seed');
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  let spare: number | undefined;
  const rng: RandomGenerator = {
    random: () => next() / 4294967296,
    int: (n: number) => {
      // Rejection sampling: no modulo bias.
      const limit = 4294967296 - (4294967296 % n);
      let v = next();
      while (v >= limit) v = next();
      return v % n;
    },
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.random();
      const v = rng.random();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle: (array) => {
      for (let i = array.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    permutation: (n: number) => {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      return rng.shuffle(p);
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Turns a {@link RandomState} into a generator. */
export function toRng(state: RandomState): RandomGenerator {
  if (state === undefined) return createRng(Math.floor(Math.random() * 2 ** 31));
  if (typeof state === 'number') return createRng(state);
  return state;
}
