// What `interp explore` serves as /data.json: one definition, imported by the CLI and by the page
// (apps/explore), so this module holds types only and imports nothing (the page bundles no Node).

/** What `/data.json` holds: everything the page shows that was computed in Node. */
export interface ExploreData {
  /** `tabular`: rows in `table`, importance computed by the page. */
  task: 'classification' | 'tabular' | 'segmentation';
  vocab: string[];
  targets: number[];
  /** N x C probabilities, row-major. */
  probs: number[];
  classes: number;
  /** File names relative to --data (empty for prediction files). */
  files: string[];
  /** Whether `/thumbs/<i>.png` exists for every item. */
  thumbs: boolean;
  /**
   * The exact float input the CLI predicted on, as a float32 `.npy` at `url` ([N, ...] in the
   * model's layout): the page predicts and attributes on it, not on 8-bit thumbnails.
   */
  inputs?: { url: string; shape: number[] };
  /** Segmentation: the masks' shape and the predicted mask (`targets` holds the true one). */
  masks?: { shape: [number, number, number]; decoded: number[] };
  /** A table's feature names and N x F rows (row-major; NaN arrives as null in JSON). */
  table?: { features: string[]; x: (number | null)[] };
  /** The model's URL on this server, its format, and how its input was prepared. */
  model?: {
    url: string;
    format: 'layers' | 'graph-model' | 'onnx';
    layout: 'NHWC' | 'NCHW';
    mean: number[];
    std: number[];
  };
}
