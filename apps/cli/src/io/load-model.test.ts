import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InterpError, isInterpError, setupBackend } from '@interp/core';
import { denseReluGraph } from '@interp/core/testing';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from './layers-model-files.js';
import { fitInputShape, loadModel } from './load-model.js';

const dir = mkdtempSync(join(tmpdir(), 'interp-load-model-'));
const onnxFile = join(dir, 'net.onnx');

beforeAll(async () => {
  await setupBackend('wasm');
  writeFileSync(onnxFile, new Uint8Array([8, 7]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isInterpError(e), String(e)).toBe(true);
  return e as Error;
}

describe('loadModel(path)', () => {
  it('loadModel(DIR/model.json) gives the LayersModel and its graph', async () => {
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [3], units: 2, name: 'd' })],
    });
    const path = await saveLayersModelToDir(m, join(dir, 'layers'));
    const loaded = await loadModel(path);
    expect(loaded.format).toBe('layers');
    expect(loaded.graph.kind).toBe('layers');
    expect(loaded.graph.nodes.map((n) => n.name)).toEqual(['d']);
    expect(loaded.model).toBe(loaded.layersModel);
    loaded.dispose();
    m.dispose();
  });

  it('loadModel(file.onnx) goes through @interp/onnx loadOnnxModel and gives its graph', async () => {
    const graph = denseReluGraph();
    const seen: unknown[] = [];
    const loaded = await loadModel(onnxFile, {
      importOnnx: async () => ({
        loadOnnxModel: async (source) => {
          seen.push(source);
          return graph;
        },
      }),
    });
    expect(seen).toEqual([onnxFile]);
    expect(loaded.format).toBe('onnx');
    expect(loaded.graph).toBe(graph);
    expect(loaded.model).toBe(graph);
    expect(loaded.layersModel).toBeUndefined();
    loaded.dispose();
  });

  it('hands backendReady to loadOnnxModel; a model.json waits for it before loading', async () => {
    const ready = Promise.resolve('up');
    const seen: unknown[] = [];
    const loaded = await loadModel(onnxFile, {
      backendReady: ready,
      importOnnx: async () => ({
        loadOnnxModel: async (source, options) => {
          seen.push(source, options?.backendReady);
          return denseReluGraph();
        },
      }),
    });
    expect(seen).toEqual([onnxFile, ready]);
    loaded.dispose();
    const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
    const path = await saveLayersModelToDir(m, join(dir, 'layers-ready'));
    m.dispose();
    let release!: () => void;
    let settled = false;
    const loading = loadModel(path, { backendReady: new Promise<void>((r) => (release = r)) });
    void loading.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    release();
    (await loading).dispose();
  });

  it('loadModel(file.onnx) loads a real PyTorch export through @interp/onnx', async () => {
    const onnxDir = dirname(createRequire(import.meta.url).resolve('@interp/onnx/package.json'));
    const loaded = await loadModel(join(onnxDir, 'test-models', 'small-cnn.onnx'));
    expect(loaded.format).toBe('onnx');
    expect(loaded.graph.kind).toBe('onnx');
    expect(loaded.graph.layout).toBe('NCHW');
    expect(loaded.graph.inputShape.slice(1)).toEqual([3, 8, 8]);
    loaded.dispose();
  });

  it('rejects bad input with InterpError naming the file', async () => {
    const missing = await rejection(loadModel(join(dir, 'missing.onnx')));
    expect(missing.message).toMatch(/cannot read .*missing\.onnx: no such file/);
    const noLoader = await rejection(loadModel(onnxFile, { importOnnx: async () => ({}) }));
    expect(noLoader.message).toMatch(/net\.onnx: ONNX support needs @interp\/onnx/);
    const failing = await rejection(
      loadModel(onnxFile, {
        importOnnx: async () => ({
          loadOnnxModel: async () => {
            throw new RangeError('index out of range');
          },
        }),
      }),
    );
    expect(failing.message).toMatch(/net\.onnx: cannot load the ONNX model \(index out of range\)/);
    const own = await rejection(
      loadModel(onnxFile, {
        importOnnx: async () => ({
          loadOnnxModel: async () => {
            throw new InterpError('NOT_SUPPORTED', 'net.onnx: unsupported ops: Foo');
          },
        }),
      }),
    );
    expect(own.message).toBe('net.onnx: unsupported ops: Foo');
    await rejection(loadModel(join(dir, 'nope', 'model.json')));
  });
});

describe('fitInputShape(shape, graph)', () => {
  const nhwc = { inputShape: [null, 28, 28, 1], layout: 'NHWC' } as const;
  const nchw = { inputShape: [null, 1, 28, 28], layout: 'NCHW' } as const;

  it('keeps a batch, adds a batch axis, or adds the channel axis where the layout has it', () => {
    expect(fitInputShape([5, 28, 28, 1], nhwc, 'x.npy', 'm')).toEqual([5, 28, 28, 1]);
    expect(fitInputShape([28, 28, 1], nhwc, 'x.npy', 'm')).toEqual([1, 28, 28, 1]);
    expect(fitInputShape([5, 28, 28], nhwc, 'x.npy', 'm')).toEqual([5, 28, 28, 1]);
    expect(fitInputShape([5, 28, 28], nchw, 'x.npy', 'm')).toEqual([5, 1, 28, 28]);
    expect(fitInputShape([1, 28, 28], nchw, 'x.npy', 'm')).toEqual([1, 1, 28, 28]);
  });

  it('rejects a shape the model does not take, naming both files and the layout', () => {
    expect(() => fitInputShape([5, 28, 28, 1], nchw, 'x.npy', 'net.onnx')).toThrow(
      /x\.npy has shape \[5, 28, 28, 1\] but net\.onnx takes \[N, 1, 28, 28\] \(NCHW\)/,
    );
  });
});
