import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as base from './base.js';
import * as index from './index.js';
import {
  defaultsObjects,
  defaultsProblems,
  librarySource,
  packageDefaultsProblems,
} from './testing-defaults.js';

const checked = packageDefaultsProblems(dirname(fileURLToPath(import.meta.url)), index, base);

it('@interp/core exports these ...Defaults objects', () => {
  expect(checked.map(([name]) => name)).toEqual([
    'arrayDataLoaderDefaults',
    'fitDefaults',
    'getPredsDefaults',
    'targetInputGradientDefaults',
  ]);
});

it.each(checked)('%s is deeply frozen and each of its values is read', (_name, problems) => {
  expect(problems).toEqual([]);
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

  it('reads `export const barDefaults = fooDefaults` through fooDefaults', () => {
    const source = 'export const barDefaults = fooDefaults;\nconst n = fooDefaults.steps;';
    expect(defaultsProblems('barDefaults', Object.freeze({ steps: 1, lr: 2 }), source)).toEqual([
      'barDefaults.lr is never read in the library (a default restated elsewhere?)',
    ]);
  });
});

describe('the defaults check refuses what it cannot check', () => {
  it('names a missing folder, a name that is not a Defaults identifier, and a non-object', () => {
    expect(() => librarySource('/no/such/src')).toThrow(
      /librarySource: cannot read the folder "\/no\/such\/src" \(ENOENT\); pass the package's src folder/,
    );
    expect(() => defaultsProblems('foo.bar', {}, '')).toThrow(
      'defaultsProblems: name must be an identifier ending in Defaults, got "foo.bar"',
    );
    expect(() => defaultsProblems('fooDefaults', null as unknown as object, '')).toThrow(
      'defaultsProblems: fooDefaults must be an object of defaults, got null',
    );
    expect(() => defaultsObjects(3 as unknown as object)).toThrow(
      /defaultsObjects takes modules .* got number/,
    );
  });
});
