// Every name of the method table through `interp attribute`: each runs with every flag its
// table entry reads, and each flag it does not read is refused with one line and exit 2.
import { rmSync } from 'node:fs';
import { METHOD_CATALOG } from '@interp/attribution/methods';
import { setupBackend } from '@interp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import { METHOD_FLAGS, type MethodFlag } from './attribute-methods.js';
import { closeTo, writeAttributeFixtures } from './test-attribute-models.js';

let dir: string;
const cnn2 = ['attribute', '--model', 'cnn2/model.json', '--input', 'img.npy'];

beforeAll(async () => {
  dir = tempDir();
  await setupBackend('cpu');
  await writeAttributeFixtures(dir);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A value of each flag that fits cnn2 (input [2, 4, 4, 1], layer 'act' [2, 2, 2]).
const VALUES: Record<MethodFlag, string> = {
  target: '0,1',
  'ig-method': 'riemann_trapezoid',
  window: '2,2,1',
  strides: '2,2,1',
  baseline: 'img-refs.npy',
  'n-steps': '4',
  'n-samples': '4',
  seed: '1',
  'feature-mask': 'quadrants.npy',
  layer: 'act',
  neuron: '0,1,1',
};
const FLAGS = Object.keys(METHOD_FLAGS) as MethodFlag[];

describe('interp attribute --method M for every name of the method table', () => {
  it("the issue's names are all there", () => {
    const names = METHOD_CATALOG.map((m) => m.name);
    for (const name of 'saliency gxi ig deeplift deeplift-shap gradient-shap guided-backprop deconvolution guided-gradcam gradcam occlusion feature-ablation feature-permutation shapley shapley-sampling lime kernel-shap lrp smoothgrad layer-ig layer-conductance internal-influence layer-activation layer-gxa layer-deeplift layer-gradient-shap layer-feature-ablation layer-lrp'.split(
      ' ',
    )) {
      expect(names).toContain(name);
    }
    expect(names.filter((n) => n.startsWith('neuron-'))).toHaveLength(8);
  });

  it('runs with every flag it reads and prints { method, target, attributions[, delta] }', async () => {
    for (const m of METHOD_CATALOG) {
      const args = FLAGS.filter((f) => m.options.includes(METHOD_FLAGS[f])).flatMap((f) => [
        `--${f}`,
        // LayerLRP reads a node with a rule (the conv); a ReLU only passes relevance through.
        f === 'layer' && m.name === 'layer-lrp' ? 'feat' : VALUES[f],
      ]);
      const r = await runMain([...cnn2, '--method', m.name, ...args, '--json'], dir);
      // GradCAM may warn that an item's map is all zero after its ReLU: a warning, not an error.
      const errors = r.stderr.replace(/^interp attribute: warning: .*\n/m, '');
      expect(errors, `${m.name} ${args.join(' ')}`).toBe('');
      expect(r.code, m.name).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.method).toBe(m.name);
      expect(out.target, m.name).toEqual(m.options.includes('target') ? [0, 1] : null);
      expect('delta' in out, m.name).toBe(m.delta);
      expect(out.attributions, m.name).toHaveLength(2);
    }
  });

  it('refuses each flag the method does not read, with one line and exit 2', async () => {
    let refused = 0;
    for (const m of METHOD_CATALOG) {
      for (const f of FLAGS.filter((flag) => !m.options.includes(METHOD_FLAGS[flag]))) {
        const r = await runMain([...cnn2, '--method', m.name, `--${f}`, VALUES[f]], dir);
        expectBadInput(r, new RegExp(`--${f} applies to --method \\S+ only`));
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(200);
  });

  it('guided-gradcam is guided-backprop times the relu of layer-gradcam, nearest-upsampled', async () => {
    const run = async (...args: string[]) => {
      const r = await runMain([...cnn2, '--target', '1', ...args, '--json'], dir);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout).attributions.flat(8) as number[];
    };
    const ggc = await run('--method', 'guided-gradcam', '--layer', 'act');
    const gbp = await run('--method', 'guided-backprop');
    const cam = await run('--method', 'layer-gradcam', '--layer', 'act'); // [2, 2, 2, 1]
    // The 2 x 2 map over a 4 x 4 input: pixel (h, w) reads cell (h >> 1, w >> 1).
    const expected = gbp.map((g, i) => {
      const [n, h, w] = [i >> 4, (i >> 2) & 3, i & 3];
      return g * Math.max(0, cam[n * 4 + (h >> 1) * 2 + (w >> 1)]!);
    });
    closeTo(ggc, expected, 1e-5);
  });
});
