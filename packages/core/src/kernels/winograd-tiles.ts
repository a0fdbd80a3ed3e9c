// Winograd F(m x m, 3 x 3) tiles: the transform matrices B^T (input), G (filter) and A^T (output)
// of each tile size, on its interpolation points (Lavin and Gray 2015; the F4H points after the
// error analyses of Barabasz et al.). The kernels that apply them are in winograd-simd.ts and
// winograd-filter-simd.ts; which tile a conv takes is winograd-conv-wasm.ts's tile policy.
/** The transform matrices of one tile size: outputs m x m per tile, input patches t x t. */
export interface WinogradTile {
  /** Unique per tile (the key of its cached kernels and transformed filters). */
  name: string;
  /** Outputs per tile side. */
  m: number;
  /** Input patch side, m + 2. */
  t: number;
  /** B^T, t x t: the input transform. */
  bt: readonly (readonly number[])[];
  /** G, t x 3: the filter transform. */
  g: readonly (readonly number[])[];
  /** A^T, m x t: the output transform. */
  at: readonly (readonly number[])[];
}

/** F(2x2, 3x3): 2.25x fewer multiplies than the direct conv. */
export const F2: WinogradTile = {
  name: 'F2',
  m: 2,
  t: 4,
  bt: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  g: [
    [1, 0, 0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

/** F(4x4, 3x3): 4x fewer multiplies; float32 error about 1e-6 of the output's scale. */
export const F4: WinogradTile = {
  name: 'F4',
  m: 4,
  t: 6,
  bt: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  g: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 2, -2, 0],
    [0, 1, 1, 4, 4, 0],
    [0, 1, -1, 8, -8, 1],
  ],
};

/**
 * F(4x4, 3x3) on the points 0, 1, -1, 1/2, -2 and infinity (F4 uses 0, ±1, ±2, infinity;
 * Barabasz, Anderson, Soodhalter and Gregg, "Error analysis and improving the accuracy of
 * Winograd convolution for deep neural networks", 2020, on mixing a point with its reciprocal's
 * negative). F4's multiplies, denser transforms.
 */
export const F4H: WinogradTile = {
  name: 'F4H',
  m: 4,
  t: 6,
  bt: [
    [1, -3 / 2, -2, 3 / 2, 1, 0],
    [0, -1, 1 / 2, 5 / 2, 1, 0],
    [0, 1, -5 / 2, 1 / 2, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 1 / 2, -1, -1 / 2, 1, 0],
    [0, 1, -3 / 2, -2, 3 / 2, 1],
  ],
  g: [
    [1, 0, 0],
    [1 / 3, 1 / 3, 1 / 3],
    [-1 / 3, 1 / 3, -1 / 3],
    [-16 / 15, -8 / 15, -4 / 15],
    [1 / 15, -2 / 15, 4 / 15],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 1 / 2, -2, 0],
    [0, 1, 1, 1 / 4, 4, 0],
    [0, 1, -1, 1 / 8, -8, 1],
  ],
};

/** F(3x3, 3x3) on the points 0, 1, -1, -2 and infinity: 1.44x fewer multiplies than F2. */
export const F3: WinogradTile = {
  name: 'F3',
  m: 3,
  t: 5,
  bt: [
    [-2, -1, 2, 1, 0],
    [0, 2, 3, 1, 0],
    [0, -2, 1, 1, 0],
    [0, -1, 0, 1, 0],
    [0, -2, -1, 2, 1],
  ],
  g: [
    [-1 / 2, 0, 0],
    [1 / 6, 1 / 6, 1 / 6],
    [1 / 2, -1 / 2, 1 / 2],
    [-1 / 6, 1 / 3, -2 / 3],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 1, 0],
    [0, 1, -1, -2, 0],
    [0, 1, 1, 4, 1],
  ],
};
