import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFromFile, saveLayersModelToDir } from './layers-model-files.js';

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
