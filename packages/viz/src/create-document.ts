import { InterpError } from '@interp/core/base';

// A variable specifier keeps bundlers from pulling linkedom into browser builds.
const LINKEDOM = 'linkedom';

/**
 * Creates an empty HTML document with linkedom (an optional peer dependency), for rendering plots
 * in Node. In a browser use the global `document` instead.
 *
 * @example
 * ```ts
 * const document = await createDocument();
 * const svg = heatmap([[1, 2], [3, 4]], { document });
 * ```
 */
export async function createDocument(): Promise<Document> {
  let linkedom: { parseHTML(html: string): { document: Document } };
  try {
    linkedom = await import(/* @vite-ignore */ LINKEDOM);
  } catch (cause) {
    throw new InterpError(
      'NOT_SUPPORTED',
      'createDocument needs linkedom to build a DOM in Node: npm install linkedom (or pass your own { document }, e.g. from jsdom)',
      { cause },
    );
  }
  return linkedom.parseHTML('<!DOCTYPE html><html><head></head><body></body></html>').document;
}
