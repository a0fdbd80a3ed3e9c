/**
 * Gauss-Legendre nodes and weights on [-1, 1], ascending, like numpy's `leggauss`: each node is
 * a root of the Legendre polynomial P_n found by Newton's method from the Tricomi-style starting
 * guess cos(pi (i + 3/4) / (n + 1/2)), and its weight is 2 / ((1 - x^2) P_n'(x)^2). The result is
 * symmetrized (nodes odd, weights even about 0) as numpy does.
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      const [p, d] = legendreAndDerivative(n, x);
      dp = d;
      const dx = p / d;
      x -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    dp = legendreAndDerivative(n, x)[1];
    // cos(...) decreases with i: fill from the end so the nodes come out ascending.
    nodes[n - 1 - i] = x;
    weights[n - 1 - i] = 2 / ((1 - x * x) * dp * dp);
  }
  for (let i = 0; i < n; i++) {
    const j = n - 1 - i;
    if (j < i) break;
    const x = (nodes[j]! - nodes[i]!) / 2;
    const w = (weights[i]! + weights[j]!) / 2;
    nodes[i] = -x;
    nodes[j] = x;
    weights[i] = w;
    weights[j] = w;
  }
  return { nodes, weights };
}

/** P_n(x) and P_n'(x) by the three-term recurrence (|x| < 1). */
function legendreAndDerivative(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return [p1, (n * (x * p1 - p0)) / (x * x - 1)];
}
