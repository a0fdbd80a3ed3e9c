import { ClassificationInterpretation } from '@interp/classification';
import { InterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, nchwConvGraph } from '@interp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractiveClassifier } from './interactive-classifier.js';
import { testDom } from './test-dom.js';

// An NCHW model graph (as an ONNX export is laid out) with predictions computed elsewhere: the
// widget attributes through the graph given as { model }, with no learner.
let graph: ReturnType<typeof nchwConvGraph>;
beforeAll(async () => {
  await setupBackend('cpu');
  // head: class 0 reads channel 0 (block sums), class 1 channel 1 (negated block sums).
  graph = nchwConvGraph(Array.from({ length: 8 }, (_, i) => (i < 4 ? [1, 0] : [0, 1])));
});
afterAll(() => graph.dispose?.());

function interp() {
  // Two 4 x 4 x 1 images (H x W x C, as the widget shows them), both predicted class 0.
  const data = Float32Array.from({ length: 32 }, (_, i) => ((i * 3) % 7) / 7);
  return ClassificationInterpretation.fromPredictions({
    preds: { data: Float32Array.from([0.9, 0.1, 0.8, 0.2]), shape: [2, 2] },
    targs: [0, 1],
    inputs: { data, shape: [2, 4, 4, 1] },
  });
}

describe('InteractiveClassifier with { model }', () => {
  it('attributes through a model graph, with a layer menu of its nodes for layer methods', async () => {
    const dom = testDom();
    const w = InteractiveClassifier.fromInterpretation(interp(), {
      document: dom.document,
      model: graph,
      attribution: 'gradcam',
    });
    const root = await w.show(dom.container);
    const layer = root.querySelector('select[name=layer]') as HTMLSelectElement;
    expect(Array.from(layer.options, (o) => o.value)).toEqual(['conv', 'relu', 'flatten', 'head']);
    // GradCAM's default: the last node with an output larger than 1 x 1.
    expect(layer.value).toBe('relu');
    expect(layer.parentElement!.hasAttribute('hidden')).toBe(false);
    await expectNoLeakedTensors(() => w.selectItem(0));
    expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toBe(
      'Grad-CAM (layer relu) for class 0, item 0',
    );
    layer.value = 'conv';
    await w.selectItem(0);
    expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toMatch(/layer conv\)/);
    // A method that reads no layer hides the menu.
    const method = root.querySelector('select[name=attribution]') as HTMLSelectElement;
    method.value = 'ig';
    method.dispatchEvent(new dom.window.Event('change'));
    expect(layer.parentElement!.hasAttribute('hidden')).toBe(true);
  });

  it('takes a starting layer, and refuses an unknown one or a model that is not one', () => {
    const dom = testDom();
    const w = new InteractiveClassifier(undefined, {
      document: dom.document,
      model: graph,
      layer: 'conv',
    });
    expect(w.graph).toBe(graph);
    expect(() => new InteractiveClassifier(undefined, { model: graph, layer: 'nope' })).toThrow(
      InterpError,
    );
    expect(() => new InteractiveClassifier(undefined, { model: {} as never })).toThrow(InterpError);
  });
});
