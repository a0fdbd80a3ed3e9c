/**
 * The PyTorch module path of an exported node, from the scope torch writes into node names:
 * `/layer4/layer4.1/conv1/Conv` -> `layer4.1.conv1`,
 * `/features/features.1/conv/conv.0/conv.0.0/Conv` -> `features.1.conv.0.0`. Each scope segment
 * is either a child of the previous one (`conv1`) or repeats it with a suffix (`layer4.1` after
 * `layer4`), in which case only the suffix is new. Undefined for names without scopes.
 *
 * @example
 * ```ts
 * modulePathOf('/layer4/layer4.1/relu_1/Relu'); // 'layer4.1.relu_1'
 * ```
 */
export function modulePathOf(nodeName: string): string | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const scopes = nodeName
    .split('/')
    .filter((s) => s.length > 0)
    .slice(0, -1);
  if (scopes.length === 0) return undefined;
  let path = '';
  let previous = '';
  for (const scope of scopes) {
    if (previous && scope.startsWith(`${previous}.`)) path += scope.slice(previous.length);
    else path = path ? `${path}.${scope}` : scope;
    previous = scope;
  }
  return path;
}
