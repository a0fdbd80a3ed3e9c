export type { WidgetType } from './create-interpretation-widget.js';
export {
  createInterpretationWidget,
  createInterpretationWidgetDefaults,
  WIDGET_TYPES,
} from './create-interpretation-widget.js';
export type { InteractiveClassifierOptions } from './interactive-classifier.js';
export { InteractiveClassifier, interactiveClassifierDefaults } from './interactive-classifier.js';
export type { InteractiveSegmentationOptions } from './interactive-segmentation.js';
export {
  InteractiveSegmentation,
  interactiveSegmentationDefaults,
} from './interactive-segmentation.js';
export type { AttributionMethod } from './internal/item-attribution.js';
export { ATTRIBUTION_METHODS } from './internal/item-attribution.js';
export type { ClassifierPage } from './state/classifier-state.js';
export { ClassifierState } from './state/classifier-state.js';
export type { ClassFilter, ClassifiedItems } from './state/items-by-loss.js';
export { itemsByLoss } from './state/items-by-loss.js';
export type { MaskedItems, MaskGeometry } from './state/mask-geometry.js';
export { maskGeometry } from './state/mask-geometry.js';
export type { SegmentationScores } from './state/segmentation-scores.js';
export type { SegmentationOrder } from './state/segmentation-state.js';
export {
  browsingSequence,
  SEGMENTATION_ORDERS,
  SegmentationState,
} from './state/segmentation-state.js';
