/**
 * The interpretable models Lime and KernelShap fit, in float64, with scikit-learn's objectives
 * (Captum's defaults: `SkLearnLasso(alpha=0.01)` for Lime, `SkLearnLinearRegression` for
 * KernelShap). Both fit an intercept the way scikit-learn does with `sample_weight`: columns and
 * targets are centred on their weighted means, rows are scaled by sqrt(weight), and the
 * intercept is recovered afterwards.
 */
export interface LinearFit {
  coef: Float64Array;
  intercept: number;
}

/** Defaults of the Lasso fit: scikit-learn's alpha as Captum sets it, and our stopping rule. */
export const lassoDefaults = Object.freeze({ alpha: 0.01, maxIter: 10_000, tol: 1e-10 } as const);

interface Centred {
  xs: Float64Array;
  ys: Float64Array;
  xMean: Float64Array;
  yMean: number;
}

/** X is m x p row-major; weights are rescaled to sum to m (scikit-learn does the same). */
function centre(
  x: Float64Array,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  m: number,
  p: number,
): Centred {
  let wSum = 0;
  for (let r = 0; r < m; r++) wSum += w[r]!;
  const xMean = new Float64Array(p);
  let yMean = 0;
  for (let r = 0; r < m; r++) {
    const wr = w[r]! / wSum;
    yMean += wr * y[r]!;
    for (let c = 0; c < p; c++) xMean[c]! += wr * x[r * p + c]!;
  }
  const xs = new Float64Array(m * p);
  const ys = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const s = Math.sqrt((w[r]! * m) / wSum);
    ys[r] = (y[r]! - yMean) * s;
    for (let c = 0; c < p; c++) xs[r * p + c] = (x[r * p + c]! - xMean[c]!) * s;
  }
  return { xs, ys, xMean, yMean };
}

function withIntercept(coef: Float64Array, c: Centred): LinearFit {
  let intercept = c.yMean;
  for (let j = 0; j < coef.length; j++) intercept -= coef[j]! * c.xMean[j]!;
  return { coef, intercept };
}

/**
 * scikit-learn's Lasso: minimizes (1 / (2 m)) * sum_r w_r (y_r - X_r b - b0)^2 + alpha * |b|_1
 * (weights normalized to mean 1) by cyclic coordinate descent, run until no coefficient moves by
 * more than `tol` (relative) rather than scikit-learn's looser duality-gap test at 1e-4.
 */
export function fitLasso(
  x: Float64Array,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  m: number,
  p: number,
  alpha: number = lassoDefaults.alpha,
): LinearFit {
  const c = centre(x, y, w, m, p);
  const { xs } = c;
  const resid = Float64Array.from(c.ys);
  const norms = new Float64Array(p);
  for (let r = 0; r < m; r++) for (let j = 0; j < p; j++) norms[j]! += xs[r * p + j]! ** 2;
  const coef = new Float64Array(p);
  const threshold = alpha * m;
  for (let iter = 0; iter < lassoDefaults.maxIter; iter++) {
    let maxStep = 0;
    let maxCoef = 0;
    for (let j = 0; j < p; j++) {
      if (norms[j] === 0) continue;
      const old = coef[j]!;
      let rho = 0;
      for (let r = 0; r < m; r++) rho += xs[r * p + j]! * resid[r]!;
      rho += norms[j]! * old;
      const next = (Math.sign(rho) * Math.max(Math.abs(rho) - threshold, 0)) / norms[j]!;
      if (next !== old) {
        const d = next - old;
        for (let r = 0; r < m; r++) resid[r]! -= d * xs[r * p + j]!;
        coef[j] = next;
      }
      maxStep = Math.max(maxStep, Math.abs(next - old));
      maxCoef = Math.max(maxCoef, Math.abs(next));
    }
    if (maxStep <= lassoDefaults.tol * Math.max(maxCoef, 1e-12)) break;
  }
  return withIntercept(coef, c);
}

/**
 * scikit-learn's LinearRegression with sample weights: weighted least squares with an
 * intercept, solved from the normal equations by Gaussian elimination with partial pivoting. A
 * column with no variation (or one that depends on the others) gets coefficient 0, where
 * scikit-learn's lstsq picks the minimum-norm solution.
 */
export function fitWeightedLeastSquares(
  x: Float64Array,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  m: number,
  p: number,
): LinearFit {
  const c = centre(x, y, w, m, p);
  const { xs, ys } = c;
  // Augmented normal equations [XtX | Xty], p x (p + 1).
  const a = new Float64Array(p * (p + 1));
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < p; i++) {
      const xi = xs[r * p + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < p; j++) a[i * (p + 1) + j]! += xi * xs[r * p + j]!;
      a[i * (p + 1) + p]! += xi * ys[r]!;
    }
  }
  let scale = 0;
  for (let i = 0; i < p; i++) scale = Math.max(scale, Math.abs(a[i * (p + 1) + i]!));
  const eps = 1e-12 * Math.max(scale, 1e-300);
  const pivotOf = new Int32Array(p).fill(-1);
  const used = new Uint8Array(p);
  for (let col = 0; col < p; col++) {
    let best = -1;
    let bestAbs = eps;
    for (let row = 0; row < p; row++) {
      if (used[row]) continue;
      const v = Math.abs(a[row * (p + 1) + col]!);
      if (v > bestAbs) {
        best = row;
        bestAbs = v;
      }
    }
    if (best < 0) continue;
    used[best] = 1;
    pivotOf[col] = best;
    const piv = a[best * (p + 1) + col]!;
    for (let row = 0; row < p; row++) {
      if (row === best) continue;
      const f = a[row * (p + 1) + col]! / piv;
      if (f === 0) continue;
      for (let k = col; k <= p; k++) a[row * (p + 1) + k]! -= f * a[best * (p + 1) + k]!;
    }
  }
  const coef = new Float64Array(p);
  for (let col = 0; col < p; col++) {
    const row = pivotOf[col]!;
    if (row >= 0) coef[col] = a[row * (p + 1) + p]! / a[row * (p + 1) + col]!;
  }
  return withIntercept(coef, c);
}
