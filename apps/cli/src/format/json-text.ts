/** A JSON value whose objects may be Maps, so key order is exactly insertion order. */
export type JsonValue =
  | number
  | string
  | boolean
  | null
  | readonly JsonValue[]
  | ReadonlyMap<string, JsonValue>
  | { readonly [key: string]: JsonValue };

/**
 * JSON text with 2-space indentation, arrays of numbers or strings kept on one line. Maps are
 * written in insertion order: plain objects would move integer-like keys ("0", "10") to the front,
 * and class names must come out in vocab order.
 */
export function jsonText(value: JsonValue, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
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
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${jsonText(v, inner)}`).join(',\n')}\n${indent}}`;
}
