// Issue 19's families of hostile inputs, run in-process from src on small files: model folders
// that point outside themselves, output folders that are files, symlinks or system folders,
// special files as inputs, control characters in names. Every case must end in exit 2 with one
// line naming the file or option (never `internal error`), or succeed without harm.
// Scale cases live in scripts/fuzz-scale.mjs (opt-in, not run here).
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { type CliResult, expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';

const dir = tempDir('interp-fuzz-');
const run = (...args: string[]) => runMain(args, dir);
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return name;
};
const SECRET = 'TOP-SECRET-BYTES-';

/** Bad input, and never the secret file's bytes anywhere in the output. */
function refused(r: CliResult, message: RegExp): void {
  expectBadInput(r, message);
  expect(r.stderr).not.toContain(SECRET);
  expect(r.stderr).not.toMatch(/internal error/);
}

/** `mount` as the tests' user may: false where it is not permitted. */
const canMount = (() => {
  const probe = tempDir('interp-mount-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

/** A fresh copy of the good 4 -> 3 softmax model in `name/`; returns its model.json's JSON. */
function modelCopy(name: string): Record<string, unknown> {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'model.json'), readFileSync(join(dir, 'good/model.json')));
  writeFileSync(join(dir, name, 'weights.bin'), readFileSync(join(dir, 'good/weights.bin')));
  return JSON.parse(readFileSync(join(dir, 'good/model.json'), 'utf8'));
}

function setManifest(name: string, manifest: unknown): void {
  const json = modelCopy(name);
  writeFileSync(
    join(dir, name, 'model.json'),
    JSON.stringify({ ...json, weightsManifest: manifest }),
  );
}

let weights: unknown;

beforeAll(async () => {
  await setupBackend('wasm');
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));
  await saveLayersModelToDir(m, join(dir, 'good'));
  m.dispose();
  weights = (modelCopy('good') as { weightsManifest: { weights: unknown }[] }).weightsManifest[0]!
    .weights;
  write('secret.txt', SECRET.repeat(4).slice(0, 60));
  write('x.npy', encodeNpy(Float32Array.of(1, 2, 3, 4, 4, 3, 2, 1), [2, 4]));
  write(
    'probs.npy',
    encodeNpy(Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6), [3, 3]),
  );
  write('targs.npy', encodeNpy(Int32Array.of(0, 1, 1), [3]));
  write('a-file', 'x');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile model folders (summary and attribute read nothing outside the folder)', () => {
  const commands = [
    (m: string) => run('summary', '--model', m),
    (m: string) => run('attribute', '--model', m, '--input', 'x.npy', '--method', 'saliency'),
  ];

  it('weight paths with ../, an absolute path, or a symlink out of the folder', async () => {
    for (const [name, paths] of [
      ['dotdot', ['../secret.txt']],
      ['deep', ['../../../../etc/passwd']],
      ['absolute', [join(dir, 'secret.txt')]],
    ] as const) {
      setManifest(name, [{ paths, weights }]);
      for (const cmd of commands) {
        refused(
          await cmd(`${name}/model.json`),
          /is (outside the model's folder|missing next to it)/,
        );
      }
    }
    modelCopy('link');
    rmSync(join(dir, 'link/weights.bin'));
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'link/weights.bin'));
    for (const cmd of commands) {
      refused(await cmd('link/model.json'), /link\/model\.json: file "weights\.bin" is outside/);
    }
  });

  it('a FIFO or /dev/zero as weights is refused before it is read (no hang, no 7 GB)', async () => {
    modelCopy('fifo');
    rmSync(join(dir, 'fifo/weights.bin'));
    expect(spawnSync('mkfifo', [join(dir, 'fifo/weights.bin')]).status).toBe(0);
    refused(await commands[0]!('fifo/model.json'), /FIFO \(named pipe\), not a regular file/);
    modelCopy('zero');
    rmSync(join(dir, 'zero/weights.bin'));
    symlinkSync('/dev/zero', join(dir, 'zero/weights.bin'));
    refused(await commands[1]!('zero/model.json'), /"weights\.bin" is outside the model's folder/);
  });

  it('weights with extra or missing bytes, or deleted, are refused naming the file', async () => {
    modelCopy('extra');
    writeFileSync(join(dir, 'extra/weights.bin'), Buffer.alloc(60 + 1000));
    refused(await commands[0]!('extra/model.json'), /declares 60 bytes .*holds 1060/);
    modelCopy('short');
    truncateSync(join(dir, 'short/weights.bin'), 40);
    refused(await commands[1]!('short/model.json'), /declares 60 bytes .*holds 40/);
    modelCopy('gone');
    rmSync(join(dir, 'gone/weights.bin'));
    refused(await commands[1]!('gone/model.json'), /"weights\.bin" is missing next to it/);
  });

  it('malformed manifests are InterpErrors naming the file, never internal errors', async () => {
    const cases: [unknown, RegExp][] = [
      [null, /weightsManifest must be a list/],
      [[{ paths: 'weights.bin', weights }], /paths must be a non-empty list/],
      [[{ paths: [null], weights }], /paths must be a non-empty list/],
      [[{ paths: ['weights.bin'] }], /weights must be a list/],
      [
        [{ paths: ['weights.bin'], weights: [{ name: 'k', shape: 'x', dtype: 'float32' }] }],
        /shape/,
      ],
    ];
    for (const [i, [manifest, message]] of cases.entries()) {
      setManifest(`bad${i}`, manifest);
      refused(await commands[i % 2]!(`bad${i}/model.json`), message);
    }
    for (const [i, text] of [
      'null',
      '{"weightsManifest": []}',
      '[1]',
      '{"modelTopology": 1}',
    ].entries()) {
      mkdirSync(join(dir, `junk${i}`));
      write(`junk${i}/model.json`, text);
      refused(
        await commands[0]!(`junk${i}/model.json`),
        /junk\d\/model\.json: not a tfjs LayersModel/,
      );
    }
  });

  it('the good model still loads through the same checks', async () => {
    const r = await commands[0]!('good/model.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Dense/);
  });
});

