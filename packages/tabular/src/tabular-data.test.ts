import { DataLoaders } from '@interp/core';
import { loadPenguins } from '@interp/example-data';
import { describe, expect, it } from 'vitest';
import { Table } from './table.js';
import { TabularData, tabularDataDefaults } from './tabular-data.js';
import { isTabularDataLoader } from './tabular-feature.js';
import { interpErrorOf, interpErrorOfSync } from './test-helpers.js';

// Rows 0-4 train, 5-6 valid. Worked by hand:
//   island vocab: #na# Biscoe Dream Torgersen -> train codes 1 2 0 1 3, valid 'Atlantis' -> 0
//   mass: train present 3000 4000 5000 3500 -> median 3750; filled 3000 3750 4000 5000 3500
//         mean 3850, population std sqrt(440000) = 663.3249580710799 (+1e-7)
//   species vocab A B C -> train 0 1 0 2 1
const table = Table.fromRecords([
  { island: 'Biscoe', mass: 3000, species: 'A' },
  { island: 'Dream', mass: null, species: 'B' },
  { island: null, mass: 4000, species: 'A' },
  { island: 'Biscoe', mass: 5000, species: 'C' },
  { island: 'Torgersen', mass: 3500, species: 'B' },
  { island: 'Atlantis', mass: null, species: 'C' },
  { island: 'Dream', mass: 3850, species: 'A' },
]);
const STD = Math.sqrt(440000) + 1e-7;
const z = (v: number) => Math.fround((v - 3850) / STD);

function hand() {
  return new TabularData(table, {
    yName: 'species',
    splits: [
      [0, 1, 2, 3, 4],
      [5, 6],
    ],
  });
}

