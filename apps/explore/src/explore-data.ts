/** What `interp explore` serves as data.json (see apps/cli/src/commands/explore-data.ts). */
export interface ExploreData {
  task: 'classification' | 'tabular' | 'segmentation';
  vocab: string[];
  targets: number[];
  /** N x C probabilities, row-major. */
  probs: number[];
  classes: number;
  files: string[];
  thumbs: boolean;
  /** Segmentation: the masks' shape and the predicted mask (`targets` holds the true one). */
  masks?: { shape: [number, number, number]; decoded: number[] };
  /** A table's feature names and N x F rows (NaN arrives as null). */
  table?: { features: string[]; x: (number | null)[] };
  model?: {
    url: string;
    format: 'layers' | 'graph-model' | 'onnx';
    layout: 'NHWC' | 'NCHW';
    mean: number[];
    std: number[];
  };
}

/** The data.json of the server, or undefined when the page runs as a static site. */
export async function fetchServedData(): Promise<ExploreData | undefined> {
  try {
    const r = await fetch('data.json');
    if (!r.ok || !(r.headers.get('content-type') ?? '').startsWith('application/json'))
      return undefined;
    return (await r.json()) as ExploreData;
  } catch {
    return undefined;
  }
}
