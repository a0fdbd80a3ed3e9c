/**
 * Characters that change what a terminal shows or where a line ends: C0 controls (including
 * ESC, BEL, newline, carriage return), DEL, C1 controls, the Unicode line and paragraph
 * separators, bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069), and
 * lone surrogates (which no terminal can show).
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOne(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from a file or the command line (class names, vocab entries, CSV headers, layer names,
 * file names), made safe to print on a terminal: every control, line-breaking or bidi-override
 * character is written as a visible escape (`\x1b`, `\x0a`, `\u202e`), so untrusted text can
 * neither send escape sequences, ring the bell, forge report lines nor reorder what follows it.
 * Everything else, including non-Latin letters and emoji, is kept as is.
 *
 * @example
 * ```ts
 * printable('cat\x1b[2J'); // 'cat\\x1b[2J'
 * printable('dog\u202egnp.exe'); // 'dog\\u202egnp.exe'
 * ```
 */
export function printable(text: string): string {
  return String(text).replace(UNSAFE, escapeOne);
}
