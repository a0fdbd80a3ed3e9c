/**
 * Test helpers for SVG figures: `normalizeSVG` makes serialized SVG stable enough for golden files.
 *
 * @packageDocumentation
 */

/** Options of {@link normalizeSVG}. */
export interface NormalizeSVGOptions {
  /**
   * 'hash' (the default) replaces each data URL's payload by its length and an FNV-1a hash, so
   * goldens stay small yet still change when an image changes; 'keep' leaves them (the golden
   * then shows its images when opened).
   */
  dataURLs?: 'hash' | 'keep';
}

/** normalizeSVG defaults, written once. */
export const normalizeSVGDefaults: { readonly dataURLs: 'hash' | 'keep' } = Object.freeze({
  dataURLs: 'hash',
});

/**
 * Normalizes SVG text for golden-file comparison, as Observable Plot's own tests do: generated ids
 * (clip paths, markers, ...) and Plot's `plot-xxxxxx` class become `id-1`, `plot-1`, ... in order
 * of first appearance; decimal numbers inside tags (coordinates, path data) are rounded to 2
 * places, text content is left as it is; each element goes on its own
 * line, indented by depth (an element holding only text stays on one line).
 *
 * @example
 * ```ts
 * await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot('./__goldens__/heatmap.svg');
 * ```
 */
export function normalizeSVG(
  svg: string,
  { dataURLs = normalizeSVGDefaults.dataURLs }: NormalizeSVGOptions = {},
): string {
  let s = svg;
  if (dataURLs === 'hash') {
    s = s.replace(
      /(data:[\w/+.-]+;base64,)([A-Za-z0-9+/=]+)/g,
      (_, prefix: string, payload: string) => `${prefix}${payload.length}:${fnv1a(payload)}`,
    );
  }
  s = renumber(s, /\bplot-[0-9a-f]{6}\b/g, (n) => `plot-${n}`);
  const ids = [...s.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  if (ids.length > 0) {
    const alternatives = [...new Set(ids)].sort((a, b) => b.length - a.length).map(escapeRegExp);
    s = renumber(
      s,
      new RegExp(`(?<![\\w-])(?:${alternatives.join('|')})(?![\\w-])`, 'g'),
      (n) => `id-${n}`,
    );
  }
  // Only inside tags (coordinates, path data): text content such as a caption's "0.90" is data.
  s = s.replace(/<[^>]*>/g, (tag) =>
    tag.replace(/-?\d*\.\d+(?:e[+-]?\d+)?/gi, (m) => {
      const r = Math.round(Number(m) * 100) / 100;
      return String(Object.is(r, -0) ? 0 : r);
    }),
  );
  return `${prettyPrint(s)}\n`;
}

function renumber(s: string, pattern: RegExp, name: (n: number) => string): string {
  const seen = new Map<string, string>();
  return s.replace(pattern, (m) => {
    let renamed = seen.get(m);
    if (renamed === undefined) seen.set(m, (renamed = name(seen.size + 1)));
    return renamed;
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function prettyPrint(s: string): string {
  const tokens = s.match(/<[^>]*>|[^<]+/g) ?? [];
  const lines: string[] = [];
  const isClose = (t: string | undefined) => t?.startsWith('</') ?? false;
  const isTag = (t: string | undefined) => t?.startsWith('<') ?? false;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const indent = '  '.repeat(Math.max(0, depth));
    if (!isTag(t)) {
      if (t.trim() !== '') lines.push(indent + t.trim());
    } else if (isClose(t)) {
      depth--;
      lines.push('  '.repeat(Math.max(0, depth)) + t);
    } else if (t.endsWith('/>') || t.startsWith('<?') || t.startsWith('<!')) {
      lines.push(indent + t);
    } else if (!isTag(tokens[i + 1]) && isClose(tokens[i + 2])) {
      lines.push(indent + t + tokens[i + 1] + tokens[i + 2]);
      i += 2;
    } else if (isClose(tokens[i + 1])) {
      lines.push(indent + t + tokens[i + 1]);
      i += 1;
    } else {
      lines.push(indent + t);
      depth++;
    }
  }
  return lines.join('\n');
}
