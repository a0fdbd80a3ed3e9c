/**
 * Longest class name drawn in a figure, in UTF-16 code units: a longer name is cut and ends in
 * an ellipsis. 200 characters are wider than any axis we draw, and a 200,000-character name
 * would make the SVG huge and PNG rendering hang (issue 19).
 */
export const MAX_FIGURE_LABEL = 200;

/**
 * A class name as drawn in an SVG or PNG figure: characters XML 1.0 forbids are replaced by
 * U+FFFD (the serializer replaces them too; doing it here keeps the cut below exact) and names
 * over {@link MAX_FIGURE_LABEL} characters are shortened with an ellipsis, never splitting a
 * surrogate pair.
 *
 * @example
 * ```ts
 * figureLabel('x'.repeat(500)).length; // 200
 * figureLabel('a\u0001b'); // 'a\ufffdb'
 * ```
 */
export function figureLabel(name: string): string {
  const clean = String(name).replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  if (clean.length <= MAX_FIGURE_LABEL) return clean;
  let cut = MAX_FIGURE_LABEL - 1;
  const last = clean.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${clean.slice(0, cut)}\u2026`;
}
