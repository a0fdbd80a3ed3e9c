import { InterpError } from '../errors.js';
import { describe } from '../validate.js';
import type { GraphNode } from './model-graph.js';

/** How many close names an unknown-node error lists at most. */
const MAX_SUGGESTIONS = 5;
/** Names longer than this are cut in messages (ONNX node names can be long). */
const MAX_NAME_CHARS = 60;

/**
 * Finds a node of a model graph by node name, by the name of a tensor it outputs, or by a module
 * path prefix (`layer4`, `features.18`, a nested tfjs model's name: the last node under that
 * prefix), in that order. Unknown queries throw `UNKNOWN_LAYER` naming at most five close names
 * (by edit distance or shared prefix), or every name of a graph of at most ten nodes, never a
 * large graph whole. `where` prefixes the message (`GradCAM: ...`). Adapters implement
 * `ModelGraph.findNode` with it.
 *
 * @example
 * ```ts
 * findNode(graph.nodes, 'conv2d_1'); // the node named conv2d_1
 * findNode(graph.nodes, 'layer4');   // the last node under module layer4
 * ```
 */
export function findNode(
  nodes: readonly GraphNode[],
  query: string,
  where = 'findNode',
): GraphNode {
  if (typeof query !== 'string' || query.length === 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where === '' ? '' : `${where}: `}a layer must be named by a non-empty string (a node name, an output name or a module path), got ${describe(query)}`,
    );
  }
  const byName = nodes.find((n) => n.name === query);
  if (byName) return byName;
  const byOutput = nodes.find((n) => n.outputs.includes(query));
  if (byOutput) return byOutput;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const path = nodes[i]!.modulePath;
    if (path !== undefined && (path === query || path.startsWith(`${query}.`))) return nodes[i]!;
  }
  throw new InterpError('UNKNOWN_LAYER', unknownNodeMessage(nodes, query, where));
}

/** Up to this many nodes, an unknown name lists them all (short enough to read). */
const LIST_ALL_UP_TO = 10;

function unknownNodeMessage(nodes: readonly GraphNode[], query: string, where: string): string {
  const prefix = where === '' ? '' : `${where}: `;
  const q = JSON.stringify(shorten(query));
  const quoted = (names: readonly string[]) =>
    names.map((n) => JSON.stringify(shorten(n))).join(', ');
  const close = closeNames(nodes, query);
  if (nodes.length <= LIST_ALL_UP_TO && close.length === 0) {
    return `${prefix}no node or layer named ${q}; the model's layers are ${quoted(nodes.map((n) => n.name))}`;
  }
  const count = `the model has ${nodes.length} node${nodes.length === 1 ? '' : 's'}; list them with summary()`;
  if (close.length > 0)
    return `${prefix}no node or layer named ${q}; closest: ${quoted(close)} (${count})`;
  return `${prefix}no node or layer named ${q} (${count})`;
}

/** Names within a small edit distance of the query, or sharing a prefix with it, closest first. */
function closeNames(nodes: readonly GraphNode[], query: string): string[] {
  const q = query.toLowerCase();
  const scored: { name: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    for (const name of [node.name, node.modulePath]) {
      if (name === undefined || seen.has(name)) continue;
      seen.add(name);
      const n = name.toLowerCase();
      const limit = Math.max(2, Math.floor(q.length / 3));
      const distance = editDistance(q, n, limit + 1);
      const prefix = n.startsWith(q) || q.startsWith(n) || commonPrefix(q, n) >= 4;
      if (distance <= limit || prefix)
        scored.push({ name, score: prefix ? distance - 0.5 : distance });
    }
  }
  scored.sort((a, b) => a.score - b.score);
  return scored.slice(0, MAX_SUGGESTIONS).map((s) => s.name);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Levenshtein distance, stopping early at `cap` (names far apart cost no more than that). */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      row.push(v);
      best = Math.min(best, v);
    }
    if (best >= cap) return cap;
    prev = row;
  }
  return Math.min(prev[b.length]!, cap);
}

function shorten(name: string): string {
  return name.length <= MAX_NAME_CHARS ? name : `${name.slice(0, MAX_NAME_CHARS - 3)}...`;
}
