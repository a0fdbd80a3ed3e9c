import { InterpError } from '@interp/core/base';
import type { DocumentOption } from './types.js';

/**
 * The document a plot is drawn in: `options.document` when given, else the global one (browsers).
 * In Node there is no global document, so pass one (see `createDocument`).
 *
 * @example
 * ```ts
 * import { parseHTML } from 'linkedom';
 * const doc = resolveDocument({ document: parseHTML('<html>').document });
 * ```
 */
export function resolveDocument(options: DocumentOption = {}): Document {
  const document = options.document ?? (globalThis as { document?: Document }).document;
  if (document == null) {
    throw new InterpError(
      'INVALID_OPTION',
      'no document: in Node pass { document } (for example parseHTML("<html>").document from linkedom)',
    );
  }
  return document;
}
