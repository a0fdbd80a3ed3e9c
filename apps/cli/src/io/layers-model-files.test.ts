import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { isInterpError } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadLayersModelFromFile,
  MAX_WEIGHT_BYTES,
  resolveModelFile,
  saveLayersModelToDir,
} from './layers-model-files.js';

const dir = mkdtempSync(join(tmpdir(), 'interp-model-'));
const tfAll = { ...tfl, io: tf.io };

beforeAll(async () => {
  await setupBackend('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveLayersModelToDir / loadLayersModelFromFile', () => {
  it('round-trips a model: same weights, same outputs', async () => {
    const m = tfl.sequential();
    m.add(tfl.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 2 }));
    const path = await saveLayersModelToDir(m, join(dir, 'm1'));
    const loaded = await loadLayersModelFromFile(tfAll, path);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const a = m.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    m.dispose();
    loaded.dispose();
  });

  it('names the file and the problem for missing, non-JSON and non-model files', async () => {
    await expect(loadLayersModelFromFile(tfAll, join(dir, 'nope.json'))).rejects.toThrow(
      /cannot read .*nope\.json: no such file/,
    );
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    await expect(loadLayersModelFromFile(tfAll, join(dir, 'bad.json'))).rejects.toThrow(
      /bad\.json: not valid JSON/,
    );
    writeFileSync(join(dir, 'other.json'), '{"a": 1}');
    await expect(loadLayersModelFromFile(tfAll, join(dir, 'other.json'))).rejects.toThrow(
      /not a tfjs LayersModel model\.json/,
    );
  });
});

/** A saved 4 -> 3 dense model in `dir/name`; returns its model.json path and parsed JSON. */
async function savedModel(name: string): Promise<{ path: string; json: Record<string, unknown> }> {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 3, inputShape: [4] }));
  const path = await saveLayersModelToDir(m, join(dir, name));
  m.dispose();
  return { path, json: JSON.parse(readFileSync(path, 'utf8')) };
}

