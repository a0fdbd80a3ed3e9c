// Test helper (Node only: reads the package's source files). Not for browser bundles.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InterpError } from './errors.js';

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
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InterpError(
      'IO',
      `librarySource: cannot read the folder ${JSON.stringify(dir)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass the package's src folder`,
    );
  }
  return entries
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
    if (m === null || typeof m !== 'object') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `defaultsObjects takes modules (import * as index from './index.js'), got ${m === null ? 'null' : typeof m}`,
      );
    }
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
  if (typeof name !== 'string' || !/^\w+Defaults$/.test(name)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `defaultsProblems: name must be an identifier ending in Defaults, got ${JSON.stringify(name)}`,
    );
  }
  if (value === null || typeof value !== 'object') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `defaultsProblems: ${name} must be an object of defaults, got ${value === null ? 'null' : typeof value}`,
    );
  }
  const problems: string[] = [];
  if (!deeplyFrozen(value)) problems.push(`${name} is not deeply frozen (Object.freeze it)`);
  const spread = new RegExp(`\\.\\.\\.${name}\\b`).test(source);
  // `const d = fooDefaults;` then `d.steps` reads the default too; and a Defaults object that is
  // another's alias (`export const barDefaults = fooDefaults;`) is read through that one.
  const aliases = [
    ...[...source.matchAll(new RegExp(`\\b(?:const|let) (\\w+) = ${name};`, 'g'))].map((m) => m[1]),
    ...[...source.matchAll(new RegExp(`\\b(?:const|let) ${name} = (\\w+);`, 'g'))].map((m) => m[1]),
  ];
  const names = [name, ...aliases].join('|');
  for (const key of Object.keys(value)) {
    if (!spread && !new RegExp(`\\b(?:${names})\\.${key}\\b`).test(source)) {
      problems.push(`${name}.${key} is never read in the library (a default restated elsewhere?)`);
    }
  }
  return problems;
}

/**
 * The defaults check for a whole package: each `...Defaults` object exported by `modules` (sorted
 * by name) with the problems {@link defaultsProblems} finds in it against the library source under
 * `srcDir` (empty when it passes), ready for `it.each`.
 *
 * @example
 * ```ts
 * it.each(packageDefaultsProblems(srcDir, index))('%s passes', (_name, problems) => {
 *   expect(problems).toEqual([]);
 * });
 * ```
 */
export function packageDefaultsProblems(
  srcDir: string,
  ...modules: object[]
): [name: string, problems: string[]][] {
  const source = librarySource(srcDir);
  return defaultsObjects(...modules).map(([name, value]) => [
    name,
    defaultsProblems(name, value, source),
  ]);
}
