import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { buildCli, type CliResult, expectBadInput, runCli, tempDir } from '../test-cli.js';

let dir: string;
const cli = (...args: string[]): CliResult => runCli(['summary', ...args], { cwd: dir });

let cnnParams = 0;
beforeAll(async () => {
  buildCli();
  dir = tempDir();
  await setupBackend('cpu');
  const dense = tfl.sequential({
    layers: [tfl.layers.dense({ units: 3, inputShape: [4], name: 'd' })],
  });
  await saveLayersModelToDir(dense, join(dir, 'dense'));
  const cnn = tfl.sequential();
  cnn.add(
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      name: 'conv1',
    }),
  );
  cnn.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  cnn.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'conv2' }));
  cnn.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  cnn.add(tfl.layers.flatten({ name: 'flat' }));
  cnn.add(tfl.layers.dense({ units: 10, name: 'logits' }));
  cnnParams = cnn.countParams();
  await saveLayersModelToDir(cnn, join(dir, 'cnn'));
  writeFileSync(join(dir, 'bad.json'), '{"nope": 1}');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('interp summary --model DIR/model.json [--json]', () => {
  it('prints the layers and parameter counts as JSON (dense 4 -> 3: 4*3 + 3 = 15)', () => {
    const r = cli('--model', 'dense/model.json', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      layers: [{ name: 'd', type: 'Dense', outputShape: [null, 3], params: 15, trainable: true }],
      totalParams: 15,
      trainableParams: 15,
      nonTrainableParams: 0,
    });
  });

  it('counts the demo CNN by hand (160 + 4640 + 8010) and as tfjs does', () => {
    const out = JSON.parse(cli('--model', 'cnn/model.json', '--json').stdout);
    expect(out.layers.map((l: { params: number }) => l.params)).toEqual([160, 0, 4640, 0, 0, 8010]);
    expect(out.totalParams).toBe(12810);
    expect(out.totalParams).toBe(cnnParams);
    expect(out.layers[4]).toEqual({
      name: 'flat',
      type: 'Flatten',
      outputShape: [null, 800],
      params: 0,
      trainable: null,
    });
  });

  it('prints the fastai-style table, with measured shapes for --input-size', () => {
    const r = cli('--model', 'cnn/model.json', '--input-size', '2,28,28,1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Sequential \(Input shape: 2 x 28 x 28 x 1\)\n=+\nLayer \(type\) +Output Shape +Param # +Trainable\n/,
    );
    expect(r.stdout).toContain('conv2 (Conv2D)       2 x 11 x 11 x 32     4640       True');
    expect(r.stdout).toContain('Total params: 12,810');
    expect(r.stdout).toContain('Optimizer used: none (the model is not compiled)');
    expect(cli('--model', 'cnn/model.json').stdout).toContain('? x 26 x 26 x 16');
  });

  it('exits 2 with one line on bad input', () => {
    expectBadInput(cli(), /missing --model DIR\/model.json/);
    expectBadInput(
      cli('--model', 'missing/model.json'),
      /cannot read .*missing\/model.json: no such file/,
    );
    expectBadInput(cli('--model', 'bad.json'), /not a tfjs LayersModel model.json/);
    expectBadInput(
      cli('--model', 'cnn/model.json', '--input-size', '28,x'),
      /--input-size must be a decimal integer from 1 to 65,536, got "x" in "28,x"/,
    );
    expectBadInput(
      cli('--model', 'cnn/model.json', '--input-size', '1,28,28,3'),
      /does not fit the model's input/,
    );
    expectBadInput(cli('--model', 'cnn/model.json', '--bogus'), /unknown option --bogus/);
  });

  it('shows help', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: interp summary --model DIR\/model.json/);
  });
});
