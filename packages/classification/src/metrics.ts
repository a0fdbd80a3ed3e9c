// The pure metric functions: typed arrays in, numbers out; no tfjs, no Plot.
// Importable alone as '@interp/classification/metrics' (fast CLIs, small bundles).

export { auc } from './metrics/auc.js';
export { averagePrecision } from './metrics/averagePrecision.js';
export type { CalibrationCurve, CalibrationCurveOptions } from './metrics/calibrationCurve.js';
export { calibrationCurve } from './metrics/calibrationCurve.js';
export type {
  ClassificationReport,
  ClassificationReportOptions,
  ClassScores,
} from './metrics/classificationReport.js';
export { classificationReport } from './metrics/classificationReport.js';
export type { CohenKappaOptions } from './metrics/cohenKappa.js';
export { cohenKappa } from './metrics/cohenKappa.js';
export type { ConfusionMatrixOptions } from './metrics/confusionMatrix.js';
export { confusionMatrix } from './metrics/confusionMatrix.js';
export type {
  ConfusionMatrixFromScores,
  ConfusionMatrixFromScoresOptions,
} from './metrics/confusionMatrixFromScores.js';
export { confusionMatrixFromScores } from './metrics/confusionMatrixFromScores.js';
export type {
  ExpectedCalibrationError,
  ExpectedCalibrationErrorOptions,
} from './metrics/expectedCalibrationError.js';
export { expectedCalibrationError } from './metrics/expectedCalibrationError.js';
export type { FormatClassificationReportOptions } from './metrics/formatClassificationReport.js';
export { formatClassificationReport } from './metrics/formatClassificationReport.js';
export { matthewsCorrcoef } from './metrics/matthewsCorrcoef.js';
export type { ConfusedPair, MostConfusedOptions } from './metrics/mostConfused.js';
export { mostConfused } from './metrics/mostConfused.js';
export type { MultiLabelConfusionMatrixOptions } from './metrics/multiLabelConfusionMatrix.js';
export { multiLabelConfusionMatrix } from './metrics/multiLabelConfusionMatrix.js';
export type { OneVsRest } from './metrics/oneVsRest.js';
export { oneVsRest } from './metrics/oneVsRest.js';
export type { OneVsRestRocAuc } from './metrics/oneVsRestRocAuc.js';
export { oneVsRestRocAuc } from './metrics/oneVsRestRocAuc.js';
export type {
  PrecisionRecallCurve,
  PrecisionRecallCurveOptions,
} from './metrics/precisionRecallCurve.js';
export { precisionRecallCurve } from './metrics/precisionRecallCurve.js';
export { rocAuc } from './metrics/rocAuc.js';
export type { RocCurve, RocCurveOptions } from './metrics/rocCurve.js';
export { rocCurve } from './metrics/rocCurve.js';
export { sigmoid } from './metrics/sigmoid.js';
export { softmaxRows } from './metrics/softmaxRows.js';
export type { TopKAccuracyOptions } from './metrics/topKAccuracy.js';
export { topKAccuracy } from './metrics/topKAccuracy.js';
