import { InterpError } from '@interp/core/base';
import { type GraphProto, int64ToNumber, type ModelProto, onnx } from './onnx-proto.js';
import { onnxOps } from './ops/registry.js';

/**
 * Opsets of the default ONNX domain this package implements.
 *
 * @example
 * ```ts
 * torch.onnx.export(model, x, 'model.onnx', opset_version=SUPPORTED_OPSETS.max) // in Python
 * ```
 */
export const SUPPORTED_OPSETS = { min: 11, max: 17 } as const;

/**
 * Decodes ONNX protobuf bytes. Anything that is not a ModelProto with a graph is a PARSE error
 * naming the source.
 */
export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new InterpError(
      'PARSE',
      `loadOnnxModel: ${label} is not an ONNX model (protobuf decoding failed: ${(e as Error).message}); pass the .onnx file torch.onnx.export wrote`,
      { cause: e },
    );
  }
  const nodes = model.graph?.node ?? [];
  if (!model.graph || nodes.length === 0 || (model.opsetImport ?? []).length === 0) {
    throw new InterpError(
      'PARSE',
      `loadOnnxModel: ${label} is not an ONNX model (no graph, nodes or opset in it); pass the .onnx file torch.onnx.export wrote`,
    );
  }
  return model;
}

/** The opset of the default domain, checked against {@link SUPPORTED_OPSETS}. */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const version = int64ToNumber(entry?.version);
  if (!entry || version < SUPPORTED_OPSETS.min || version > SUPPORTED_OPSETS.max) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `loadOnnxModel: the model uses opset ${entry ? version : 'none'} of the default ONNX domain; @interp/onnx runs opsets ${SUPPORTED_OPSETS.min} to ${SUPPORTED_OPSETS.max} (torch.onnx.export(..., opset_version=13))`,
    );
  }
  return version;
}

/**
 * Checks that every op is supported (one error listing all the others, each with a node using it)
 * and that every node input is produced by the graph input, an initializer or an earlier node.
 */
export function validateGraph(graph: GraphProto, available: ReadonlySet<string>): void {
  const unsupported = new Map<string, string>();
  for (const node of graph.node ?? []) {
    const domain = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.` : '';
    const op = `${domain}${node.opType ?? ''}`;
    if ((domain || !(op in onnxOps)) && !unsupported.has(op)) unsupported.set(op, node.name ?? '');
  }
  if (unsupported.size > 0) {
    const list = [...unsupported].map(([op, name]) =>
      name ? `${op} (node ${JSON.stringify(name)})` : op,
    );
    throw new InterpError(
      'NOT_SUPPORTED',
      `loadOnnxModel: the model uses ${unsupported.size} op${unsupported.size === 1 ? '' : 's'} @interp/onnx does not implement: ${list.join(', ')}; see supportedOps() for the list`,
    );
  }
  const known = new Set(available);
  for (const node of graph.node ?? []) {
    for (const input of node.input ?? []) {
      if (input && !known.has(input)) {
        throw new InterpError(
          'PARSE',
          `loadOnnxModel: node ${JSON.stringify(node.name ?? node.opType)} reads ${JSON.stringify(input)}, which no input, initializer or earlier node provides; the model is incomplete (missing initializer?) or not topologically sorted`,
        );
      }
    }
    for (const output of node.output ?? []) if (output) known.add(output);
  }
}
