// The tensor-free part of core: importing it loads no tfjs (for pure metric code, plots and fast
// CLIs). `Interpretation.fromLearner` loads the tfjs part on first call.

export type { ClassCountOptions } from './class-names.js';
export { classCount, classNames, largestLabel } from './class-names.js';
export type { InterpErrorCode } from './errors.js';
export { InterpError, isInterpError } from './errors.js';
export { getPredsDefaults } from './get-preds-defaults.js';
export { Interpretation, plotTopLosses } from './interpretation.js';
export type { FromLearnerOptions, InterpretationData } from './interpretation-data.js';
export { PROBABILITY_EPSILON } from './loss-constants.js';
export type { NDArray, TypedArray } from './nd-array.js';
export { ndarray, sizeOf } from './nd-array.js';
export type { Preprocessing, PresetName } from './preprocess.js';
export { preprocessPixels, preprocessPreset, preprocessPresets } from './preprocess.js';
export type { RandomGenerator, RandomState } from './random.js';
export { createRng, toRng } from './random.js';
export type { TopK } from './top-k.js';
export { topK } from './top-k.js';
export type { PlotTopLossesOptions, TopLossesSelection } from './top-losses-selection.js';
