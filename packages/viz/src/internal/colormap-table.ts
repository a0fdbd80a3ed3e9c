import { InterpError } from '@interp/core/base';
import { schemeInterpolator } from './schemes.js';

/** Plot's continuous color schemes (lower case, as Plot matches them), computed without Plot (schemes.ts). */
const PLOT_SCHEMES = [
  'blues', 'greens', 'greys', 'oranges', 'purples', 'reds',
  'turbo', 'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'cubehelix', 'warm', 'cool',
  'bugn', 'bupu', 'gnbu', 'orrd', 'pubugn', 'pubu', 'purd', 'rdpu', 'ylgnbu', 'ylgn', 'ylorbr', 'ylorrd',
  'brbg', 'prgn', 'piyg', 'puor', 'rdbu', 'rdgy', 'rdylbu', 'rdylgn', 'spectral', 'burd', 'buylrd',
  'rainbow', 'sinebow',
] as const; // biome-ignore format: one family per line

/** Colormaps matplotlib users expect that Plot does not have. */
const EXTRA: Record<string, (t: number) => [number, number, number]> = {
  gray: (t) => [t * 255, t * 255, t * 255],
  grey: (t) => [t * 255, t * 255, t * 255],
  jet: (t) => [jetChannel(t, JET_R), jetChannel(t, JET_G), jetChannel(t, JET_B)],
};

// matplotlib's `jet` segment data (_jet_data in matplotlib/_cm.py): (x, y) breakpoints per channel.
const JET_R: [number, number][] = [
  [0, 0],
  [0.35, 0],
  [0.66, 1],
  [0.89, 1],
  [1, 0.5],
];
const JET_G: [number, number][] = [
  [0, 0],
  [0.125, 0],
  [0.375, 1],
  [0.64, 1],
  [0.91, 0],
  [1, 0],
];
const JET_B: [number, number][] = [
  [0, 0.5],
  [0.11, 1],
  [0.34, 1],
  [0.65, 0],
  [1, 0],
];

function jetChannel(t: number, points: [number, number][]): number {
  for (let i = 1; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    if (t <= x1) {
      const [x0, y0] = points[i - 1]!;
      return 255 * (y0 + ((y1 - y0) * (t - x0)) / (x1 - x0));
    }
  }
  return 255 * points[points.length - 1]![1];
}

/** Every accepted colormap name (lower case); each also accepts matplotlib's `_r` suffix for reversed. */
export const COLORMAP_NAMES: readonly string[] = [...Object.keys(EXTRA), ...PLOT_SCHEMES];

const cache = new Map<string, Uint8Array>();

/**
 * Index into a 256-entry table for t in [0, 1], matplotlib's rule: floor(t * 256), clamped to
 * 0..255 (NaN gives 0), so `colormap('jet')(0.5)` equals matplotlib's `cm.jet(0.5)`.
 */
export function lutIndex(t: number): number {
  return t > 0 ? (t < 1 ? Math.min(255, Math.floor(t * 256)) : 255) : 0;
}

/** The 256 x RGB byte table of a colormap (internal: image rendering indexes it directly). */
export function colormapTable(name: string): Uint8Array {
  if (typeof name !== 'string') throw unknownColormap(name);
  const key = name.toLowerCase();
  const cached = cache.get(key);
  if (cached) return cached;
  const reversed = key.endsWith('_r');
  const base = reversed ? key.slice(0, -2) : key;
  let f: (t: number) => [number, number, number];
  if (base in EXTRA) f = EXTRA[base]!;
  else if ((PLOT_SCHEMES as readonly string[]).includes(base)) f = schemeInterpolator(base)!;
  else throw unknownColormap(name);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb = f(reversed ? 1 - i / 255 : i / 255);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.max(0, Math.min(255, Math.round(rgb[c]!)));
  }
  cache.set(key, lut);
  return lut;
}

function unknownColormap(name: unknown): InterpError {
  return new InterpError(
    'INVALID_OPTION',
    `invalid cmap: ${JSON.stringify(name)}; expected one of ${COLORMAP_NAMES.map((n) => `'${n}'`).join(', ')} (case-insensitive, '_r' reverses)`,
  );
}
