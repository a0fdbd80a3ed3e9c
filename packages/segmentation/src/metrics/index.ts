// The tensor-free metric core: typed arrays in, numbers out; imports no tfjs and no plotting.

export type { ConfusionCounts, ConfusionMatrixLike } from './confusion-counts.js';
export { confusionCountsToArray } from './confusion-counts-to-array.js';
export { createConfusionCounts } from './create-confusion-counts.js';
export { diceCoefficient } from './dice-coefficient.js';
export { frequencyWeightedIoU } from './frequency-weighted-iou.js';
export { intersectionOverUnion } from './intersection-over-union.js';
export { meanIoU } from './mean-iou.js';
export { perClassAccuracy } from './per-class-accuracy.js';
export { pixelAccuracy } from './pixel-accuracy.js';
export type { PixelConfusionOptions } from './pixel-confusion-matrix.js';
export { pixelConfusionMatrix } from './pixel-confusion-matrix.js';
export type { PixelConfusionFromScoresOptions } from './pixel-confusion-matrix-from-scores.js';
export { pixelConfusionMatrixFromScores } from './pixel-confusion-matrix-from-scores.js';
export type { SegmentationReport } from './segmentation-report.js';
export { segmentationReport } from './segmentation-report.js';
