import { copyFile, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModelGraph, setupBackend, toModelGraph } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { onnx } from './onnx-proto.js';
import { TEST_MODELS } from './test-external-data.js';
import { buildModel, singleOp } from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

async function rejection(p: Promise<unknown>): Promise<InterpError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InterpError);
  return e as InterpError;
}

/** y = x * w with w kept in an external file `location` (offset 0, 3 floats). */
function externalModel(location: string, length = 12): Uint8Array {
  const model = onnx.ModelProto.decode(
    singleOp('Mul', [1, 3], {
      initializers: [{ name: 'w', dims: [3], data: [1, 2, 3] }],
      extraInputs: ['w'],
    }),
  );
  const w = model.graph!.initializer![0]!;
  w.floatData = [];
  w.dataLocation = 1;
  w.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: '0' },
    { key: 'length', value: String(length) },
  ];
  return onnx.ModelProto.encode(model).finish();
}

const WEIGHTS = new Uint8Array(new Float32Array([1, 2, 3]).buffer);

async function folderWith(files: Record<string, Uint8Array>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'interp-onnx-load-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(folder, name), bytes);
  return folder;
}

describe('loadOnnxModel(source)', () => {
  it('loads bytes, a Node Buffer, an ArrayBuffer, a path and a file: URL to the same model', async () => {
    // A Buffer from readFile shares a pooled ArrayBuffer: its weights must still be read exactly.
    const buffer = await readFile(join(TEST_MODELS, 'mlp.onnx'));
    const b = new Uint8Array(buffer);
    const sources = [
      b,
      buffer,
      b.slice().buffer,
      join(TEST_MODELS, 'mlp.onnx'),
      pathToFileURL(join(TEST_MODELS, 'mlp.onnx')),
    ];
    const outputs = await expectNoLeakedTensors(async () => {
      const results: number[][] = [];
      for (const source of sources) {
        const model = await loadOnnxModel(source);
        const y = tf.tidy(() => model.predict(tf.ones([1, 8])));
        results.push([...(await y.data())]);
        y.dispose();
        model.dispose();
      }
      return results;
    });
    for (const o of outputs) expect(o).toEqual(outputs[0]);
  });

  it('is a ModelGraph that isModelGraph and toModelGraph take without running it', async () => {
    // Reading model.nodes infers the node shapes by two dry runs of the whole model: a type
    // check must not trigger them (every attribution call resolves its model this way).
    await expectNoLeakedTensors(async () => {
      const model = await loadOnnxModel(join(TEST_MODELS, 'mlp.onnx'));
      try {
        const check = await tf.profile(() => {
          expect(isModelGraph(model)).toBe(true);
          expect(toModelGraph(model)).toBe(model);
        });
        expect(check.kernels).toHaveLength(0);
        const read = await tf.profile(() => {
          expect(model.nodes.length).toBeGreaterThan(0);
        });
        expect(read.kernels.length).toBeGreaterThan(0);
      } finally {
        model.dispose();
      }
    });
  });

  it('reads external data beside a model file, and from options.externalData for bytes', async () => {
    const folder = await folderWith({ 'm.onnx': externalModel('m.data'), 'm.data': WEIGHTS });
    for (const model of [
      await loadOnnxModel(join(folder, 'm.onnx')),
      await loadOnnxModel(externalModel('m.data'), { externalData: { 'm.data': WEIGHTS } }),
    ]) {
      const y = tf.tidy(() => model.predict(tf.tensor2d([[1, 1, 2]])));
      expect([...(await y.data())]).toEqual([1, 2, 6]);
      y.dispose();
      model.dispose();
    }
  });

  it('rejects bytes that are not an ONNX model', async () => {
    for (const bytes of [
      new TextEncoder().encode('hello, not a model'),
      new Uint8Array([0xff, 0xff, 0xff, 0x0f]),
    ]) {
      const e = await rejection(loadOnnxModel(bytes));
      expect(e.code).toBe('PARSE');
      expect(e.message).toMatch(/not an ONNX model/);
    }
  });

  it('lists every unsupported op by name in one error', async () => {
    const model = buildModel({
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'NonMaxSuppression', inputs: ['a'], outputs: ['b'], name: 'nms' },
        { op: 'TopK', inputs: ['b'], outputs: ['c'] },
        { op: 'TopK', inputs: ['c'], outputs: ['y'] },
      ],
      input: { name: 'x', dims: [2, 3] },
      output: { name: 'y' },
    });
    const e = await rejection(loadOnnxModel(model));
    expect(e.code).toBe('NOT_SUPPORTED');
    expect(e.message).toMatch(/2 ops .*NonMaxSuppression \(node "nms"\), TopK/);
  });

  it('rejects opsets outside 11-17 and a node reading a missing initializer', async () => {
    const old = await rejection(loadOnnxModel(singleOp('Relu', [2], { opset: 9 })));
    expect(old.code).toBe('NOT_SUPPORTED');
    expect(old.message).toMatch(/opset 9/);
    const missing = await rejection(loadOnnxModel(singleOp('Add', [2], { extraInputs: ['bias'] })));
    expect(missing.code).toBe('PARSE');
    expect(missing.message).toMatch(/reads "bias"/);
  });

  it('rejects a missing, escaping, non-regular or truncated external data file, naming it', async () => {
    const cases: [string, Record<string, Uint8Array>, RegExp][] = [
      ['m.data', {}, /"m.data" of tensor "w" is missing/],
      [
        'm.data',
        { 'm.data': WEIGHTS.slice(0, 8) },
        /has 8 bytes, but tensor "w" needs bytes 0..12/,
      ],
    ];
    for (const [location, files, message] of cases) {
      const folder = await folderWith({ 'm.onnx': externalModel(location), ...files });
      const e = await rejection(loadOnnxModel(join(folder, 'm.onnx')));
      expect(e.code).toBe('IO');
      expect(e.message).toMatch(message);
    }
    const parent = await folderWith({ 'outside.data': WEIGHTS });
    await mkdir(join(parent, 'sub'));
    await writeFile(join(parent, 'sub', 'm.onnx'), externalModel('../outside.data'));
    expect((await rejection(loadOnnxModel(join(parent, 'sub', 'm.onnx')))).message).toMatch(
      /outside the model's folder/,
    );
    const outside = await folderWith({ 'secret.data': WEIGHTS });
    const linked = await folderWith({ 'm.onnx': externalModel('link.data') });
    await symlink(join(outside, 'secret.data'), join(linked, 'link.data'));
    expect((await rejection(loadOnnxModel(join(linked, 'm.onnx')))).message).toMatch(
      /outside the model's folder/,
    );
    const dir = await folderWith({ 'm.onnx': externalModel('sub') });
    await mkdir(join(dir, 'sub'));
    expect((await rejection(loadOnnxModel(join(dir, 'm.onnx')))).message).toMatch(
      /not a regular file/,
    );
    const bytesOnly = await rejection(loadOnnxModel(externalModel('m.data')));
    expect(bytesOnly.message).toMatch(/external file "m.data", which was not given/);
  });

  it('names the file when a committed graph is copied without its data', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'interp-onnx-nodata-'));
    await copyFile(join(TEST_MODELS, 'resnet18.onnx'), join(folder, 'resnet18.onnx'));
    const e = await rejection(loadOnnxModel(join(folder, 'resnet18.onnx')));
    expect(e.code).toBe('IO');
    expect(e.message).toMatch(/"resnet18.onnx.data" .* is missing/);
  });

  it('rejects an unreadable path and a model with two inputs', async () => {
    expect((await rejection(loadOnnxModel('/no/such/model.onnx'))).code).toBe('IO');
    const model = onnx.ModelProto.decode(singleOp('Add', [2], { extraInputs: ['z'] }));
    model.graph!.input!.push({ name: 'z', type: model.graph!.input![0]!.type });
    const e = await rejection(loadOnnxModel(onnx.ModelProto.encode(model).finish()));
    expect(e.code).toBe('NOT_SUPPORTED');
    expect(e.message).toMatch(/2 inputs \(x, z\)/);
  });

  it('fetches a URL and its external data from the same folder (the browser path)', async () => {
    const files: Record<string, Uint8Array> = {
      '/models/m.onnx': externalModel('m.data'),
      '/models/m.data': WEIGHTS,
      '/models/escape.onnx': externalModel('../m.data'),
      '/m.data': WEIGHTS,
    };
    const server = createServer((req, res) => {
      const body = files[req.url ?? ''];
      res.writeHead(body ? 200 : 404);
      res.end(body ? Buffer.from(body) : undefined);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      const model = await loadOnnxModel(new URL(`http://127.0.0.1:${port}/models/m.onnx`));
      const y = tf.tidy(() => model.predict(tf.tensor2d([[2, 2, 2]])));
      expect([...(await y.data())]).toEqual([2, 4, 6]);
      tf.dispose([y]);
      model.dispose();
      const escaping = await rejection(
        loadOnnxModel(`http://127.0.0.1:${port}/models/escape.onnx`),
      );
      expect(escaping.message).toMatch(/outside the model's folder/);
      const missing = await rejection(loadOnnxModel(`http://127.0.0.1:${port}/models/none.onnx`));
      expect(missing.code).toBe('IO');
      expect(missing.message).toMatch(/answered 404/);
    } finally {
      server.close();
    }
  });
});
