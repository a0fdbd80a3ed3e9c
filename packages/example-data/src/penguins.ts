import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One row of the Palmer penguins table; missing values are null. */
export interface Penguin {
  species: string;
  island: string;
  billLength: number | null;
  billDepth: number | null;
  flipperLength: number | null;
  bodyMass: number | null;
  sex: string | null;
}

/**
 * The penguins table shipped by the npm package `vega-datasets` (344 rows; a few have missing
 * measurements or sex). Node only.
 */
export function loadPenguins(): Penguin[] {
  const require = createRequire(import.meta.url);
  // vega-datasets exports no package.json: step up from its entry (build/index.js).
  const pkg = dirname(dirname(require.resolve('vega-datasets')));
  const rows = JSON.parse(readFileSync(join(pkg, 'data', 'penguins.json'), 'utf8')) as Record<
    string,
    string | number | null
  >[];
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' && v !== '.' ? v : null);
  return rows.map((r) => ({
    species: String(r.Species),
    island: String(r.Island),
    billLength: num(r['Beak Length (mm)']),
    billDepth: num(r['Beak Depth (mm)']),
    flipperLength: num(r['Flipper Length (mm)']),
    bodyMass: num(r['Body Mass (g)']),
    sex: str(r.Sex),
  }));
}
