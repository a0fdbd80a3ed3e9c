import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/**
 * Serializes a figure to text: a standalone SVG document (with `xmlns`, XML-escaped, so it can be
 * written to a `.svg` file or rendered by `toPNG`) for an SVG element, or `outerHTML` for an HTML
 * element such as a table. The SVG serializer is our own so the output is the same with
 * linkedom, jsdom and browsers (linkedom's outerHTML leaves `<` and `&` raw in attributes,
 * which is not well-formed XML).
 *
 * @example
 * ```ts
 * fs.writeFileSync('cm.svg', toSVGString(heatmap(matrix, { document })));
 * ```
 */
export function toSVGString(node: Element): string {
  if (node == null || typeof node !== 'object' || typeof (node as Element).tagName !== 'string') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `toSVGString expects a DOM element (an <svg> from a plot function), got ${describe(node)}`,
    );
  }
  if (!isSVGRoot(node)) return node.outerHTML;
  const parts: string[] = [];
  serialize(node, parts, true);
  return parts.join('');
}

function isSVGRoot(node: Element): boolean {
  return node.localName === 'svg';
}

/**
 * Characters XML 1.0 forbids anywhere, even escaped: C0 controls but tab, newline and carriage
 * return, lone surrogates, U+FFFE and U+FFFF. One in a class name made an ill-formed file that
 * PNG rendering refused; they become U+FFFD so the document stays well-formed.
 */
const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML forbids
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeText(s: string): string {
  return s
    .replace(XML_FORBIDDEN, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function serialize(node: Node, parts: string[], root: boolean): void {
  if (node.nodeType === 3 || node.nodeType === 4) {
    parts.push(escapeText(node.nodeValue ?? ''));
    return;
  }
  if (node.nodeType !== 1) return; // comments and processing instructions carry nothing visible
  const el = node as Element;
  // localName keeps SVG's camelCase (clipPath) where linkedom upper-cases tagName.
  const name = el.localName;
  parts.push('<', name);
  const attributes = Array.from(el.attributes);
  if (root) {
    if (!el.hasAttribute('xmlns')) parts.push(` xmlns="${SVG_NS}"`);
    if (!el.hasAttribute('xmlns:xlink') && usesXlink(el)) parts.push(` xmlns:xlink="${XLINK_NS}"`);
  }
  for (const attr of attributes) parts.push(' ', attr.name, '="', escapeAttribute(attr.value), '"');
  if (el.childNodes.length === 0) {
    parts.push('/>');
    return;
  }
  parts.push('>');
  for (const child of Array.from(el.childNodes)) serialize(child, parts, false);
  parts.push('</', name, '>');
}

function usesXlink(el: Element): boolean {
  if (Array.from(el.attributes).some((a) => a.name.startsWith('xlink:'))) return true;
  return Array.from(el.children).some(usesXlink);
}
