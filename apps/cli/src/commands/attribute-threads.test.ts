import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackendInfo, setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import { mnistCnn } from '@interp/example-data/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { binPath, buildCli, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';

describe('interp attribute --threads', () => {
  const dir = tempDir('interp-threads-');
  const base = ['attribute', '--model', 'cnn/model.json', '--input', 'img.npy', '--json'];

  beforeAll(async () => {
    await setupBackend('wasm');
    // A conv net large enough that XNNPACK splits its work across threads: the demo's MNIST
    // CNN (untrained, seeded).
    const cnn = mnistCnn(tfl, 1);
    await saveLayersModelToDir(cnn, join(dir, 'cnn'));
    cnn.dispose();
    const image = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.sin(i / 7));
    writeFileSync(join(dir, 'img.npy'), encodeNpy(image, [2, 28, 28, 1]));
  });

  it('gives the same JSON with 2 threads as with 1 (saliency and IG)', async () => {
    for (const method of ['saliency', 'ig']) {
      const one = await runMain([...base, '--method', method, '--threads', '1'], dir);
      const two = await runMain([...base, '--method', method, '--threads', '2'], dir);
      expect([one.code, two.code, one.stderr, two.stderr]).toEqual([0, 0, '', '']);
      const [a, b] = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
      const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
      const [fa, fb] = [flat(a.attributions), flat(b.attributions)];
      // Same keys, targets and shapes; values equal to float32 rounding: XNNPACK splits sums
      // across threads in another order (measured on a 32 x 32 x 3 conv net: 1e-8 of values up
      // to 0.06; this CNN in process agreed exactly), which is why --threads defaults to 1.
      expect({ ...b, attributions: fb.length, delta: 0 }).toEqual({
        ...a,
        attributions: fa.length,
        delta: 0,
      });
      const scale = Math.max(...fa.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (const [i, v] of fa.entries()) {
        expect(Math.abs(v - fb[i]!)).toBeLessThanOrEqual(1e-6 * scale);
      }
      expect(tf.getBackend()).toBe('wasm');
    }
  }, 120_000);

  it("without --threads keeps the program's WASM backend and its thread count (no rebuild)", async () => {
    for (const threads of [1, 2]) {
      await setupBackend('wasm', { threads });
      const kept = tf.tensor([1, 2, 3]);
      const given = await runMain(
        [...base, '--method', 'saliency', '--threads', String(threads)],
        dir,
      );
      const r = await runMain([...base, '--method', 'saliency'], dir);
      expect([r.code, r.stderr]).toEqual([0, '']);
      // Same thread count: the same numbers, to the byte; a rebuilt backend would have lost `kept`.
      expect(r.stdout).toBe(given.stdout);
      expect(getBackendInfo().threadCount).toBe(threads);
      expect(Array.from(await kept.data())).toEqual([1, 2, 3]);
      kept.dispose();
    }
    await setupBackend('wasm', { threads: 1 });
  }, 120_000);

  it('the built CLI exits 0 with --threads 2 once it has printed the JSON', () => {
    buildCli();
    // WASM's pthread workers keep Node's event loop alive: without bin.ts's explicit exit the
    // process printed its answer and never ended (checked: still running after 40 s; the run
    // takes ~3 s), and the timeout kills it: signal SIGKILL, status null.
    const r = spawnSync(
      process.execPath,
      [binPath, ...base, '--method', 'saliency', '--threads', '2'],
      { cwd: dir, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' },
    );
    expect([r.signal, r.status, r.stderr]).toEqual([null, 0, '']);
    expect(JSON.parse(r.stdout).attributions).toHaveLength(2);
  }, 300_000);

  it('exits 2 with one line for a bad --threads, before loading the model', async () => {
    for (const bad of ['0', '9', 'two', '1.5', '-1', '02']) {
      const r = await runMain([...base, '--method', 'saliency', `--threads=${bad}`], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(
        /invalid --threads: .*; expected auto or a whole number from 1 to 8/,
      );
    }
  });
});
