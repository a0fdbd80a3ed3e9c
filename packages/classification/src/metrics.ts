// The pure metric functions: typed arrays in, numbers out; no tfjs, no Plot.
// Importable alone as '@interp/classification/metrics' (fast CLIs, small bundles).

export { auc } from './metrics/auc.js';
export { averagePrecision } from './metrics/average-precision.js';
export type { CalibrationCurve, CalibrationCurveOptions } from './metrics/calibration-curve.js';
export { calibrationCurve, calibrationCurveDefaults } from './metrics/calibration-curve.js';
export type {
  ClassificationReport,
  ClassificationReportOptions,
  ClassScores,
} from './metrics/classification-report.js';
export { classificationReport } from './metrics/classification-report.js';
export type { CohenKappaOptions } from './metrics/cohen-kappa.js';
export { cohenKappa, cohenKappaDefaults } from './metrics/cohen-kappa.js';
export type { ConfusionMatrixOptions } from './metrics/confusion-matrix.js';
export { confusionMatrix, confusionMatrixDefaults } from './metrics/confusion-matrix.js';
export type {
  ConfusionMatrixFromScores,
  ConfusionMatrixFromScoresOptions,
} from './metrics/confusion-matrix-from-scores.js';
export {
  confusionMatrixFromScores,
  confusionMatrixFromScoresDefaults,
} from './metrics/confusion-matrix-from-scores.js';
export type {
  ExpectedCalibrationError,
  ExpectedCalibrationErrorOptions,
} from './metrics/expected-calibration-error.js';
export {
  expectedCalibrationError,
  expectedCalibrationErrorDefaults,
} from './metrics/expected-calibration-error.js';
export type { FormatClassificationReportOptions } from './metrics/format-classification-report.js';
export {
  formatClassificationReport,
  formatClassificationReportDefaults,
} from './metrics/format-classification-report.js';
export { matthewsCorrcoef } from './metrics/matthews-corrcoef.js';
export type { ConfusedPair, MostConfusedOptions } from './metrics/most-confused.js';
export { mostConfused, mostConfusedDefaults } from './metrics/most-confused.js';
export type { MultiLabelConfusionMatrixOptions } from './metrics/multi-label-confusion-matrix.js';
export {
  multiLabelConfusionMatrix,
  multiLabelConfusionMatrixDefaults,
} from './metrics/multi-label-confusion-matrix.js';
export type { OneVsRest } from './metrics/one-vs-rest.js';
export { oneVsRest } from './metrics/one-vs-rest.js';
export type { OneVsRestRocAuc } from './metrics/one-vs-rest-roc-auc.js';
export { oneVsRestRocAuc } from './metrics/one-vs-rest-roc-auc.js';
export type {
  PrecisionRecallCurve,
  PrecisionRecallCurveOptions,
} from './metrics/precision-recall-curve.js';
export {
  precisionRecallCurve,
  precisionRecallCurveDefaults,
} from './metrics/precision-recall-curve.js';
export { rocAuc } from './metrics/roc-auc.js';
export type { RocCurve, RocCurveOptions } from './metrics/roc-curve.js';
export { rocCurve, rocCurveDefaults } from './metrics/roc-curve.js';
export { sigmoid } from './metrics/sigmoid.js';
export { softmaxRows } from './metrics/softmax-rows.js';
export type { TopKAccuracyOptions } from './metrics/top-k-accuracy.js';
export { topKAccuracy, topKAccuracyDefaults } from './metrics/top-k-accuracy.js';