describe('hostile output folders (nothing written outside --out, checked before any work)', () => {
  const classify = (out: string) =>
    run('classification', '--preds', 'probs.npy', '--targs', 'targs.npy', '--out', out);

  it('--out that is a file, or a folder under a file, is refused up front', async () => {
    refused(await classify('a-file'), /--out a-file: it exists and is not a folder/);
    refused(await classify('a-file/sub'), /--out a-file\/sub: cannot create the folder/);
    // attribute and demo check --out before loading a model or training: a missing model is
    // not even looked at, and demo answers at once.
    refused(
      await run(
        'attribute',
        '--model',
        'nope/model.json',
        '--input',
        'x.npy',
        '--method',
        'saliency',
        '--out',
        'a-file',
      ),
      /--out a-file: it exists/,
    );
    const t0 = performance.now();
    refused(await run('demo', '--out', 'a-file'), /--out a-file: it exists/);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('--out under /proc, /sys or /dev is refused at once (Node 20 mkdir would loop forever)', async () => {
    for (const out of ['/proc/self/nope', '/sys/kernel/nope', '/dev/nope']) {
      refused(await classify(out), /cannot write under \/(proc|sys|dev) \(a system folder\)/);
    }
    refused(
      await run(
        'segmentation',
        '--preds',
        'targs.npy',
        '--targs',
        'targs.npy',
        '--out',
        '/proc/self/x',
      ),
      /--out \/proc\/self\/x: cannot write under \/proc/,
    );
  });

  it('a planted symlink named confusion_matrix.svg is replaced, its target untouched', async () => {
    mkdirSync(join(dir, 'planted'));
    write('victim.txt', 'precious');
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'planted/confusion_matrix.svg'));
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'planted/confusion_matrix.png'));
    const r = await classify('planted');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'planted/confusion_matrix.svg')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'planted/confusion_matrix.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(join(dir, 'planted')).sort()).toEqual([
      'confusion_matrix.png',
      'confusion_matrix.svg',
    ]);
  });

  it.skipIf(!canMount)(
    'a full disk: exit 2, one line, no partial file left (4 KiB tmpfs)',
    async () => {
      const full = join(dir, 'full');
      mkdirSync(full);
      expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', full]).status).toBe(0);
      try {
        refused(
          await classify('full'),
          /cannot write full\/confusion_matrix\.(svg|png) \(--out\): no space left/,
        );
        // All or nothing: neither figure, nor a temporary file, is left.
        expect(readdirSync(full)).toEqual([]);
      } finally {
        spawnSync('umount', [full]);
      }
    },
  );
});

describe('special files as inputs', () => {
  it('a folder, a FIFO or /dev/zero as --preds is exit 2 naming it', async () => {
    mkdirSync(join(dir, 'folder.npy'));
    expect(spawnSync('mkfifo', [join(dir, 'pipe.npy')]).status).toBe(0);
    for (const preds of ['folder.npy', 'pipe.npy', '/dev/zero']) {
      const r = await run('classification', '--preds', preds, '--targs', 'targs.npy');
      refused(r, new RegExp(preds.replace(/[./]/g, '\\$&')));
    }
  });
});

