/**
 * `value` with `digits` decimals exactly as Python's `'{:.Nf}'.format(value)`: both round the exact
 * binary value, but at an exact tie (0.125 to 2 digits) Python rounds half to even ('0.12') where
 * `toFixed` rounds up ('0.13'). A tie has at most `digits + 1` decimals, so 25 more digits of the
 * exact expansion tell a true tie from a value merely close to one.
 */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const rounded = value.toFixed(digits);
  const extra = Math.min(100, digits + 25);
  const long = Math.abs(value).toFixed(extra);
  const dot = long.indexOf('.');
  const tail = long.slice(dot + 1 + digits);
  if (!/^50*$/.test(tail)) return rounded;
  // Exact tie: keep the truncated value when its last digit is even (half to even).
  const truncated = long.slice(0, digits === 0 ? dot : dot + 1 + digits);
  const last = truncated.charCodeAt(truncated.length - 1) - 48;
  if (last % 2 === 1) return rounded;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return sign + truncated;
}

/** Python's `'{:>{width}}'.format(text)`: right-aligned in `width` code points. */
export function padStart(text: string, width: number): string {
  const len = codePointLength(text);
  return len >= width ? text : ' '.repeat(width - len) + text;
}

/** Length in code points, as Python's `len(str)`. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
