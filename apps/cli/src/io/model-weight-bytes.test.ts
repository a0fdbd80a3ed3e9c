import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { modelWeightBytes } from './model-weight-bytes.js';

describe('modelWeightBytes(path)', () => {
  const dir = tempDir('interp-weight-bytes-');

  it("is an .onnx file's size and a model.json manifest's declared bytes", () => {
    writeFileSync(join(dir, 'm.onnx'), new Uint8Array(1234));
    expect(modelWeightBytes(join(dir, 'm.onnx'))).toBe(1234);
    const manifest = [
      { paths: ['a.bin'], weights: [{ name: 'k', shape: [3, 3, 1, 8], dtype: 'float32' }] },
      {
        paths: ['b.bin'],
        weights: [
          { name: 'b', shape: [8], dtype: 'float32' },
          { name: 's', shape: [], dtype: 'float32' },
        ],
      },
    ];
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: {}, weightsManifest: manifest }),
    );
    // 72 + 8 + 1 values of 4 bytes; the weight files themselves are never opened.
    expect(modelWeightBytes(join(dir, 'model.json'))).toBe(4 * 81);
  });

  it('is 0 for what it cannot read (the loader reports it later)', () => {
    mkdirSync(join(dir, 'folder.onnx'), { recursive: true });
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    writeFileSync(
      join(dir, 'odd.json'),
      JSON.stringify({ weightsManifest: [{ weights: [{ shape: ['x', -1] }, null] }, 3] }),
    );
    for (const f of ['missing.onnx', 'folder.onnx', 'bad.json', 'odd.json']) {
      expect(modelWeightBytes(join(dir, f))).toBe(0);
    }
  });
});
