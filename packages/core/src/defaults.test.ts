import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as base from './base.js';
import * as index from './index.js';
import { defaultsObjects, defaultsProblems, librarySource } from './testing-defaults.js';

// One check instead of tests restating each default: every exported `...Defaults` object is deeply
// frozen and each of its values is read from the object in the library (written there once).
describe('every exported ...Defaults object of @interp/core', () => {
  const defaults = defaultsObjects(index, base);
  const source = librarySource(dirname(fileURLToPath(import.meta.url)));

  it('exists for the package', () => {
    expect(defaults.map(([name]) => name)).toEqual([
      'arrayDataLoaderDefaults',
      'fitDefaults',
      'getPredsDefaults',
      'targetInputGradientDefaults',
    ]);
  });

  it.each(defaults)('%s is deeply frozen and each of its values is read', (name, value) => {
    expect(defaultsProblems(name, value, source)).toEqual([]);
  });
});

describe('defaultsProblems', () => {
  it('finds a default that is not frozen and a value nobody reads', () => {
    const source = 'const n = demoDefaults.steps;';
    expect(defaultsProblems('demoDefaults', Object.freeze({ steps: 1 }), source)).toEqual([]);
    expect(defaultsProblems('demoDefaults', { steps: 1, lr: 0.1 }, source)).toEqual([
      'demoDefaults is not deeply frozen (Object.freeze it)',
      'demoDefaults.lr is never read in the library (a default restated elsewhere?)',
    ]);
    expect(
      defaultsProblems('demoDefaults', Object.freeze({ a: { b: 1 } }), 'f({ ...demoDefaults })'),
    ).toEqual(['demoDefaults is not deeply frozen (Object.freeze it)']);
  });

  it('reads only the Defaults objects of the modules given, sorted', () => {
    expect(defaultsObjects({ bDefaults: {}, aDefaults: {}, other: 1, nDefaults: 3 })).toEqual([
      ['aDefaults', {}],
      ['bDefaults', {}],
    ]);
  });
});

describe('defaultsProblems reads through an alias', () => {
  it('counts `const d = fooDefaults; d.steps` as a read', () => {
    const source = 'const d = fooDefaults;\nconst n = d.steps;';
    expect(defaultsProblems('fooDefaults', Object.freeze({ steps: 1, lr: 2 }), source)).toEqual([
      'fooDefaults.lr is never read in the library (a default restated elsewhere?)',
    ]);
  });
});
