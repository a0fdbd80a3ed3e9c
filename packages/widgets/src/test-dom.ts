// Test helpers: a jsdom window per test and event shortcuts (not part of the package).
import { JSDOM } from 'jsdom';

export interface TestDom {
  window: JSDOM['window'];
  document: Document;
  container: HTMLElement;
  key(el: Element, key: string): void;
  click(el: Element): void;
  change(el: HTMLSelectElement | HTMLInputElement, value: string, type?: 'change' | 'input'): void;
}

export function testDom(): TestDom {
  const dom = new JSDOM('<!doctype html><html><body><main id="app"></main></body></html>');
  const { window } = dom;
  const document = window.document as unknown as Document;
  return {
    window,
    document,
    container: document.getElementById('app')!,
    key(el, key) {
      el.dispatchEvent(
        new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }),
      );
    },
    click(el) {
      el.dispatchEvent(new window.MouseEvent('click', { bubbles: true, cancelable: true }));
    },
    change(el, value, type = 'change') {
      el.value = value;
      el.dispatchEvent(new window.Event(type, { bubbles: true }));
    },
  };
}

/** Waits for pending promise callbacks (thumbnails and item details render asynchronously). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

/** A markup string that would run script if it were ever parsed as HTML. */
export const XSS = '<img src=x onerror=alert(1)>';
