import { InterpError } from '@interp/core/base';
import { sliceExternal } from './slice-external.js';

/** Where a model comes from: its bytes, and a reader for the external data files beside it. */
export interface ModelSource {
  bytes: Uint8Array;
  /** What the errors call the model (its path or URL, or "the model bytes"). */
  label: string;
  /**
   * True when the loader read `bytes` and the external data itself (a path or URL): no one else
   * holds them, so weights may be read in place. Bytes given by the caller stay theirs.
   */
  owned: boolean;
  /** Reads `length` bytes (to the end when undefined) at `offset` of an external data file. */
  readExternal(
    location: string,
    offset: number,
    length: number | undefined,
    tensor: string,
  ): Promise<Uint8Array>;
}

/** Accepted model sources: bytes, a file path (Node), or a URL (fetch; file: URLs in Node). */
export type OnnxSource = Uint8Array | ArrayBuffer | string | URL;

/** External data given with bytes, by the `location` the model names. */
export type ExternalDataFiles = Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/**
 * Opens a model source. Paths and file: URLs read from disk with external data resolved inside the
 * model's folder; http(s) URLs use fetch; bytes take their external data from `externalData`.
 */
export async function readModelSource(
  source: OnnxSource,
  externalData: ExternalDataFiles = {},
): Promise<ModelSource> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    return {
      bytes,
      label: 'the model bytes',
      owned: false,
      readExternal: async (location, offset, length, tensor) => {
        const file = externalData[location];
        if (file === undefined) {
          throw new InterpError(
            'IO',
            `loadOnnxModel: tensor ${JSON.stringify(tensor)} keeps its data in the external file ${JSON.stringify(location)}, which was not given; pass { externalData: { ${JSON.stringify(location)}: bytes } } or load the model from its path`,
          );
        }
        return sliceExternal(
          file instanceof Uint8Array ? file : new Uint8Array(file),
          location,
          offset,
          length,
          tensor,
        );
      },
    };
  }
  const url =
    typeof source === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(source)
      ? new URL(source)
      : source;
  if (url instanceof URL && url.protocol !== 'file:') return fetchSource(url);
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'loadOnnxModel: the model must be given as bytes (Uint8Array, ArrayBuffer), a file path or a URL',
    );
  }
  const { readFileSource } = await import('./read-file-source.js');
  return readFileSource(url);
}

async function fetchSource(url: URL): Promise<ModelSource> {
  const get = async (target: URL): Promise<Uint8Array> => {
    let response: Response;
    try {
      response = await fetch(target);
    } catch (e) {
      throw new InterpError(
        'IO',
        `loadOnnxModel: could not fetch ${target.href}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    if (!response.ok) {
      throw new InterpError(
        'IO',
        `loadOnnxModel: fetching ${target.href} answered ${response.status} ${response.statusText}; check the URL`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };
  const folder = new URL('.', url).href;
  const files = new Map<string, Promise<Uint8Array>>();
  return {
    bytes: await get(url),
    label: url.href,
    owned: true,
    readExternal: async (location, offset, length, tensor) => {
      const target = new URL(location, url);
      if (!target.href.startsWith(folder)) {
        throw new InterpError(
          'IO',
          `loadOnnxModel: external data ${JSON.stringify(location)} of tensor ${JSON.stringify(tensor)} lies outside the model's folder ${folder}; external data must sit beside the model`,
        );
      }
      if (!files.has(target.href)) files.set(target.href, get(target));
      return sliceExternal(await files.get(target.href)!, location, offset, length, tensor);
    },
  };
}
