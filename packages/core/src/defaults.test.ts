import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as index from './index.js';

const src = dirname(fileURLToPath(import.meta.url));

/** The package's library source (no tests, no test helpers), concatenated. */
function librarySource(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return librarySource(p);
      return e.name.endsWith('.ts') && !/\.test\.ts$|^test-/.test(e.name)
        ? readFileSync(p, 'utf8')
        : '';
    })
    .join('\n');
}

// One check instead of tests restating each default: every exported `...Defaults` object is
// frozen (a caller cannot change a default for everyone) and each of its values is read from the
// object somewhere in the library (so the default is written there once, not again in a signature).
describe('every exported ...Defaults object of @interp/core', () => {
  const defaults = Object.entries(index).filter(([name]) => name.endsWith('Defaults'));
  const source = librarySource(src);

  it('exists for the package', () => {
    expect(defaults.map(([name]) => name).sort()).toEqual([
      'arrayDataLoaderDefaults',
      'fitDefaults',
      'getPredsDefaults',
      'targetInputGradientDefaults',
    ]);
  });

  it.each(defaults)('%s is frozen and each of its values is used', (name, value) => {
    expect(Object.isFrozen(value)).toBe(true);
    for (const key of Object.keys(value as object)) {
      expect(source, `${name}.${key} is never read`).toMatch(
        new RegExp(`\\b${name}\\.${key}\\b|\\.\\.\\.${name}\\b`),
      );
    }
  });
});