async function loadError(path: string): Promise<string> {
  try {
    (await loadLayersModelFromFile(tfAll, path)).dispose();
  } catch (e) {
    expect(isInterpError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`${path} loaded`);
}

function withManifest(path: string, json: Record<string, unknown>, manifest: unknown): void {
  writeFileSync(path, JSON.stringify({ ...json, weightsManifest: manifest }));
}

describe('loadLayersModelFromFile: hostile model folders', () => {
  it('refuses weight paths that leave the folder (../, absolute, symlink out)', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'x'.repeat(60));
    const { path, json } = await savedModel('trav');
    const weights = (json.weightsManifest as { weights: unknown }[])[0]!.weights;
    for (const p of ['../secret.txt', join(dir, 'secret.txt'), '../../../../etc/passwd']) {
      withManifest(path, json, [{ paths: [p], weights }]);
      expect(await loadError(path)).toMatch(/is (outside the model's folder|missing next to it)/);
    }
    withManifest(path, json, [{ paths: ['../secret.txt'], weights }]);
    expect(await loadError(path)).toMatch(/file "\.\.\/secret\.txt" is outside the model's folder/);
    rmSync(join(dir, 'trav/weights.bin'));
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'trav/weights.bin'));
    withManifest(path, json, [{ paths: ['weights.bin'], weights }]);
    expect(await loadError(path)).toMatch(/weights\.bin" is outside the model's folder/);
  });

  it('follows a symlink that stays inside the folder', async () => {
    const { path } = await savedModel('inside');
    mkdirSync(join(dir, 'inside/shards'));
    writeFileSync(join(dir, 'inside/shards/w.bin'), readFileSync(join(dir, 'inside/weights.bin')));
    rmSync(join(dir, 'inside/weights.bin'));
    symlinkSync('shards/w.bin', join(dir, 'inside/weights.bin'));
    await expectNoLeakedTensors(async () => {
      (await loadLayersModelFromFile(tfAll, path)).dispose();
    });
  });

  it('refuses a FIFO, /dev/zero and a folder as weights before reading them', async () => {
    const { path, json } = await savedModel('special');
    const weights = (json.weightsManifest as { weights: unknown }[])[0]!.weights;
    rmSync(join(dir, 'special/weights.bin'));
    expect(spawnSync('mkfifo', [join(dir, 'special/weights.bin')]).status).toBe(0);
    expect(await loadError(path)).toMatch(
      /weights\.bin" is a FIFO \(named pipe\), not a regular file/,
    );
    rmSync(join(dir, 'special/weights.bin'));
    symlinkSync('/dev/zero', join(dir, 'special/weights.bin'));
    // /dev/zero is outside the folder: refused by that rule before its kind is even looked at.
    expect(await loadError(path)).toMatch(/outside the model's folder/);
    mkdirSync(join(dir, 'special/sub'));
    withManifest(path, json, [{ paths: ['sub'], weights }]);
    expect(await loadError(path)).toMatch(/"sub" is a directory, not a regular file/);
  });

  it("requires each group's files to hold exactly the bytes the manifest declares", async () => {
    const { path } = await savedModel('size');
    const bin = join(dir, 'size/weights.bin');
    const good = readFileSync(bin);
    expect(good.byteLength).toBe((4 * 3 + 3) * 4);
    writeFileSync(bin, Buffer.concat([good, Buffer.alloc(1000)]));
    expect(await loadError(path)).toMatch(
      /declares 60 bytes of weights but its file weights\.bin holds 1060/,
    );
    truncateSync(bin, 59);
    expect(await loadError(path)).toMatch(/declares 60 bytes .* holds 59/);
    rmSync(bin);
    expect(await loadError(path)).toMatch(/file "weights\.bin" is missing next to it/);
  });

  it('names the file and field for malformed manifests (never a TypeError)', async () => {
    const { path, json } = await savedModel('bad');
    const weights = (json.weightsManifest as { weights: unknown }[])[0]!.weights;
    const cases: [unknown, RegExp][] = [
      [null, /weightsManifest must be a list of weight groups/],
      [{}, /weightsManifest must be a list of weight groups/],
      [[null], /weightsManifest\[0\] is not an object/],
      [[{ paths: 'weights.bin', weights }], /weightsManifest\[0\]\.paths must be a non-empty list/],
      [[{ paths: [1], weights }], /paths must be a non-empty list of file names/],
      [[{ paths: ['weights.bin'] }], /weightsManifest\[0\]\.weights must be a list/],
      [[{ paths: ['weights.bin'], weights: [null] }], /weights\[0\] is not a weight entry/],
      [
        [{ paths: ['weights.bin'], weights: [{ name: 'k', shape: [-1], dtype: 'float32' }] }],
        /weights\[0\] \(k\): shape must be a list of integers >= 0/,
      ],
      [
        [{ paths: ['weights.bin'], weights: [{ name: 'k', shape: [1], dtype: 'string' }] }],
        /dtype "string" is not supported/,
      ],
      [
        [
          {
            paths: ['weights.bin'],
            weights: [{ name: 'k', shape: [2 ** 20, 2 ** 20], dtype: 'float32' }],
          },
        ],
        new RegExp(`declares more than ${MAX_WEIGHT_BYTES} bytes`),
      ],
    ];
    for (const [manifest, message] of cases) {
      withManifest(path, json, manifest);
      expect(await loadError(path)).toMatch(message);
    }
    for (const text of [
      'null',
      '[]',
      '{"weightsManifest": []}',
      '{"modelTopology": null, "weightsManifest": []}',
    ]) {
      writeFileSync(path, text);
      expect(await loadError(path)).toMatch(/bad\/model\.json: not a tfjs LayersModel model\.json/);
    }
  });

  it('refuses a model.json that is a FIFO or a directory', async () => {
    mkdirSync(join(dir, 'fifo'));
    expect(spawnSync('mkfifo', [join(dir, 'fifo/model.json')]).status).toBe(0);
    expect(await loadError(join(dir, 'fifo/model.json'))).toMatch(/FIFO/);
    expect(await loadError(join(dir, 'fifo'))).toMatch(/directory/);
  });
});

describe('resolveModelFile(modelDir, relPath, owner)', () => {
  it('opens a regular file inside the folder and gives its real path and size', () => {
    mkdirSync(join(dir, 'r/sub'), { recursive: true });
    writeFileSync(join(dir, 'r/sub/a.bin'), 'abc');
    const f = resolveModelFile(join(dir, 'r'), 'sub/../sub/a.bin', 'r/model.onnx');
    closeSync(f.fd);
    expect(f.size).toBe(3);
    expect(f.path.endsWith('/r/sub/a.bin')).toBe(true);
  });

  it('refuses non-strings, empty names and the folder itself', () => {
    expect(() => resolveModelFile(join(dir, 'r'), 7, 'm.onnx')).toThrow(
      /m\.onnx: a file path it lists is number/,
    );
    expect(() => resolveModelFile(join(dir, 'r'), '', 'm.onnx')).toThrow(/not a file name/);
    expect(() => resolveModelFile(join(dir, 'r'), '.', 'm.onnx')).toThrow(
      /outside the model's folder/,
    );
  });
});
