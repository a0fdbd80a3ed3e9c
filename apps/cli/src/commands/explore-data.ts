import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InterpError } from '@interp/core/base';
import type { RouteTable } from './explore-routes.js';

export type { ExploreData } from './explore-page-data.js';

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
