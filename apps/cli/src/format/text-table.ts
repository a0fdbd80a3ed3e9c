/** Display width in code points (class names may hold any character). */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function pad(text: string, w: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain-text table: columns two spaces apart, each as wide as its widest cell; trailing spaces
 * trimmed. `align[j]` is the alignment of column j (default right).
 */
export function textTable(
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): string {
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, j) =>
    Math.max(0, ...rows.map((r) => width(r[j] ?? ''))),
  );
  return rows
    .map((r) =>
      widths
        .map((w, j) => pad(r[j] ?? '', w, align[j] ?? 'right'))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
