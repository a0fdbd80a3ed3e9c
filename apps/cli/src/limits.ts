// The CLI's bounds, written once: every count a user can type and every size read from a file is
// checked against these before anything is allocated, so a typo or a hostile file fails in
// milliseconds with one line instead of exhausting memory or running for days.

/**
 * Most classes a report handles: a C x C confusion matrix of 4,096 classes is 16.8 M counts
 * (134 MB as float64), the largest that stays interactive; the same limit as
 * `@interp/segmentation`'s confusion counts.
 */
export const MAX_CLASSES = 4096;

/** Most top losses listed (`--k`): more is not a list a person reads. */
export const MAX_TOP_LOSSES = 100_000;

/**
 * Most Integrated Gradients steps (`--n-steps`): Captum's default is 50 and errors stop shrinking
 * long before 10,000; each step costs one forward and backward pass per item.
 */
export const MAX_IG_STEPS = 10_000;

/** Most SmoothGrad samples (`--n-samples`): each costs one backward pass per item. */
export const MAX_NOISE_SAMPLES = 1_000;

/** Most permutation repeats (`--n-repeats`): each costs one pass over the data per feature. */
export const MAX_REPEATS = 1_000;

/** Most rows per model call (`--batch-size`). */
export const MAX_BATCH_ROWS = 1_048_576;

/** Largest dimension and most values of an `--input-size` shape (2^26 float32 = 256 MiB). */
export const MAX_INPUT_DIM = 65_536;
export const MAX_INPUT_VALUES = 2 ** 26;
/** Most axes of an `--input-size` shape. */
export const MAX_INPUT_RANK = 8;

/** Most items an `--target` list may name (one class per item). */
export const MAX_TARGET_LIST = 100_000;

/** Most WASM threads (`--threads`): tfjs's WASM backend caps its thread pool at 8 too. */
export const MAX_THREADS = 8;
