// The scaffolding every widget shares: where `show()` draws, the learner it computes from, the
// labelled root with its stylesheet and heading, and the live region announcing results.
import type { Learner } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { h, uniqueId, widgetDocument } from './dom.js';
import { WIDGET_CSS } from './styles.js';

/** The document `show()` builds in and the element it draws into (default the body). */
export function showTarget(
  documentOption: Document | undefined,
  container: Element | undefined,
): { doc: Document; target: Element } {
  const doc = widgetDocument(documentOption, container);
  const target = container ?? doc.body;
  if (!target) {
    throw new InterpError('INVALID_ARGUMENT', 'no container: pass an element to show() into');
  }
  return { doc, target };
}

/** The learner a widget computes its interpretation from, or an error naming the alternative. */
export function widgetLearner(learn: Learner | undefined, widget: string): Learner {
  if (!learn) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${widget} needs a learner, or use ${widget}.fromInterpretation(interp)`,
    );
  }
  return learn;
}

/**
 * `interp` when it is a `kind` (what a widget's `fromInterpretation` takes), else an error saying
 * what it needs.
 */
export function requireInterpretation<T>(
  interp: unknown,
  kind: abstract new (...args: never[]) => T,
  needs: string,
): T {
  if (!(interp instanceof kind)) {
    throw new InterpError('INVALID_ARGUMENT', `fromInterpretation needs ${needs}`);
  }
  return interp;
}

/**
 * A widget's root: a section labelled by its heading (`title`), carrying the stylesheet, with a
 * document-unique `id` prefix for the ids of its parts.
 */
export function widgetRoot(
  doc: Document,
  kind: 'classifier' | 'segmentation',
  title: string,
): { root: HTMLElement; id: string } {
  const id = uniqueId(`interp-${kind}`);
  const root = h(doc, 'section', {
    class: `interp-widget interp-${kind}`,
    attrs: { 'aria-labelledby': `${id}-title`, 'data-widget': kind },
  });
  root.append(h(doc, 'style', { text: WIDGET_CSS }));
  root.append(h(doc, 'h2', { attrs: { id: `${id}-title` }, text: title }));
  return { root, id };
}

/** The polite live region where a widget announces what it shows. */
export function statusRegion(doc: Document): HTMLElement {
  return h(doc, 'p', {
    class: 'iw-status',
    attrs: { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' },
  });
}
