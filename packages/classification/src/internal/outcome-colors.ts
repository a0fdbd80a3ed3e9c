/**
 * Caption colours of a shown prediction, written once for every classification view (top losses,
 * plotPredictions, showResults, ...): GitHub's accessible green and red, which keep a contrast
 * of 5:1 with a white background (matplotlib's tab:green manages 3:1).
 */
export const OUTCOME_COLORS: { readonly right: string; readonly wrong: string } = Object.freeze({
  right: '#1a7f37',
  wrong: '#cf222e',
});
