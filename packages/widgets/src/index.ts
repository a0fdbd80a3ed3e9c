export type { WidgetType } from './create-interpretation-widget.js';
export {
  createInterpretationWidget,
  createInterpretationWidgetDefaults,
  WIDGET_TYPES,
} from './create-interpretation-widget.js';
export type {
  AttributionMethod,
  ClassFilter,
  InteractiveClassifierOptions,
} from './interactive-classifier.js';
export {
  ATTRIBUTION_METHODS,
  InteractiveClassifier,
  interactiveClassifierDefaults,
  itemsByLoss,
} from './interactive-classifier.js';
export type {
  InteractiveSegmentationOptions,
  SegmentationOrder,
  SegmentationScores,
} from './interactive-segmentation.js';
export {
  InteractiveSegmentation,
  interactiveSegmentationDefaults,
  SEGMENTATION_ORDERS,
} from './interactive-segmentation.js';
