import { InterpError } from '@interp/core';
import { assertInteger, keyword } from '@interp/core/internal';
import { gaussLegendre } from './internal/legendre.js';

/** The integral approximations of {@link IntegratedGradients}, as Captum names them. */
export type ApproximationMethod =
  | 'riemann_left'
  | 'riemann_right'
  | 'riemann_middle'
  | 'riemann_trapezoid'
  | 'gausslegendre';

/** Every {@link ApproximationMethod}. */
export const APPROXIMATION_METHODS: readonly ApproximationMethod[] = [
  'riemann_left',
  'riemann_right',
  'riemann_middle',
  'riemann_trapezoid',
  'gausslegendre',
];

/**
 * The path points (`alphas`, in [0, 1]) and weights (`stepSizes`) Integrated Gradients evaluates
 * for `nSteps` steps, exactly as Captum's `approximation_parameters`:
 * - `riemann_left` / `riemann_right` / `riemann_middle`: alphas i/n, (i+1)/n, (2i+1)/(2n), each
 *   weight 1/n;
 * - `riemann_trapezoid`: alphas i/(n-1) (0 to 1), weights 1/n with the first and last halved, so
 *   they sum to (n-1)/n as in Captum, not 1;
 * - `gausslegendre`: Gauss-Legendre nodes mapped from [-1, 1] to [0, 1], weights halved.
 * Riemann methods need at least 2 steps, Gauss-Legendre at least 1 (Captum's limits).
 *
 * @example
 * ```ts
 * approximationParameters('riemann_left', 4); // { alphas: [0, 0.25, 0.5, 0.75], stepSizes: [0.25, 0.25, 0.25, 0.25] }
 * ```
 */
export function approximationParameters(
  method: ApproximationMethod,
  nSteps: number,
): { alphas: Float64Array; stepSizes: Float64Array } {
  keyword(method, 'method', APPROXIMATION_METHODS);
  const min = method === 'gausslegendre' ? 1 : 2;
  if (typeof nSteps === 'number' && Number.isInteger(nSteps) && nSteps < min) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `nSteps must be >= ${min} for ${method}, got ${nSteps}${min === 2 ? "; use 'gausslegendre' for a single step" : ''}`,
    );
  }
  const n = assertInteger(nSteps, 'nSteps', min);
  const alphas = new Float64Array(n);
  const stepSizes = new Float64Array(n);
  if (method === 'gausslegendre') {
    const { nodes, weights } = gaussLegendre(n);
    for (let i = 0; i < n; i++) {
      alphas[i] = 0.5 * (1 + nodes[i]!);
      stepSizes[i] = 0.5 * weights[i]!;
    }
    return { alphas, stepSizes };
  }
  stepSizes.fill(1 / n);
  for (let i = 0; i < n; i++) {
    alphas[i] =
      method === 'riemann_left'
        ? i / n
        : method === 'riemann_right'
          ? (i + 1) / n
          : method === 'riemann_middle'
            ? (2 * i + 1) / (2 * n)
            : i / (n - 1);
  }
  if (method === 'riemann_trapezoid') {
    stepSizes[0] = stepSizes[0]! / 2;
    stepSizes[n - 1] = stepSizes[n - 1]! / 2;
  }
  return { alphas, stepSizes };
}
