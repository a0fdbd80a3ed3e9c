import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InterpError, type PresetName, preprocessPreset } from '@interp/core/base';
import type { ImageLayout } from './image-folder-types.js';
import { readFileInside } from './read-inside-folder.js';

/** What a `preprocess.json` beside a model may say (every key optional). */
export interface PreprocessJson {
  size?: [number, number];
  preset?: PresetName;
  mean?: number[];
  std?: number[];
  layout?: ImageLayout;
  channels?: 1 | 3;
}

const KEYS = ['size', 'preset', 'mean', 'std', 'layout', 'channels'];

/**
 * Reads `preprocess.json` from a model folder (or beside a model file such as `model.onnx`):
 * `{ "size": 224 | [h, w], "preset": "imagenet", "mean": [...], "std": [...], "layout": "NCHW",
 * "channels": 3 }`, every key optional. Returns `undefined` when there is no such file; an unknown
 * key or a bad value is an `InterpError` naming the file.
 *
 * @example
 * ```ts
 * readPreprocessJson('model')?.size; // [224, 224]
 * ```
 */
export function readPreprocessJson(modelDir: string): PreprocessJson | undefined {
  const dir = existsSync(modelDir) && statSync(modelDir).isFile() ? dirname(modelDir) : modelDir;
  const path = join(dir, 'preprocess.json');
  if (!existsSync(path)) return undefined;
  const bytes = readFileInside(resolve(dir), path, path, 1 << 20);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new InterpError('PARSE', `${path}: not valid JSON (${(e as Error).message})`);
  }
  const fail = (why: string): never => {
    throw new InterpError('PARSE', `${path}: ${why}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail('expected a JSON object');
  const o = json as Record<string, unknown>;
  const out: PreprocessJson = {};
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) fail(`unknown key ${JSON.stringify(key)}; use ${KEYS.join(', ')}`);
  }
  const numbers = (key: string, v: unknown): number[] => {
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      v.some((x) => typeof x !== 'number' || !Number.isFinite(x))
    ) {
      return fail(`${key} must be a non-empty array of numbers`);
    }
    return v as number[];
  };
  if (o.size !== undefined) {
    const s = typeof o.size === 'number' ? [o.size, o.size] : numbers('size', o.size);
    if (s.length !== 2 || s.some((d) => !Number.isInteger(d) || d < 1))
      fail('size must be a positive integer or [height, width]');
    out.size = [s[0]!, s[1]!];
  }
  if (o.preset !== undefined) {
    try {
      out.preset = preprocessPreset(String(o.preset)).name;
    } catch (e) {
      fail((e as Error).message);
    }
  }
  if (o.mean !== undefined) out.mean = numbers('mean', o.mean);
  if (o.std !== undefined) out.std = numbers('std', o.std);
  if (o.layout !== undefined) {
    if (o.layout !== 'NHWC' && o.layout !== 'NCHW') fail('layout must be "NHWC" or "NCHW"');
    out.layout = o.layout as ImageLayout;
  }
  if (o.channels !== undefined) {
    if (o.channels !== 1 && o.channels !== 3) fail('channels must be 1 or 3');
    out.channels = o.channels as 1 | 3;
  }
  return out;
}
