/** A JSON value whose objects may be Maps, so key order is exactly insertion order. */
export type JsonValue =
  | number
  | string
  | boolean
  | null
  | JsonRaw
  | readonly JsonValue[]
  | ReadonlyMap<string, JsonValue>
  | { readonly [key: string]: JsonValue };

/**
 * JSON text that {@link jsonText} writes as it is: a large array of numbers formatted in one
 * go (see attribute-json's float32Row) rather than value by value. The text must be one line of
 * valid JSON.
 *
 * @example
 * ```ts
 * jsonText({ row: new JsonRaw('[1, 2]') }); // '{\n  "row": [1, 2]\n}'
 * ```
 */
export class JsonRaw {
  constructor(readonly text: string) {}
}

/**
 * JSON text with 2-space indentation, arrays of numbers or strings kept on one line. Maps are
 * written in insertion order: plain objects would move integer-like keys ("0", "10") to the front,
 * and class names must come out in vocab order.
 */
export function jsonText(value: JsonValue, indent = ''): string {
  if (value === null || typeof value !== 'object') return jsonScalar(value);
  if (value instanceof JsonRaw) return value.text;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value as readonly JsonValue[];
    if (items.length === 0) return '[]';
    if (items.every((v) => v === null || typeof v !== 'object')) {
      return `[${items.map((v) => jsonText(v)).join(', ')}]`;
    }
    return `[\n${items.map((v) => inner + jsonText(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries =
    value instanceof Map
      ? [...(value as ReadonlyMap<string, JsonValue>).entries()]
      : Object.entries(value as { readonly [key: string]: JsonValue });
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${jsonScalar(k)}: ${jsonText(v, inner)}`).join(',\n')}\n${indent}}`;
}

/**
 * JSON.stringify escapes C0 controls and lone surrogates; DEL, C1 controls, line separators and
 * bidi overrides in untrusted strings are escaped too (`\u202e`), so the JSON printed on a
 * terminal cannot reorder or hide text. The value is the same once parsed.
 */
function jsonScalar(value: string | number | boolean | null): string {
  const text = JSON.stringify(value) ?? 'null';
  return typeof value === 'string'
    ? text.replace(
        /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
    : text;
}
