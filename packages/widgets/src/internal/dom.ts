import { InterpError } from '@interp/core/base';

/** Attributes and properties {@link h} sets; every value is set as an attribute or text, never parsed as HTML. */
export interface ElementSpec {
  /** Class names (space separated). */
  class?: string;
  /** Text content, set with `textContent` so markup in it stays text. */
  text?: string;
  /** Attributes (`aria-*`, `role`, `tabindex`, ...): values are strings set with setAttribute. */
  attrs?: Record<string, string | number | boolean | undefined>;
}

/**
 * Creates an element with attributes and text (as text, never as markup) and appends children.
 * The one way the widgets build DOM, so untrusted strings (class names, item labels) can only
 * ever land in `textContent` or an attribute value.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  document: Document,
  tag: K,
  spec: ElementSpec = {},
  children: (Node | null | undefined)[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (spec.class) el.setAttribute('class', spec.class);
  if (spec.attrs) {
    for (const [name, value] of Object.entries(spec.attrs)) {
      if (value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  if (spec.text !== undefined) el.textContent = spec.text;
  for (const c of children) if (c) el.append(c);
  return el;
}

/** The document to build in: the option, else the container's, else the global one. */
export function widgetDocument(option: Document | undefined, container?: Element): Document {
  const doc =
    option ??
    container?.ownerDocument ??
    (globalThis as { document?: Document }).document ??
    undefined;
  if (!doc) {
    throw new InterpError(
      'INVALID_OPTION',
      'no document: in Node pass { document } (for example new JSDOM().window.document) or a container element',
    );
  }
  return doc;
}

let nextId = 0;

/** A document-unique id prefix for one widget instance (labels point at ids). */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** Removes every child of `el`. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** True for the keys that activate a focused control (Enter and Space, as a button does). */
export function isActivationKey(key: string): boolean {
  return key === 'Enter' || key === ' ' || key === 'Spacebar';
}

/** Formats a number for a label: fixed decimals, `n/a` when not finite. */
export function fmt(value: number | undefined, digits = 2): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The class name for index `k`, or the index as text when the vocab has no entry. */
export function className(names: readonly string[], k: number): string {
  return names[k] ?? String(k);
}
