import type { Learner } from '@interp/core';
import { keyword } from '@interp/core/internal';
import {
  InteractiveClassifier,
  type InteractiveClassifierOptions,
} from './interactive-classifier.js';
import {
  InteractiveSegmentation,
  type InteractiveSegmentationOptions,
} from './interactive-segmentation.js';

/** The kinds of widget {@link createInterpretationWidget} makes. */
export const WIDGET_TYPES = ['classification', 'segmentation'] as const;

/** One of {@link WIDGET_TYPES}. */
export type WidgetType = (typeof WIDGET_TYPES)[number];

/** Defaults of {@link createInterpretationWidget}, written once. */
export const createInterpretationWidgetDefaults = Object.freeze({
  type: 'classification',
} as const);

/**
 * The widget for a task: an {@link InteractiveClassifier} for `'classification'` (the default) or
 * an {@link InteractiveSegmentation} for `'segmentation'`. Call `.show(container)` on the result.
 *
 * @example
 * ```ts
 * const widget = createInterpretationWidget(learn, 'segmentation', { opacity: 0.4 });
 * await widget.show(document.querySelector('#out')!);
 * ```
 */
export function createInterpretationWidget(
  learn: Learner,
  type?: 'classification',
  options?: InteractiveClassifierOptions,
): InteractiveClassifier;
export function createInterpretationWidget(
  learn: Learner,
  type: 'segmentation',
  options?: InteractiveSegmentationOptions,
): InteractiveSegmentation;
export function createInterpretationWidget(
  learn: Learner,
  type?: WidgetType,
  options?: InteractiveClassifierOptions | InteractiveSegmentationOptions,
): InteractiveClassifier | InteractiveSegmentation;
export function createInterpretationWidget(
  learn: Learner,
  type?: WidgetType,
  options: InteractiveClassifierOptions | InteractiveSegmentationOptions = {},
): InteractiveClassifier | InteractiveSegmentation {
  const kind = keyword(type, 'type', WIDGET_TYPES, createInterpretationWidgetDefaults.type);
  return kind === 'segmentation'
    ? new InteractiveSegmentation(learn, options as InteractiveSegmentationOptions)
    : new InteractiveClassifier(learn, options as InteractiveClassifierOptions);
}
