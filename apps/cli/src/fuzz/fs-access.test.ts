// An strace-like check in-process: node:fs is wrapped (and the ESM bindings synced) so every
// path a command touches is recorded; a run may touch only its named inputs, the model's
// folder and --out (plus node_modules and the repository's own source, which vitest loads).
import fs, { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join, resolve } from 'node:path';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { repoRoot, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';

const dir = tempDir('interp-fs-access-');
const touched: string[] = [];
/** Paths whose content was opened (read or written), not only looked up. */
const opened: string[] = [];
const OPENING = /^(open|readFile|writeFile|create(Read|Write)Stream|copyFile|truncate)/;
const WRAPPED = [
  'openSync',
  'open',
  'readFileSync',
  'readFile',
  'statSync',
  'stat',
  'lstatSync',
  'lstat',
  'existsSync',
  'accessSync',
  'access',
  'readdirSync',
  'readdir',
  'opendirSync',
  'createReadStream',
  'createWriteStream',
  'writeFileSync',
  'writeFile',
  'mkdirSync',
  'mkdir',
  'renameSync',
  'unlinkSync',
  'realpathSync',
  'realpath',
  'copyFileSync',
  'symlinkSync',
  'truncateSync',
] as const;
const PROMISES = [
  'open',
  'readFile',
  'stat',
  'lstat',
  'access',
  'readdir',
  'writeFile',
  'mkdir',
  'realpath',
] as const;
const originals = new Map<string, unknown>();

function record(arg: unknown, name: string): void {
  const path =
    typeof arg === 'string'
      ? resolve(arg)
      : arg instanceof URL && arg.protocol === 'file:'
        ? resolve(arg.pathname)
        : undefined;
  if (path === undefined) return;
  touched.push(path);
  if (OPENING.test(name)) opened.push(path);
}

function wrap(target: Record<string, unknown>, name: string, key: string): void {
  const original = target[name] as (...args: unknown[]) => unknown;
  if (typeof original !== 'function') return;
  originals.set(key, original);
  target[name] = function (this: unknown, ...args: unknown[]) {
    record(args[0], name);
    if (name === 'renameSync' || name === 'copyFileSync' || name === 'symlinkSync') {
      record(args[1], name);
    }
    return original.apply(this, args);
  };
}

beforeAll(async () => {
  await setupBackend('wasm');
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));
  await saveLayersModelToDir(m, join(dir, 'model'));
  m.dispose();
  writeFileSync(join(dir, 'x.npy'), encodeNpy(Float32Array.of(1, 2, 3, 4, 4, 3, 2, 1), [2, 4]));
  writeFileSync(
    join(dir, 'probs.npy'),
    encodeNpy(Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6), [3, 3]),
  );
  writeFileSync(join(dir, 'targs.npy'), encodeNpy(Int32Array.of(0, 1, 1), [3]));
  writeFileSync(join(dir, 'secret.txt'), 'not to be read');
  mkdirSync(join(dir, 'elsewhere'));
  // Warm-up runs load every module the commands import, so the recorded runs see only their own I/O.
  await runMain(['summary', '--model', 'model/model.json'], dir);
  await runMain(
    ['attribute', '--model', 'model/model.json', '--input', 'x.npy', '--method', 'saliency'],
    dir,
  );
  await runMain(
    ['classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--out', 'warm'],
    dir,
  );
  for (const name of WRAPPED) wrap(fs as unknown as Record<string, unknown>, name, name);
  for (const name of PROMISES)
    wrap(fs.promises as unknown as Record<string, unknown>, name, `promises.${name}`);
  syncBuiltinESMExports();
}, 120_000);

afterAll(() => {
  for (const [key, original] of originals) {
    if (key.startsWith('promises.'))
      (fs.promises as unknown as Record<string, unknown>)[key.slice(9)] = original;
    else (fs as unknown as Record<string, unknown>)[key] = original;
  }
  syncBuiltinESMExports();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a command with recording on; returns the paths it touched outside node_modules and the repo. */
async function touchedBy(args: string[]): Promise<string[]> {
  touched.length = 0;
  const r = await runMain(args, dir);
  expect(r.code, r.stderr).toBe(0);
  return [...new Set(touched)].filter(
    (p) => !p.includes(`${'/'}node_modules${'/'}`) && !p.startsWith(`${repoRoot}/`),
  );
}

function within(paths: string[], allowed: string[]): string[] {
  return paths.filter((p) => !allowed.some((a) => p === a || p.startsWith(`${a}/`)));
}

describe('a run touches only its named inputs, the model folder and --out', () => {
  it("wrapping node:fs sees the commands' own reads (the check is live)", async () => {
    const paths = await touchedBy(['summary', '--model', 'model/model.json']);
    expect(paths).toContain(join(dir, 'model/model.json'));
  });

  it('summary: the model folder only', async () => {
    const paths = await touchedBy(['summary', '--model', 'model/model.json']);
    expect(within(paths, [join(dir, 'model')])).toEqual([]);
  });

  it('attribute: the input and the model folder only', async () => {
    const paths = await touchedBy([
      'attribute',
      '--model',
      'model/model.json',
      '--input',
      'x.npy',
      '--method',
      'saliency',
    ]);
    expect(paths).toContain(join(dir, 'x.npy'));
    expect(within(paths, [join(dir, 'model'), join(dir, 'x.npy')])).toEqual([]);
  });

  it('classification: the two inputs and --out only', async () => {
    const paths = await touchedBy([
      'classification',
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--out',
      'figs',
    ]);
    expect(paths).toContain(join(dir, 'figs/confusion_matrix.svg'));
    // --out's parent is resolved (realpath) to check the folder is not under /proc, never listed.
    expect(
      within(paths, [join(dir, 'probs.npy'), join(dir, 'targs.npy'), join(dir, 'figs')]),
    ).toEqual([dir]);
  });

  it('a model naming ../secret.txt as weights: refused, and the secret is never opened', async () => {
    mkdirSync(join(dir, 'hostile'));
    const json = JSON.parse(fs.readFileSync(join(dir, 'model/model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../secret.txt'];
    writeFileSync(join(dir, 'hostile/model.json'), JSON.stringify(json));
    touched.length = 0;
    opened.length = 0;
    const r = await runMain(['summary', '--model', 'hostile/model.json'], dir);
    expect(r.code).toBe(2);
    expect(opened).toContain(join(dir, 'hostile/model.json'));
    expect(opened).not.toContain(join(dir, 'secret.txt'));
  });
});
