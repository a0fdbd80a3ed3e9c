// Test helper (Node only: reads the package's source files). Not for browser bundles.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A package's library source (no tests, no `test-*` helpers, no goldens), concatenated: what
 * {@link defaultsProblems} searches for reads of each default.
 *
 * @example
 * ```ts
 * const source = librarySource(dirname(fileURLToPath(import.meta.url)));
 * ```
 */
export function librarySource(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name === '__goldens__' ? '' : librarySource(p);
      return e.name.endsWith('.ts') && !/\.test\.ts$|^test-/.test(e.name)
        ? readFileSync(p, 'utf8')
        : '';
    })
    .join('\n');
}

function deeplyFrozen(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  return Object.isFrozen(v) && Object.values(v).every(deeplyFrozen);
}

/**
 * The exported `...Defaults` objects among `modules` (a package's entry points, `import * as`),
 * sorted by name.
 *
 * @example
 * ```ts
 * defaultsObjects(index).map(([name]) => name); // ['fitDefaults', 'getPredsDefaults', ...]
 * ```
 */
export function defaultsObjects(...modules: object[]): [string, object][] {
  const found = new Map<string, object>();
  for (const m of modules) {
    for (const [name, value] of Object.entries(m)) {
      if (name.endsWith('Defaults') && value !== null && typeof value === 'object') {
        found.set(name, value);
      }
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The one check that replaces tests restating each default: a `...Defaults` object must be deeply
 * frozen (a caller cannot change a default for everyone) and each of its values must be read from
 * the object somewhere in `source` (so the default is written there once, not again in a
 * signature). Returns the problems, empty when the object passes.
 *
 * @example
 * ```ts
 * expect(defaultsProblems('fitDefaults', fitDefaults, source)).toEqual([]);
 * ```
 */
export function defaultsProblems(name: string, value: object, source: string): string[] {
  const problems: string[] = [];
  if (!deeplyFrozen(value)) problems.push(`${name} is not deeply frozen (Object.freeze it)`);
  const spread = new RegExp(`\\.\\.\\.${name}\\b`).test(source);
  // `const d = fooDefaults;` then `d.steps` reads the default too.
  const aliases = [...source.matchAll(new RegExp(`\\b(?:const|let) (\\w+) = ${name};`, 'g'))].map(
    (m) => m[1],
  );
  const names = [name, ...aliases].join('|');
  for (const key of Object.keys(value)) {
    if (!spread && !new RegExp(`\\b(?:${names})\\.${key}\\b`).test(source)) {
      problems.push(`${name}.${key} is never read in the library (a default restated elsewhere?)`);
    }
  }
  return problems;
}
