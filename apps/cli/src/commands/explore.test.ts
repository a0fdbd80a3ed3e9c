import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { encodeNpy, parseNpy } from '@interp/data';
import { encodePNG } from '@interp/viz/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processIO } from '../cli-io.js';
import { binPath, buildCli, expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import { exploreDefaults, run, startExplore } from './explore.js';
import type { ExploreData } from './explore-data.js';
import type { ExploreServer } from './explore-server.js';
import {
  writeBrightnessCnn,
  writeBrightnessFolder,
  writeTableBundle,
} from './test-report-bundles.js';

const dir = tempDir('interp-explore-');
const page = join(dir, 'page');
let truth: { means: number[]; labels: number[] };
const previousPage = process.env.INTERP_EXPLORE_PAGE;

/** A raw GET (or `method`) of `path` exactly as written: no URL normalization by a client. */
function get(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  await setupBackend('wasm');
  mkdirSync(join(page, 'assets'), { recursive: true });
  writeFileSync(join(page, 'index.html'), '<!doctype html><title>explore</title>');
  writeFileSync(join(page, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(page, 'notes.unknownext'), 'not served');
  process.env.INTERP_EXPLORE_PAGE = page;
  truth = writeBrightnessFolder(join(dir, 'images'));
  await writeBrightnessCnn(join(dir, 'cnn'));
  await writeTableBundle(dir);
  // Beside the model but not one of its files: must not be served.
  writeFileSync(join(dir, 'cnn', 'secret.txt'), 'secret');
  writeFileSync(
    join(dir, 'preds.json'),
    JSON.stringify([
      [0.9, 0.1],
      [0.2, 0.8],
      [0.6, 0.4],
    ]),
  );
  writeFileSync(join(dir, 'targs.json'), JSON.stringify([0, 1, 1]));
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(['<b>cat</b>', 'dog']));
}, 120_000);

afterAll(() => {
  if (previousPage === undefined) delete process.env.INTERP_EXPLORE_PAGE;
  else process.env.INTERP_EXPLORE_PAGE = previousPage;
});

async function start(args: string[]): Promise<ExploreServer> {
  const s = await startExplore([...args, '--port', '0'], { ...processIO(), cwd: dir });
  if (typeof s === 'number') throw new Error('expected a server');
  return s;
}

