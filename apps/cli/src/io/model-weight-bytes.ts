import { readFileSync, statSync } from 'node:fs';

/** model.json files larger than this are not read for the estimate (the loader reports them). */
const MAX_MANIFEST_READ = 64 * 2 ** 20;

/**
 * The weight bytes of `--model`, for `--threads`' default, read before the backend starts: an
 * .onnx file's size (external data files are not counted), or the total a model.json's weights
 * manifest declares (4 bytes per value). 0 when the file cannot be read or is not a regular file
 * (the loader reports why later); it never opens anything but `path`.
 *
 * @example
 * ```ts
 * modelWeightBytes('resnet18.onnx'); // 46733654
 * ```
 */
export function modelWeightBytes(path: string): number {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return 0;
    if (path.toLowerCase().endsWith('.onnx')) return stat.size;
    if (stat.size > MAX_MANIFEST_READ) return 0;
    const json = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest?: unknown };
    let bytes = 0;
    for (const group of asArray(json.weightsManifest)) {
      for (const w of asArray((group as { weights?: unknown } | null)?.weights)) {
        const shape = (w as { shape?: unknown } | null)?.shape;
        if (!Array.isArray(shape)) continue;
        const size = (shape as unknown[]).reduce<number>(
          (a, d) => a * Math.max(0, Number(d) || 0),
          1,
        );
        bytes += Number.isFinite(size) ? 4 * size : 0;
      }
    }
    return Number.isFinite(bytes) ? bytes : 0;
  } catch {
    return 0;
  }
}

function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}
