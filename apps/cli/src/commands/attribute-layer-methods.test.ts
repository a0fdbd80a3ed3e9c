// `interp attribute --method M` for the layer and neuron methods, run in-process: hand-worked
// values on an MLP, the committed Captum 0.8 numbers of an ONNX export, and --out's overlays.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import {
  closeTo,
  col,
  H,
  hTimesW2,
  MLP_PREDICTED,
  w2col,
  writeAttributeFixtures,
  X,
} from './test-attribute-models.js';

let dir: string;
const cli = (...args: string[]) => runMain(['attribute', ...args], dir);

beforeAll(async () => {
  dir = tempDir();
  await setupBackend('cpu');
  await writeAttributeFixtures(dir);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('interp attribute: layer and neuron methods on an MLP (relu layer, linear head)', () => {
  const mlp = ['--model', 'mlp/model.json', '--input', 'x.npy'];
  const run = async (...args: string[]) => {
    const r = await cli(...mlp, ...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('layer-activation is the layer output, with no target', async () => {
    const out = await run('--method', 'layer-activation', '--layer', 'relu');
    expect(Object.keys(out)).toEqual(['method', 'target', 'attributions']);
    expect(out.target).toBeNull();
    closeTo(out.attributions.flat(), H.flat());
  });

  it('layer-gxa, layer-ig, layer-conductance, layer-deeplift, layer-feature-ablation and layer-gradient-shap give h_j W2[j, t]', async () => {
    for (const method of [
      'layer-gxa',
      'layer-ig',
      'layer-conductance',
      'layer-deeplift',
      'layer-feature-ablation',
      'layer-gradient-shap',
    ]) {
      // Conductance telescopes exactly only on a grid from 0 to 1 (not Gauss-Legendre's).
      const grid = method === 'layer-conductance' ? ['--ig-method', 'riemann_trapezoid'] : [];
      const out = await run('--method', method, '--layer', 'relu', ...grid);
      expect(out.target, method).toEqual(MLP_PREDICTED);
      expect(out.attributions[0].length, method).toBe(3);
      closeTo(out.attributions.flat(), hTimesW2, 1e-3);
      if (['layer-ig', 'layer-conductance', 'layer-deeplift'].includes(method)) {
        expect(Object.keys(out), method).toEqual(['method', 'target', 'attributions', 'delta']);
        closeTo(out.delta, [0, 0], 1e-3);
      }
    }
  });

  it('layer-lrp at the hidden dense layer is h_j W2[j, t] (epsilon rule, no bias; relu passes relevance through), delta 0', async () => {
    const out = await run('--method', 'layer-lrp', '--layer', 'hidden');
    expect(Object.keys(out)).toEqual(['method', 'target', 'attributions', 'delta']);
    expect(out.target).toEqual(MLP_PREDICTED);
    closeTo(out.attributions.flat(), hTimesW2, 1e-3);
    closeTo(out.delta, [0, 0], 1e-3);
    expectBadInput(
      await cli(...mlp, '--method', 'layer-lrp', '--layer', 'relu', '--json'),
      /no LRP rule/,
    );
  });

  it('internal-influence is the mean layer gradient: W2[:, t]', async () => {
    const out = await run('--method', 'internal-influence', '--layer', 'relu', '--n-steps', '8');
    closeTo(out.attributions.flat(), [...w2col(0), ...w2col(1)]);
  });

  it('neuron methods of unit 0 (active for item 0 only) follow W[:, 0]', async () => {
    const w0 = col(0);
    const xw = X[0]!.map((v, i) => v * w0[i]!);
    const zero = [0, 0, 0, 0];
    const cases: [string, number[]][] = [
      ['neuron-gradient', [...w0, ...zero]],
      ['neuron-guided-backprop', [...w0, ...zero]],
      ['neuron-deconvolution', [...w0, ...w0]],
      ['neuron-ig', [...xw, ...zero]],
      ['neuron-deeplift', [...xw, ...zero]],
      ['neuron-gradient-shap', [...xw, ...zero]],
    ];
    for (const [method, expected] of cases) {
      const out = await run('--method', method, '--layer', 'relu', '--neuron', '0');
      expect(out.target, method).toBeNull();
      closeTo(out.attributions.flat(), expected, 1e-3);
    }
    // Conductance through unit 0 to class 0: W2[0, 0] = 1 times the neuron's IG.
    const nc = await run(
      '--method',
      'neuron-conductance',
      '--layer',
      'relu',
      '--neuron',
      '0',
      '--target',
      '0',
      // Every point of this grid has alpha > 0, where the unit is active: the sum is exact.
      '--ig-method',
      'riemann_right',
    );
    closeTo(nc.attributions.flat(), [...xw, ...zero], 1e-3);
  });

  it('neuron-feature-ablation: the unit drop when one input is zeroed (hand-worked)', async () => {
    const out = await run(
      '--method',
      'neuron-feature-ablation',
      '--layer',
      'relu',
      '--neuron',
      '2',
    );
    // Unit 2: pre = x W[:, 2]; row 0 inactive (-4.75) -> relu(pre - x_i W[i, 2]) for each i.
    const w = col(2);
    const expected = X.flatMap((x) => {
      const pre = x.reduce((a, v, i) => a + v * w[i]!, 0);
      return x.map((v, i) => Math.max(pre, 0) - Math.max(pre - v * w[i]!, 0));
    });
    closeTo(out.attributions.flat(), expected);
  });

  it('refuses a layer method without --layer, an unknown layer, a neuron out of range', async () => {
    expectBadInput(await cli(...mlp, '--method', 'layer-ig'), /--method layer-ig needs --layer/);
    expectBadInput(
      await cli(...mlp, '--method', 'neuron-gradient', '--layer', 'relu'),
      /needs --neuron/,
    );
    expectBadInput(await cli(...mlp, '--method', 'layer-ig', '--layer', 'nope'), /nope/);
    expectBadInput(
      await cli(...mlp, '--method', 'neuron-gradient', '--layer', 'relu', '--neuron', '5'),
      /neuron|range/i,
    );
    expectBadInput(
      await cli(...mlp, '--method', 'layer-ig', '--layer', 'relu', '--neuron', '0'),
      /--neuron applies to/,
    );
  });
});

describe("interp attribute on an ONNX export against Captum 0.8's recorded numbers", () => {
  // The committed Captum case file of the tanh MLP (packages/attribution/test-fixtures/captum).
  const fixtures = fileURLToPath(
    new URL('../../../../packages/attribution/test-fixtures/captum/', import.meta.url),
  );
  interface Case {
    name: string;
    kind: string;
    node?: string;
    constructor: Record<string, unknown>;
    attribute: Record<string, unknown>;
    expected: { shape: number[]; values: number[] };
    delta?: { values: number[] };
  }
  const file = JSON.parse(readFileSync(join(fixtures, 'mlp.json'), 'utf8')) as {
    inputs: { shape: number[]; values: number[] };
    cases: Case[];
  };
  // Captum case name -> the CLI's extra arguments; the cases whose options the CLI can state.
  const CLI: Record<string, [string, ...string[]]> = {
    saliency: ['saliency'],
    'input-x-gradient': ['gxi'],
    'guided-backprop': ['guided-backprop'],
    deconvolution: ['deconvolution'],
    ig: ['ig'],
    'ig-trapezoid': ['ig'],
    'deeplift-baselines': ['deeplift'],
    'occlusion-baseline': ['occlusion', '--window', '2', '--strides', '1'],
    'feature-ablation-mask': ['feature-ablation'],
    'layer-deeplift-shap': ['layer-deeplift-shap'],
    lrp: ['lrp'],
    'layer-lrp': ['layer-lrp'],
    deeplift: ['deeplift'],
    'feature-ablation': ['feature-ablation'],
    occlusion: ['occlusion', '--window', '2', '--strides', '1'],
    'shapley-values': ['shapley'],
    'layer-activation': ['layer-activation'],
    'layer-gradient-x-activation': ['layer-gxa'],
    'layer-ig': ['layer-ig'],
    'layer-conductance': ['layer-conductance'],
    'internal-influence': ['internal-influence'],
    'layer-deeplift': ['layer-deeplift'],
    'layer-feature-ablation': ['layer-feature-ablation'],
    'neuron-gradient': ['neuron-gradient'],
    'neuron-ig': ['neuron-ig'],
    'neuron-conductance': ['neuron-conductance'],
    'neuron-deeplift': ['neuron-deeplift'],
    'neuron-guided-backprop': ['neuron-guided-backprop'],
    'neuron-deconvolution': ['neuron-deconvolution'],
    'neuron-feature-ablation': ['neuron-feature-ablation'],
  };

  // Captum's baselines, feature mask and path options as the CLI's flags (arrays as .npy files).
  const arrayArgs = (c: Case): string[] => {
    const a = c.attribute as Record<string, unknown>;
    const out: string[] = [];
    const b = a.baselines as number | { shape: number[]; values: number[] } | undefined;
    if (b !== undefined) {
      const item = file.inputs.shape.slice(1);
      const [values, shape] =
        typeof b === 'number'
          ? [Array.from({ length: item.reduce((n, d) => n * d, 1) }, () => b), item]
          : [b.values, b.shape];
      writeFileSync(join(dir, `${c.name}-b.npy`), encodeNpy(Float32Array.from(values), shape));
      out.push('--baseline', `${c.name}-b.npy`);
    }
    const mask = a.feature_mask as { shape: number[]; values: number[] } | null | undefined;
    if (mask !== undefined && mask !== null) {
      writeFileSync(
        join(dir, `${c.name}-m.npy`),
        encodeNpy(Int32Array.from(mask.values), mask.shape),
      );
      out.push('--feature-mask', `${c.name}-m.npy`);
    }
    if (a.n_steps !== undefined) out.push('--n-steps', String(a.n_steps));
    if (a.method !== undefined) out.push('--ig-method', String(a.method));
    return out;
  };

  it('every CLI-expressible case equals Captum within float32 tolerance', async () => {
    writeFileSync(
      join(dir, 'mlp-x.npy'),
      encodeNpy(Float32Array.from(file.inputs.values), file.inputs.shape),
    );
    const model = join(fixtures, 'mlp.onnx');
    let checked = 0;
    for (const c of file.cases) {
      const cli = CLI[c.name];
      if (cli === undefined) continue;
      const [method, ...rest] = cli;
      const args = ['--model', model, '--input', 'mlp-x.npy', '--method', method, ...rest];
      if (c.kind !== 'primary') args.push('--layer', c.node!);
      if (c.kind === 'neuron')
        args.push('--neuron', (c.attribute.neuron_selector as number[]).join(','));
      if (c.attribute.target !== undefined)
        args.push('--target', (c.attribute.target as number[]).join(','));
      args.push(...arrayArgs(c));
      const r = await runMain(['attribute', ...args, '--json'], dir);
      expect(r.stderr, c.name).toBe('');
      const out = JSON.parse(r.stdout);
      const got = (out.attributions as unknown[]).flat(8) as number[];
      const scale = Math.max(1e-3, ...c.expected.values.map(Math.abs));
      closeTo(got, c.expected.values, 2e-3 * scale);
      if (c.delta && out.delta) closeTo(out.delta, c.delta.values, 2e-3 * scale);
      checked++;
    }
    expect(checked).toBe(Object.keys(CLI).length);
  });
});

describe('interp attribute --out', () => {
  it('writes one overlay PNG per item for a Captum method; a layer map that is not an image exits 2', async () => {
    const cnn = ['--model', 'cnn/model.json', '--input', 'img.npy'];
    const r = await cli(...cnn, '--method', 'guided-backprop', '--out', 'gb');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'gb')).sort()).toEqual([
      'guided-backprop-0.png',
      'guided-backprop-1.png',
    ]);
    const png = readFileSync(join(dir, 'gb', 'guided-backprop-0.png'));
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const layer = await cli(
      ...cnn,
      '--method',
      'layer-activation',
      '--layer',
      'conv',
      '--out',
      'la',
    );
    expectBadInput(layer, /--out draws maps over the input, but --method layer-activation/);
  });
});