describe('TabularData(table, options)', () => {
  it('has the expected defaults', () => {
    expect(tabularDataDefaults).toEqual({ validPct: 0.2, batchSize: 64 });
  });

  it('picks text columns as categorical and numbers as continuous, the target aside', () => {
    const d = hand();
    expect(d.catNames).toEqual(['island']);
    expect(d.contNames).toEqual(['mass']);
    expect(d.naNames).toEqual(['mass_na']);
    expect(d.columnNames).toEqual(['island', 'mass_na', 'mass']);
    expect(d.yType).toBe('category');
    expect(d.vocab).toEqual(['A', 'B', 'C']);
  });

  it('encodes train and valid with procs fitted on train only (hand-worked numbers)', () => {
    const d = hand();
    expect(d.train.nRows).toBe(5);
    expect(d.train.nColumns).toBe(3);
    const rows = (x: Float32Array) =>
      Array.from({ length: x.length / 3 }, (_, i) => Array.from(x.subarray(i * 3, i * 3 + 3)));
    // [island code, mass_na code (1 false, 2 true), normalized mass]
    expect(rows(d.train.x)).toEqual([
      [1, 1, z(3000)],
      [2, 2, z(3750)],
      [0, 1, z(4000)],
      [1, 1, z(5000)],
      [3, 1, z(3500)],
    ]);
    expect(Array.from(d.train.y!)).toEqual([0, 1, 0, 2, 1]);
    // Valid: unknown island -> #na#, missing mass -> train median, flagged.
    expect(rows(d.valid.x)).toEqual([
      [0, 2, z(3750)],
      [2, 1, 0],
    ]);
    expect(Array.from(d.valid.y!)).toEqual([2, 0]);
  });

  it('describes its features: a continuous column owns its _na flag', () => {
    const d = hand();
    expect(d.features.map((f) => [f.name, f.kind, f.columns])).toEqual([
      ['island', 'categorical', [0]],
      ['mass', 'continuous', [2, 1]],
    ]);
    const mass = d.features[1]!;
    expect(mass.naColumn).toBe(1);
    expect(mass.toRaw!(0)).toBe(3850);
    expect(mass.fromRaw!(3850)).toBe(0);
    expect(d.features[0]!.levels).toEqual(['#na#', 'Biscoe', 'Dream', 'Torgersen']);
  });

  it('decodes rows back to levels and column units; loaders decode items as tabular rows', async () => {
    const d = hand();
    expect(d.decodeRow([1, 1, z(3000)])).toEqual({
      island: 'Biscoe',
      mass_na: 'false',
      mass: 3000,
    });
    const dl = d.dl('valid');
    expect(isTabularDataLoader(dl)).toBe(true);
    expect(dl.columnNames).toEqual(d.columnNames);
    expect(dl.vocab).toEqual(['A', 'B', 'C']);
    expect(await dl.decode(0)).toEqual({
      kind: 'tabular',
      row: { island: '#na#', mass_na: 'true', mass: 3750 },
    });
    const dls = d.dls({ batchSize: 2, seed: 0 });
    expect(dls).toBeInstanceOf(DataLoaders);
    expect(dls.train.length).toBe(5);
    expect(dls.valid.length).toBe(2);
  });

  it('encodes a new table (a test set) with the fitted procs, with or without the target', () => {
    const d = hand();
    const test = d.encode(Table.fromRecords([{ island: 'Torgersen', mass: 5000 }]));
    expect(Array.from(test.x)).toEqual([3, 1, z(5000)]);
    expect(test.y).toBeUndefined();
  });

  it('splits randomly by validPct with a seed (fastai: int(validPct * n) valid rows)', () => {
    const penguins = Table.fromRecords(loadPenguins() as never);
    const a = new TabularData(penguins, { yName: 'species', seed: 3 });
    const b = new TabularData(penguins, { yName: 'species', seed: 3 });
    const c = new TabularData(penguins, { yName: 'species', seed: 4 });
    expect(a.validRows.length).toBe(Math.floor(0.2 * 344));
    expect(a.trainRows.length + a.validRows.length).toBe(344);
    const all = new Set([...a.trainRows, ...a.validRows]);
    expect(all.size).toBe(344);
    expect(Array.from(a.validRows)).toEqual(Array.from(b.validRows));
    expect(Array.from(a.validRows)).not.toEqual(Array.from(c.validRows));
    // Penguins: two rows lack every measurement and a few lack sex.
    expect(a.catNames).toEqual(['island', 'sex']);
    expect(a.contNames).toEqual(['billLength', 'billDepth', 'flipperLength', 'bodyMass']);
    expect(a.vocab).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(a.categorify.vocab('sex')).toEqual(['#na#', 'FEMALE', 'MALE']);
  });

  it('regression: a numeric target is continuous', () => {
    const d = new TabularData(table, {
      yName: 'mass',
      catNames: ['island'],
      contNames: [],
      splits: [[0, 2, 3, 4], [6]],
    });
    expect(d.yType).toBe('continuous');
    expect(d.vocab).toBeUndefined();
    expect(Array.from(d.train.y!)).toEqual([3000, 4000, 5000, 3500]);
  });

  it('rejects bad options and targets with what to fix', async () => {
    expect(interpErrorOfSync(() => new TabularData(table, {} as never)).message).toMatch(
      /needs \{ yName \}/,
    );
    expect(interpErrorOfSync(() => new TabularData(table, { yName: 'nope' })).message).toMatch(
      /no column "nope"/,
    );
    expect(
      interpErrorOfSync(
        () =>
          new TabularData(table, { yName: 'species', catNames: ['island'], contNames: ['island'] }),
      ).message,
    ).toMatch(/"island" is listed twice/);
    expect(
      interpErrorOfSync(() => new TabularData(table, { yName: 'species', validPct: 2 })).code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      interpErrorOfSync(() => new TabularData(table, { yName: 'species', splits: [[0, 1], [99]] }))
        .message,
    ).toMatch(/splits\[1\] row index must be in \[0, 6\]/);
    expect(
      interpErrorOfSync(() => new TabularData(table, { yName: 'species', yType: 'continuous' }))
        .message,
    ).toMatch(/holds text, so it cannot be continuous/);
    // A valid class the training rows never had.
    expect(
      interpErrorOfSync(
        () => new TabularData(table, { yName: 'species', splits: [[0, 1, 2, 4], [3]] }),
      ).message,
    ).toMatch(/target "species" of row 0 is "C", not a training class \(A, B\)/);
    expect(interpErrorOfSync(() => new TabularData('t' as never, { yName: 'a' })).message).toMatch(
      /needs a Table/,
    );
    expect((await interpErrorOf(() => hand().decodeRow([1]))).code).toBe('SHAPE_MISMATCH');
  });
});
