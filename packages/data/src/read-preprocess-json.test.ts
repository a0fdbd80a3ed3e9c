import { describe, expect, it } from 'vitest';
import { readPreprocessJson } from './read-preprocess-json.js';
import { put, tempFolder } from './test-images.js';

describe('readPreprocessJson(modelDir)', () => {
  it('reads preprocess.json from the folder or beside a model file; undefined when absent', () => {
    const dir = tempFolder();
    expect(readPreprocessJson(dir)).toBeUndefined();
    put(
      dir,
      'preprocess.json',
      '{ "size": 224, "preset": "imagenet", "layout": "NCHW", "channels": 3 }',
    );
    const model = put(dir, 'model.onnx', 'x');
    const want = { size: [224, 224], preset: 'imagenet', layout: 'NCHW', channels: 3 };
    expect(readPreprocessJson(dir)).toEqual(want);
    expect(readPreprocessJson(model)).toEqual(want);
    put(dir, 'preprocess.json', '{ "size": [32, 48], "mean": [0.5], "std": [0.25] }');
    expect(readPreprocessJson(dir)).toEqual({ size: [32, 48], mean: [0.5], std: [0.25] });
  });

  it('refuses unknown keys, bad values and bad JSON, naming the file', () => {
    const dir = tempFolder();
    for (const [text, why] of [
      ['{ "resize": 3 }', /unknown key "resize"/],
      ['{ "size": 0 }', /size must be a positive integer/],
      ['{ "preset": "x" }', /unknown preprocessing preset/],
      ['{ "mean": [] }', /mean must be a non-empty array/],
      ['{ "channels": 4 }', /channels must be 1 or 3/],
      ['[1]', /expected a JSON object/],
      ['{', /not valid JSON/],
    ] as const) {
      put(dir, 'preprocess.json', text);
      expect(() => readPreprocessJson(dir)).toThrow(why);
      expect(() => readPreprocessJson(dir)).toThrow(/preprocess\.json/);
    }
  });
});
