// The widgets on linkedom, the DOM createDocument() gives in Node: its <select> has a getter-only
// `value` (assigning it threw "Cannot set property value of [object Object] which has only a
// getter" from show(), applyFilter and setOrder), no KeyboardEvent, and no default selection.
import { ClassificationInterpretation } from '@interp/classification';
import { InterpError, Interpretation } from '@interp/core';
import { createDocument } from '@interp/viz';
import { describe, expect, it } from 'vitest';
import { InteractiveClassifier } from './interactive-classifier.js';
import { InteractiveSegmentation } from './interactive-segmentation.js';
import { selectValue, setSelectValue } from './internal/form-controls.js';

async function linkedom() {
  const document = await createDocument();
  const container = document.createElement('main');
  document.body.append(container);
  const win = document.defaultView as unknown as { Event: typeof Event };
  const fire = (el: Element, type: string, init: Record<string, unknown> = {}) => {
    const e = new win.Event(type, { bubbles: true, cancelable: true });
    Object.assign(e, init);
    el.dispatchEvent(e);
  };
  /** Picks an option as a user would (the option becomes selected) and fires change. */
  const choose = (select: HTMLSelectElement, value: string) => {
    for (const o of select.querySelectorAll('option')) {
      if (o.getAttribute('value') === value) o.setAttribute('selected', '');
      else o.removeAttribute('selected');
    }
    fire(select, 'change');
  };
  return { document, container, fire, choose };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('widgets on linkedom (createDocument())', () => {
  it('InteractiveClassifier renders and filters from its menus and its keyboard grid', async () => {
    const { document, container, fire, choose } = await linkedom();
    // Confusion matrix by hand (rows actual): [[1, 1, 0], [0, 2, 0], [1, 0, 2]].
    const interp = ClassificationInterpretation.fromPredictions({
      targs: [0, 0, 1, 1, 2, 2, 2],
      decoded: [0, 1, 1, 1, 2, 0, 2],
      losses: [0.1, 0.9, 0.3, 0.3, 0.2, 1.5, 0.05],
      vocab: ['cat', 'dog', 'bird'],
    });
    const w = InteractiveClassifier.fromInterpretation(interp, { document });
    const root = await w.show(container);
    const listed = () =>
      Array.from(root.querySelectorAll('ul.iw-items li[data-index]'), (li) =>
        Number(li.getAttribute('data-index')),
      );
    expect(listed()).toEqual([5, 1, 2, 3, 4, 0, 6]);
    const actual = root.querySelector('select[name=actual]') as HTMLSelectElement;
    const predicted = root.querySelector('select[name=predicted]') as HTMLSelectElement;
    expect(selectValue(actual)).toBe('');
    choose(actual, '2');
    expect(w.getFilter()).toEqual({ actual: 2, predicted: null });
    expect(listed()).toEqual([5, 4, 6]);
    w.selectCell(0, 1); // the menus follow
    expect(selectValue(actual)).toBe('0');
    expect(selectValue(predicted)).toBe('1');
    expect(listed()).toEqual([1]);
    // Keyboard grid: from cell (0, 0) right then Enter selects actual cat, predicted dog.
    const first = root.querySelector('td[data-actual="0"][data-predicted="0"]')!;
    fire(first, 'keydown', { key: 'ArrowDown' });
    const focused = root.querySelector('td[tabindex="0"]')!;
    expect(focused.getAttribute('data-actual')).toBe('1');
    fire(focused, 'keydown', { key: 'Enter' });
    expect(w.getFilter()).toEqual({ actual: 1, predicted: 0 });
    expect(listed()).toEqual([]);
  });

  it('InteractiveSegmentation renders, browses and changes order from its menu', async () => {
    const { document, container, fire, choose } = await linkedom();
    const interp = new Interpretation({
      targs: { data: Int32Array.from([0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0, 0]), shape: [2, 2, 3] },
      decoded: { data: Int32Array.from([0, 1, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0]), shape: [2, 2, 3] },
      losses: Float32Array.from([0.2, 0.9]),
      vocab: ['background', 'car', 'road'],
    });
    const w = InteractiveSegmentation.fromInterpretation(interp, { document });
    const root = await w.show(container);
    const order = root.querySelector('select[name=order]') as HTMLSelectElement;
    expect(selectValue(order)).toBe('loss');
    expect(w.browsingOrder()).toEqual([1, 0]);
    fire(root.querySelector('.iw-panels')!, 'keydown', { key: 'ArrowRight' });
    await tick();
    expect(w.currentItem).toBe(0);
    choose(order, 'index');
    await tick();
    expect(w.browsingOrder()).toEqual([0, 1]);
    await w.setOrder('loss');
    expect(selectValue(order)).toBe('loss');
    expect(w.currentItem).toBe(1);
    // Item 1 is all background, predicted right: IoU 1 for background, pixel accuracy 1.
    expect(root.querySelector('[role=status]')!.textContent).toMatch(
      /^Image 1 of 2 \(item 1\): mean IoU 1\.00, pixel accuracy 100\.0%/,
    );
  });
});

describe('setSelectValue(select, value)', () => {
  it('throws an InterpError saying a DOM with form controls is needed, not a TypeError', () => {
    const option = {
      getAttribute: () => 'a',
      textContent: 'a',
      get selected() {
        return false;
      },
      setAttribute() {},
      removeAttribute() {},
    };
    const select = {
      getAttribute: () => 'order',
      querySelectorAll: () => [option],
    } as unknown as HTMLSelectElement;
    expect(() => setSelectValue(select, 'a')).toThrow(InterpError);
    expect(() => setSelectValue(select, 'a')).toThrow(/need a DOM with form controls/);
    expect(() => setSelectValue(select, 'b')).toThrow(/has no option "b"/);
  });
});
