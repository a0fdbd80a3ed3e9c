export { Categorify, NA_LEVEL } from './categorify.js';
export type {
  PermutationImportanceOptions,
  PermutationImportanceResult,
} from './feature-importance.js';
export { FeatureImportance, permutationImportanceDefaults } from './feature-importance.js';
export { FillMissing } from './fill-missing.js';
export type { ImportanceChartOptions, ImportanceData } from './importance-chart.js';
export { importanceChart, importanceChartDefaults } from './importance-chart.js';
export { NORMALIZE_EPSILON, Normalize } from './normalize.js';
export type {
  OobScoreImportanceOptions,
  OobScoreImportanceResult,
} from './oob-score-importance.js';
export { oobScoreImportance, oobScoreImportanceDefaults } from './oob-score-importance.js';
export type { ParseCSVOptions } from './parse-csv.js';
export { parseCSV, parseCSVDefaults } from './parse-csv.js';
export type { PartialDependenceOptions, PartialDependenceResult } from './partial-dependence.js';
export { partialDependence, partialDependenceDefaults } from './partial-dependence.js';
export type { PartialDependenceChartOptions } from './partial-dependence-chart.js';
export {
  partialDependenceChart,
  partialDependenceChartDefaults,
} from './partial-dependence-chart.js';
export type { RfpimpImportanceOptions, RfpimpImportanceResult } from './rfpimp-importance.js';
export { rfpimpImportance, rfpimpImportanceDefaults } from './rfpimp-importance.js';
export type { Scorer, Scoring, ScoringFunction, ScoringName } from './scoring.js';
export {
  isClassificationScoring,
  LOG_LOSS_EPSILON,
  resolveScoring,
  SCORING_NAMES,
} from './scoring.js';
export type {
  CellValue,
  NumberColumn,
  StringColumn,
  TableColumn,
  TableFromCSVOptions,
} from './table.js';
export { Table, tableDefaults } from './table.js';
export type { EncodedTable, TabularDataOptions, TabularLoaderOptions } from './tabular-data.js';
export { TabularData, tabularDataDefaults } from './tabular-data.js';
export type { TabularDataLoader, TabularFeature } from './tabular-feature.js';
export { isTabularDataLoader } from './tabular-feature.js';
export type { TabularInputConfig } from './tabular-input-layer.js';
export { registerTabularLayers, tabularInputLayer } from './tabular-input-layer.js';
export type { TabularLearnerOptions } from './tabular-learner.js';
export { embSzRule, tabularLearner, tabularLearnerDefaults } from './tabular-learner.js';
