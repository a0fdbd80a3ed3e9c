import { describe, expect, it } from 'vitest';
import { loadMnist, loadPenguins, mnistSegmentationMasks, mnistSplit } from './index.js';

describe('loadMnist()', () => {
  it('loads the 10,000 digits of the mnist package, interleaved by class', () => {
    const m = loadMnist();
    expect(m.count).toBeGreaterThanOrEqual(9_900);
    expect(m.images.length).toBe(m.count * 784);
    expect(Array.from(m.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of m.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
  });

  it('mnistSplit gives disjoint balanced train and valid sets', () => {
    const { train, valid } = mnistSplit({ nTrain: 2000, nValid: 1000 });
    expect(train.count).toBe(2000);
    expect(valid.count).toBe(1000);
    const counts = new Array(10).fill(0);
    for (const l of valid.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(100));
    expect(() => mnistSplit({ nTrain: 20_000 })).toThrow(/nTrain \+ nValid/);
  });

  it('mnistSegmentationMasks labels ink > 0.5 with 1 + digit, else background', () => {
    const data = {
      images: Float32Array.from([0, 0.5, 0.51, 1, ...new Array(780).fill(0)]),
      labels: Int32Array.from([7]),
      count: 1,
    };
    const m = mnistSegmentationMasks(data);
    expect(Array.from(m.subarray(0, 4))).toEqual([0, 0, 8, 8]);
  });
});

describe('loadPenguins()', () => {
  it('loads the 344 penguins with three species and missing values as null', () => {
    const p = loadPenguins();
    expect(p.length).toBe(344);
    expect(new Set(p.map((r) => r.species))).toEqual(new Set(['Adelie', 'Chinstrap', 'Gentoo']));
    expect(p[0]).toEqual({
      species: 'Adelie',
      island: 'Torgersen',
      billLength: 39.1,
      billDepth: 18.7,
      flipperLength: 181,
      bodyMass: 3750,
      sex: 'MALE',
    });
    expect(p.some((r) => r.billLength === null)).toBe(true);
    expect(p.some((r) => r.sex === null)).toBe(true);
  });
});