describe('interp explore --model M --data D', () => {
  let server: ExploreServer;
  beforeAll(async () => {
    server = await start(['--model', 'cnn/model.json', '--data', 'images']);
  }, 60_000);
  afterAll(() => server.close());

  it('listens on 127.0.0.1 only and serves the page, the data, thumbnails and model files', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(server.url, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(server.url, '/assets/app.js')).headers['content-type']).toMatch(
      /^text\/javascript/,
    );
    const data = JSON.parse((await get(server.url, '/data.json')).body.toString()) as ExploreData;
    expect(data.vocab).toEqual(['<i>dark', 'bright']);
    expect(data.targets).toEqual(truth.labels);
    // Hand-worked: the brightness CNN's p(class 1) of an image of mean m is 1 / (1 + e^(0.5 - 2m)).
    truth.means.forEach((m, i) => {
      expect(data.probs[2 * i + 1]).toBeCloseTo(1 / (1 + Math.exp(0.5 - 2 * m)), 5);
    });
    expect(data.model).toMatchObject({ url: 'model/model.json', format: 'layers', layout: 'NHWC' });
    // The exact floats predicted on: each 4 x 4 gray image is its level / 255 at every pixel.
    expect(data.inputs).toEqual({ url: 'inputs.npy', shape: [6, 4, 4, 1] });
    const x = parseNpy(new Uint8Array((await get(server.url, '/inputs.npy')).body), 'inputs.npy');
    expect(x.shape).toEqual([6, 4, 4, 1]);
    truth.means.forEach((m, i) => {
      for (let p = 0; p < 16; p++) expect(x.data[i * 16 + p]).toBeCloseTo(m, 6);
    });
    const thumb = await get(server.url, '/thumbs/0.png');
    expect(thumb.headers['content-type']).toBe('image/png');
    expect([...thumb.body.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const model = await get(server.url, '/model/model.json');
    const manifest = JSON.parse(model.body.toString()).weightsManifest[0].paths[0] as string;
    expect((await get(server.url, `/model/${manifest}`)).status).toBe(200);
    const head = await get(server.url, '/data.json', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('answers 404 to traversal, encoded paths, absolute paths, directories and unlisted files', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/model%2fmodel.json',
      '/model%5cmodel.json',
      '//etc/passwd',
      '/etc/passwd',
      `/${dir}/cnn/model.json`,
      '/model/',
      '/model',
      '/assets/',
      '/model/secret.txt',
      '/model/../cnn/secret.txt',
      '/notes.unknownext',
      '/thumbs/6.png',
      '/%ZZ',
    ]) {
      expect((await get(server.url, path)).status, path).toBe(404);
    }
    expect((await get(server.url, '/data.json', 'POST')).status).toBe(405);
    expect((await get(server.url, '/data.json', 'PUT')).status).toBe(405);
  });

  it('is not reachable on any other interface', async () => {
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!other) return; // a machine with loopback only: nothing to check
    const { port } = new URL(server.url);
    await expect(get(`http://${other.address}:${port}/`, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('interp explore --model M --data TABLE.csv', () => {
  it('serves the rows and the predictions worked by hand (scores [x0 - x1, x1 - x0])', async () => {
    const server = await start([
      '--model',
      'mlp/model.json',
      '--data',
      'table.csv',
      '--target-column',
      'species',
    ]);
    try {
      const data = JSON.parse((await get(server.url, '/data.json')).body.toString()) as ExploreData;
      expect(data.task).toBe('tabular');
      expect(data.vocab).toEqual(['adelie', 'gentoo']);
      expect(data.targets).toEqual([0, 0, 1, 1, 1]);
      expect(data.table).toEqual({ features: ['x0', 'x1'], x: [3, 1, 2, 0.5, 0, 4, 1, 2, 5, 2] });
      const rows = [
        [3, 1],
        [2, 0.5],
        [0, 4],
        [1, 2],
        [5, 2],
      ];
      rows.forEach(([a, b], i) => {
        // softmax([a - b, b - a])[0] = 1 / (1 + e^(2(b - a)))
        expect(data.probs[2 * i]).toBeCloseTo(1 / (1 + Math.exp(2 * (b! - a!))), 5);
      });
      expect((await get(server.url, '/model/model.json')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('interp explore --task segmentation', () => {
  it('sends the argmax of the scores and the true masks', async () => {
    // 1 mask of 1 x 3: scores pick classes 2, 0, 1.
    const scores = [0, 0.1, 0.9, 0.8, 0.1, 0.1, 0.2, 0.5, 0.3];
    writeFileSync(join(dir, 'seg-p.npy'), encodeNpy(Float32Array.from(scores), [1, 1, 3, 3]));
    writeFileSync(join(dir, 'seg-t.npy'), encodeNpy(Int32Array.from([2, 1, 1]), [1, 1, 3]));
    const server = await start([
      '--task',
      'segmentation',
      '--preds',
      'seg-p.npy',
      '--targs',
      'seg-t.npy',
    ]);
    try {
      const data = JSON.parse((await get(server.url, '/data.json')).body.toString()) as ExploreData;
      expect(data.masks).toEqual({ shape: [1, 1, 3], decoded: [2, 0, 1] });
      expect(data.targets).toEqual([2, 1, 1]);
      expect(data.vocab).toEqual(['0', '1', '2']);
    } finally {
      await server.close();
    }
  });

  it('reads two folders of PNG masks (class id in the red channel), paired by path', async () => {
    // 2 masks of 1 x 2, by hand: a.png true [1, 0] predicted [1, 1]; b.png true [0, 2] predicted [0, 2].
    const png = (ids: number[]) =>
      encodePNG(Uint8Array.from(ids.flatMap((id) => [id, 0, 0, 255])), 2, 1);
    for (const [sub, a, b] of [
      ['seg-true', [1, 0], [0, 2]],
      ['seg-pred', [1, 1], [0, 2]],
    ] as const) {
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, sub, 'a.png'), png([...a]));
      writeFileSync(join(dir, sub, 'b.png'), png([...b]));
    }
    const server = await start([
      '--task',
      'segmentation',
      '--preds',
      'seg-pred',
      '--targs',
      'seg-true',
    ]);
    try {
      const data = JSON.parse((await get(server.url, '/data.json')).body.toString()) as ExploreData;
      expect(data.masks).toEqual({ shape: [2, 1, 2], decoded: [1, 1, 0, 2] });
      expect(data.targets).toEqual([1, 0, 0, 2]);
      expect(data.vocab).toEqual(['0', '1', '2']);
    } finally {
      await server.close();
    }
    expectBadInput(
      await runMain(
        [
          'explore',
          '--task',
          'segmentation',
          '--port',
          '0',
          '--preds',
          'seg-pred',
          '--targs',
          'seg-t.npy',
        ],
        dir,
      ),
      /--preds seg-pred and --targs seg-t\.npy must both be \.npy files or both folders of PNG masks/,
    );
  });

  it('refuses masks of different shapes and non-.npy files, in one line', async () => {
    writeFileSync(join(dir, 'seg-t2.npy'), encodeNpy(Int32Array.from([1, 1]), [1, 1, 2]));
    const args = ['explore', '--task', 'segmentation', '--port', '0'];
    expectBadInput(
      await runMain([...args, '--preds', 'seg-p.npy', '--targs', 'seg-t2.npy'], dir),
      /seg-p\.npy is \[1, 1, 3, 3\] but seg-t2\.npy is \[1, 1, 2\]/,
    );
    expectBadInput(
      await runMain([...args, '--preds', 'preds.json', '--targs', 'seg-t.npy'], dir),
      /read from \.npy files or folders of PNG masks/,
    );
    expectBadInput(
      await runMain(
        ['explore', '--task', 'segmentation', '--model', 'cnn/model.json', '--data', 'images'],
        dir,
      ),
      /--task segmentation takes masks: --preds P --targs T/,
    );
  });
});

describe('interp explore --preds P --targs T', () => {
  it('serves the prediction files as given, the vocab as data (escaped by the page)', async () => {
    const server = await start([
      '--preds',
      'preds.json',
      '--targs',
      'targs.json',
      '--vocab',
      'vocab.json',
    ]);
    try {
      const data = JSON.parse((await get(server.url, '/data.json')).body.toString()) as ExploreData;
      expect(data.vocab).toEqual(['<b>cat</b>', 'dog']);
      expect(data.targets).toEqual([0, 1, 1]);
      expect(data.probs.map((p) => Math.round(p * 1e6) / 1e6)).toEqual([
        0.9, 0.1, 0.2, 0.8, 0.6, 0.4,
      ]);
      expect(data.thumbs).toBe(false);
      expect((await get(server.url, '/thumbs/0.png')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('stops on SIGINT and SIGTERM: the server closes and run resolves to 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      const signals = new EventEmitter();
      const chunks: string[] = [];
      const io = {
        ...processIO(),
        cwd: dir,
        stdout: Object.assign(new EventEmitter(), {
          write: (t: string) => chunks.push(t) > 0,
        }) as unknown as NodeJS.WritableStream,
      };
      const done = run(
        ['--preds', 'preds.json', '--targs', 'targs.json', '--port', '0'],
        io,
        signals,
      );
      while (chunks.length === 0) await new Promise((r) => setTimeout(r, 10));
      const url = /http:\S+/.exec(chunks.join(''))![0];
      expect((await get(url, '/')).status).toBe(200);
      signals.emit(signal);
      await expect(done).resolves.toBe(0);
      await expect(get(url, '/')).rejects.toThrow(/ECONNREFUSED/);
      expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    }
  });
});

describe('interp explore: bad input', () => {
  const cases: [string[], RegExp][] = [
    [['--data', 'images'], /missing --model/],
    [['--model', 'cnn/model.json'], /missing --data/],
    [['--preds', 'preds.json'], /both --preds P and --targs T/],
    [['--model', 'mlp/model.json', '--data', 'table.csv', '--port', '0'], /--target-column/],
    [
      [
        '--model',
        'cnn/model.json',
        '--data',
        'table.csv',
        '--target-column',
        'species',
        '--port',
        '0',
      ],
      /takes input .* 2 feature columns/,
    ],
    [['--preds', 'preds.json', '--targs', 'targs.json', '--port', '70000'], /--port/],
    [['--model', 'nope/model.json', '--data', 'images', '--port', '0'], /nope/],
  ];
  for (const [args, message] of cases) {
    it(`exits 2 with one line: ${args.join(' ')}`, async () => {
      expectBadInput(await runMain(['explore', ...args], dir), message);
    });
  }

  it('refuses a model.json whose weights path leaves its folder', async () => {
    const bad = join(dir, 'bad-model');
    mkdirSync(bad, { recursive: true });
    const json = JSON.parse(readFileSync(join(dir, 'cnn', 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../cnn/secret.txt'];
    writeFileSync(join(bad, 'model.json'), JSON.stringify(json));
    const r = await runMain(
      ['explore', '--model', 'bad-model/model.json', '--data', 'images', '--port', '0'],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/weight|\.\./);
  });

  it(`refuses more than ${exploreDefaults.maxItems} items, saying the limit`, async () => {
    const n = exploreDefaults.maxItems + 1;
    writeFileSync(
      join(dir, 'many-preds.json'),
      JSON.stringify(Array.from({ length: n }, () => [0.5, 0.5])),
    );
    writeFileSync(join(dir, 'many-targs.json'), JSON.stringify(Array.from({ length: n }, () => 0)));
    const r = await runMain(
      ['explore', '--preds', 'many-preds.json', '--targs', 'many-targs.json', '--port', '0'],
      dir,
    );
    expectBadInput(r, new RegExp(`at most ${exploreDefaults.maxItems}`));
  });

  it('says so in one line when the page is not built', async () => {
    process.env.INTERP_EXPLORE_PAGE = join(dir, 'no-page');
    try {
      const r = await runMain(['explore', '--preds', 'preds.json', '--targs', 'targs.json'], dir);
      expectBadInput(r, /explore page is not built/);
    } finally {
      process.env.INTERP_EXPLORE_PAGE = page;
    }
  });

  it('says which port is taken', async () => {
    const server = await start(['--preds', 'preds.json', '--targs', 'targs.json']);
    try {
      const { port } = new URL(server.url);
      const r = await runMain(
        ['explore', '--preds', 'preds.json', '--targs', 'targs.json', '--port', port],
        dir,
      );
      expectBadInput(r, new RegExp(`port ${port} is in use`));
    } finally {
      await server.close();
    }
  });
});

describe('interp explore as a process (the built CLI)', () => {
  beforeAll(() => buildCli(), 300_000);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`prints the URL, serves, and exits 0 on ${signal}`, async () => {
      const child = spawn(
        process.execPath,
        [binPath, 'explore', '--preds', 'preds.json', '--targs', 'targs.json', '--port', '0'],
        {
          cwd: dir,
          env: { ...process.env, INTERP_EXPLORE_PAGE: page },
        },
      );
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code} before serving: ${out}`)));
      });
      expect((await get(url, '/')).status).toBe(200);
      const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill(signal);
      expect(await exit).toBe(0);
      await expect(get(url, '/')).rejects.toThrow(/ECONNREFUSED/);
    });
  }
});
