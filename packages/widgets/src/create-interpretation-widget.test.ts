import { arrayDataLoader, DataLoaders, InterpError, learnerFromFunction } from '@interp/core';
import { describe, expect, it } from 'vitest';
import {
  createInterpretationWidget,
  createInterpretationWidgetDefaults,
} from './create-interpretation-widget.js';
import { InteractiveClassifier } from './interactive-classifier.js';
import { InteractiveSegmentation } from './interactive-segmentation.js';

const dl = arrayDataLoader({ data: [0, 1], shape: [2, 1] }, { data: [0, 1], shape: [2] });
const learn = learnerFromFunction((x) => x, { dls: new DataLoaders(dl, dl) });

describe('createInterpretationWidget(learn, type, options)', () => {
  it('has the expected defaults', () => {
    expect(createInterpretationWidgetDefaults).toEqual({ type: 'classification' });
  });

  it('makes an InteractiveClassifier by default and for classification', () => {
    const w = createInterpretationWidget(learn);
    expect(w).toBeInstanceOf(InteractiveClassifier);
    expect(w.learn).toBe(learn);
    expect(createInterpretationWidget(learn, 'classification')).toBeInstanceOf(
      InteractiveClassifier,
    );
  });

  it('makes an InteractiveSegmentation for segmentation, passing the options on', () => {
    const w = createInterpretationWidget(learn, 'segmentation', { opacity: 0.25 });
    expect(w).toBeInstanceOf(InteractiveSegmentation);
    expect(w.getOpacity()).toBe(0.25);
  });

  it('rejects an unknown type, listing the choices', () => {
    expect(() => createInterpretationWidget(learn, 'tabular' as never)).toThrow(InterpError);
    expect(() => createInterpretationWidget(learn, 'tabular' as never)).toThrow(
      "invalid type: \"tabular\"; expected one of 'classification', 'segmentation'",
    );
  });
});
