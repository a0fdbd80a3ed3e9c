import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InterpError } from '@interp/core/base';
import type { RouteTable } from './explore-routes.js';

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
  /** Segmentation: the masks' shape and the predicted mask (`targets` holds the true one). */
  masks?: { shape: [number, number, number]; decoded: number[] };
  /** A table's feature names and N x F rows (row-major; NaN as null in JSON). */
  table?: { features: string[]; x: number[] };
  /** The model's URL on this server, its format, and how its input was prepared. */
  model?: {
    url: string;
    format: 'layers' | 'graph-model' | 'onnx';
    layout: 'NHWC' | 'NCHW';
    mean: number[];
    std: number[];
  };
}

/**
 * Adds the model's files under `/model/`: a `.onnx` file, or a model.json with the weight files its
 * manifest names (plain relative names beside it; anything with `..` or an absolute path is
 * refused) and preprocess.json when present. Returns the model's URL.
 */
export function addModelFiles(routes: RouteTable, modelFile: string): string {
  const name = basename(modelFile);
  routes.add(`/model/${name}`, readFileSync(modelFile));
  if (name.toLowerCase().endsWith('.onnx')) return `model/${name}`;
  const json = JSON.parse(readFileSync(modelFile, 'utf8')) as {
    weightsManifest?: { paths?: unknown }[];
  };
  const dir = dirname(modelFile);
  for (const group of json.weightsManifest ?? []) {
    for (const p of Array.isArray(group.paths) ? group.paths : []) {
      if (
        typeof p !== 'string' ||
        p.startsWith('/') ||
        /(^|[\\/])\.\.([\\/]|$)|\\|^[a-z]:/i.test(p)
      ) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `${modelFile}: weight file ${JSON.stringify(p)} must be a relative path beside model.json`,
        );
      }
      routes.add(`/model/${p}`, readFileSync(join(dir, p)), 'application/octet-stream');
    }
  }
  const pre = join(dir, 'preprocess.json');
  if (existsSync(pre)) routes.add('/model/preprocess.json', readFileSync(pre));
  return `model/${name}`;
}
