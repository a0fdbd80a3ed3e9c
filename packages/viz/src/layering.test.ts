import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every package specifier reachable from `file` through static and dynamic imports. */
function importGraph(file: string, seen = new Set<string>(), external = new Set<string>()) {
  if (seen.has(file)) return external;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
    const spec = m[1]!;
    if (spec.startsWith('.'))
      importGraph(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen, external);
    else external.add(spec);
  }
  return external;
}

// core's tfjs-free subpaths: base (errors, arrays) and internal (validation helpers), and the
// colour schemes Plot itself draws from (d3-scale-chromatic: no Plot, no DOM).
const CORE = ['@interp/core/base', '@interp/core/internal', 'd3-scale-chromatic'];

describe('viz layering', () => {
  it("'@interp/viz/image' imports only core's tfjs-free subpaths and d3's schemes (no Plot, no tfjs)", () => {
    expect([...importGraph(resolve(here, 'image.ts'))].sort()).toEqual(CORE);
  });

  it("'@interp/viz' imports core's tfjs-free subpaths, Observable Plot and (lazily, for Node) linkedom", () => {
    expect([...importGraph(resolve(here, 'index.ts'))].sort()).toEqual(
      [...CORE, '@observablehq/plot', 'linkedom'].sort(),
    );
  });
});
