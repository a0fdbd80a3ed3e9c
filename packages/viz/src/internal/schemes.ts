// Plot's continuous colour schemes without Plot: the interpolators of d3-scale-chromatic, the
// package Plot itself draws them from, so a bundle holding both Plot and @interp/viz/image carries
// one copy of the schemes. Each d3 colour string is parsed by the house's one colour parser.
import {
  interpolateBlues,
  interpolateBrBG,
  interpolateBuGn,
  interpolateBuPu,
  interpolateCividis,
  interpolateCool,
  interpolateCubehelixDefault,
  interpolateGnBu,
  interpolateGreens,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolateOranges,
  interpolateOrRd,
  interpolatePiYG,
  interpolatePlasma,
  interpolatePRGn,
  interpolatePuBu,
  interpolatePuBuGn,
  interpolatePuOr,
  interpolatePuRd,
  interpolatePurples,
  interpolateRainbow,
  interpolateRdBu,
  interpolateRdGy,
  interpolateRdPu,
  interpolateRdYlBu,
  interpolateRdYlGn,
  interpolateReds,
  interpolateSinebow,
  interpolateSpectral,
  interpolateTurbo,
  interpolateViridis,
  interpolateWarm,
  interpolateYlGn,
  interpolateYlGnBu,
  interpolateYlOrBr,
  interpolateYlOrRd,
} from 'd3-scale-chromatic';
import { parseColor } from '../parse-color.js';

type RGB = [number, number, number];

const D3: Record<string, (t: number) => string> = {
  blues: interpolateBlues,
  greens: interpolateGreens,
  greys: interpolateGreys,
  oranges: interpolateOranges,
  purples: interpolatePurples,
  reds: interpolateReds,
  bugn: interpolateBuGn,
  bupu: interpolateBuPu,
  gnbu: interpolateGnBu,
  orrd: interpolateOrRd,
  pubugn: interpolatePuBuGn,
  pubu: interpolatePuBu,
  purd: interpolatePuRd,
  rdpu: interpolateRdPu,
  ylgnbu: interpolateYlGnBu,
  ylgn: interpolateYlGn,
  ylorbr: interpolateYlOrBr,
  ylorrd: interpolateYlOrRd,
  brbg: interpolateBrBG,
  prgn: interpolatePRGn,
  piyg: interpolatePiYG,
  puor: interpolatePuOr,
  rdbu: interpolateRdBu,
  rdgy: interpolateRdGy,
  rdylbu: interpolateRdYlBu,
  rdylgn: interpolateRdYlGn,
  spectral: interpolateSpectral,
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  turbo: interpolateTurbo,
  cividis: interpolateCividis,
  cubehelix: interpolateCubehelixDefault,
  warm: interpolateWarm,
  cool: interpolateCool,
  rainbow: interpolateRainbow,
  sinebow: interpolateSinebow,
};

/** Plot's reversed diverging schemes. */
const REVERSED: Record<string, string> = { burd: 'rdbu', buylrd: 'rdylbu' };

/** Every scheme name this module knows (lower case, as Plot matches them). */
export const SCHEME_NAMES: readonly string[] = [...Object.keys(D3), ...Object.keys(REVERSED)];

/** The interpolator of a scheme (lower-case name), or undefined for an unknown name. */
export function schemeInterpolator(name: string): ((t: number) => RGB) | undefined {
  const reversed = REVERSED[name];
  const f = D3[reversed ?? name];
  if (f === undefined) return undefined;
  return reversed === undefined ? (t) => parseColor(f(t)) : (t) => parseColor(f(1 - t));
}
