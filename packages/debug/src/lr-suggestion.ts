/** A learning-rate suggestion: the rate, and the (lr, loss) point to mark on the lrFind plot. */
export interface LrSuggestion {
  lr: number;
  point: [number, number];
}

/** A suggestion method: fastai's `func(lrs, losses, num_it)`. */
export type SuggestionFunction = (
  lrs: ArrayLike<number>,
  losses: ArrayLike<number>,
  numIt: number,
) => LrSuggestion;
