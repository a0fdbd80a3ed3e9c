import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultsObjects, defaultsProblems, librarySource } from '@interp/core/testing-defaults';
import { describe, expect, it } from 'vitest';
import * as index from './index.js';

// One check instead of tests restating each default: every exported `...Defaults` object is deeply
// frozen and each of its values is read from the object in the library (written there once).
describe('every exported ...Defaults object of @interp/tabular', () => {
  const defaults = defaultsObjects(index);
  const source = librarySource(dirname(fileURLToPath(import.meta.url)));

  it('exists for the package', () => {
    expect(defaults.length).toBeGreaterThan(0);
  });

  it.each(defaults)('%s is deeply frozen and each of its values is read', (name, value) => {
    expect(defaultsProblems(name, value, source)).toEqual([]);
  });
});
