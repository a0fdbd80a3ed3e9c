import { describe, expect, it } from 'vitest';
import { gaussLegendre, MAX_GAUSS_LEGENDRE_NODES } from './legendre.js';

describe('gaussLegendre(n)', () => {
  it('gives the 2-point rule by hand and numpy leggauss(5)', () => {
    const two = gaussLegendre(2);
    expect(Array.from(two.nodes)).toEqual(
      [-1 / Math.sqrt(3), 1 / Math.sqrt(3)].map((v) => expect.closeTo(v, 15)),
    );
    expect(Array.from(two.weights)).toEqual([1, 1].map((v) => expect.closeTo(v, 15)));
    // numpy.polynomial.legendre.leggauss(5)
    const five = gaussLegendre(5);
    const x5 = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
    const w5 = [
      0.23692688505618928, 0.4786286704993663, 0.5688888888888887, 0.4786286704993663,
      0.23692688505618928,
    ];
    for (let i = 0; i < 5; i++) {
      expect(five.nodes[i]).toBeCloseTo(x5[i]!, 14);
      expect(five.weights[i]).toBeCloseTo(w5[i]!, 14);
    }
  });

  it('matches 40-digit values at n = 1,000 and 10,000, and integrates x^(2n-2) exactly', () => {
    for (const [n, ref] of REFERENCE) {
      const { nodes, weights } = gaussLegendre(n);
      const at = [
        nodes[0]!,
        nodes[1]!,
        nodes[n / 2]!,
        nodes[n - 1]!,
        weights[0]!,
        weights[n / 2]!,
        weights[n - 1]!,
      ];
      // Relative to the value. An end weight moves by 2x dx / (1 - x^2) when its node moves by dx,
      // so one ulp of x is 4e-9 of it at n = 10,000 (numpy leggauss is off by 3.6e-6 there).
      for (const [i, v] of at.entries()) {
        expect(Math.abs(v - ref[i]!) / Math.abs(ref[i]!), `n=${n} value ${i}`).toBeLessThan(5e-9);
      }
      let sum = 0;
      let moment = 0;
      for (let i = 0; i < n; i++) {
        sum += weights[i]!;
        moment += weights[i]! * nodes[i]! ** 10;
        if (i > 0) expect(nodes[i]!).toBeGreaterThan(nodes[i - 1]!);
        expect(nodes[i]!).toBe(-nodes[n - 1 - i]!);
      }
      expect(sum).toBeCloseTo(2, 12);
      expect(moment).toBeCloseTo(2 / 11, 12);
    }
  });

  it('costs O(n) per node: 10,000 nodes in well under a second (not O(n^2) Newton stalls)', () => {
    const t0 = performance.now();
    gaussLegendre(10_000);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('refuses counts it will not compute, with a hint', () => {
    expect(() => gaussLegendre(0)).toThrow(/Gauss-Legendre needs 1 to 30000 nodes, got 0/);
    expect(() => gaussLegendre(MAX_GAUSS_LEGENDRE_NODES + 1)).toThrow(/use a riemann method/);
    expect(() => gaussLegendre(2.5)).toThrow(/got 2\.5/);
  });
});

// x[0], x[1], x[n/2], x[n-1], w[0], w[n/2], w[n-1] by 40-digit mpmath (Newton on P_n from numpy
// leggauss's nodes, which agree to 1 ulp; numpy's end weights are off by 1e-8 relative).
const REFERENCE: [number, number[]][] = [
  [
    1000,
    [
      -0.9999971112980756, -0.9999847796329174, 0.0015700104800831938, 0.9999971112980756,
      7.413338416432072e-6, 0.003140018380182868, 7.413338416432072e-6,
    ],
  ],
  [
    10000,
    [
      -0.9999999710869617, -0.9999998476589268, 0.00015707177824834785, 0.9999999710869617,
      7.420019273239323e-8, 0.00031414355391322683, 7.420019273239323e-8,
    ],
  ],
];