describe('control characters in names (terminal-safe text, XML-safe figures)', () => {
  const NASTY = ['clear\x1b[2J', 'bell\x07', 'rtl\u202egnp', 'forged\nline', 'nul\x01x'];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
  const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

  it('classification prints class names escaped, in text and JSON', async () => {
    write('nasty.json', JSON.stringify(NASTY.slice(0, 3)));
    const text = await run(
      'classification',
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--vocab',
      'nasty.json',
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(RAW);
    expect(text.stdout).toContain('clear\\x1b[2J');
    expect(text.stdout).toContain('rtl\\u202egnp');
    const json = await run(
      'classification',
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--vocab',
      'nasty.json',
      '--json',
    );
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout).vocab).toEqual(NASTY.slice(0, 3));
  });

  it('a name with U+0001 or 200,000 characters still gives a well-formed SVG and a PNG', async () => {
    write('xml.json', JSON.stringify(['a\x01b', 'y'.repeat(200_000), 'c\uffff']));
    const t0 = performance.now();
    const r = await run(
      'classification',
      '--preds',
      'probs.npy',
      '--targs',
      'targs.npy',
      '--vocab',
      'xml.json',
      '--out',
      'xml-out',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(performance.now() - t0).toBeLessThan(20_000);
    const svg = readFileSync(join(dir, 'xml-out/confusion_matrix.svg'), 'utf8');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML forbids these
    expect(svg).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/);
    expect(svg).toContain(`${'y'.repeat(199)}\u2026`);
    expect(svg).not.toContain('y'.repeat(201));
    expect(readFileSync(join(dir, 'xml-out/confusion_matrix.png')).subarray(1, 4).toString()).toBe(
      'PNG',
    );
  });

  it('file names and the error path are escaped: one line, no raw controls', async () => {
    const r = await run('classification', '--preds', 'no\x1b[2Jsuch\n.npy', '--targs', 'targs.npy');
    refused(r, /no\\x1b\[2Jsuch( |\\x0a)\.npy/);
    expect(r.stderr).not.toMatch(RAW);
    const u = await run('cla\u202essification');
    expect(u.code).toBe(2);
    expect(u.stderr).not.toMatch(RAW);
  });
});

describe('library errors name the file or option they come from', () => {
  it('importance: a target out of range names the targets file, NaN predictions the data file', async () => {
    write('t-x.npy', encodeNpy(Float32Array.of(1, 2, 3, 4, 4, 3, 2, 1), [2, 4]));
    write('t-nan.npy', encodeNpy(Float32Array.of(1, Number.NaN, 3, 4, 4, 3, 2, 1), [2, 4]));
    write('t-7.npy', encodeNpy(Int32Array.of(0, 7), [2]));
    write('t-ok.npy', encodeNpy(Int32Array.of(0, 2), [2]));
    const importance = (data: string, targs: string) =>
      run('importance', '--model', 'good/model.json', '--data', data, '--targs', targs);
    refused(
      await importance('t-x.npy', 't-7.npy'),
      /^interp importance: t-7\.npy: target of row 1 is 7/,
    );
    refused(
      await importance('t-nan.npy', 't-ok.npy'),
      /good\/model\.json on t-nan\.npy: the model predicted NaN/,
    );
  });

  it('importance: a --target-column named twice in the CSV header is called a duplicate', async () => {
    write('dup.csv', 'a,y,b,c,y\n1,0,2,3,0\n2,1,3,4,1\n');
    refused(
      await run(
        'importance',
        '--model',
        'good/model.json',
        '--data',
        'dup.csv',
        '--target-column',
        'y',
      ),
      /dup\.csv: the header names column "y" twice \(columns 2 and 5\)/,
    );
  });

  it('summary: a shape the model does not take is named as --input-size', async () => {
    refused(
      await run('summary', '--model', 'good/model.json', '--input-size', '2,5'),
      /--input-size/,
    );
  });

  it('attribute: a class out of range is named as --target, not as the library function', async () => {
    const r = await run(
      'attribute',
      '--model',
      'good/model.json',
      '--input',
      'x.npy',
      '--method',
      'saliency',
      '--target',
      '7',
    );
    refused(r, /^interp attribute: --target: target = 7 is out of range: the model has 3 outputs/);
    expect(r.stderr).not.toMatch(/resolveTarget/);
  });
});
