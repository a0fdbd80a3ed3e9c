// The preview server: compression, validators, caching, cross-origin isolation and its safety
// (a throwaway site in a temp folder), then the built site in Chromium: isolated, so tfjs's
// threaded WASM build runs, with every live example of the pages checked still working.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickEncoding, startStaticServer } from '../scripts/static-server.mjs';
import { type Site, startSite } from './content-browser.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One raw request (the path is sent as written, `..` and all). */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const { hostname, port } = new URL(url);
  return new Promise<Reply>((done, fail) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

describe('pickEncoding', () => {
  it('prefers brotli, then gzip, honours q=0 and *, else identity', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip, br;q=0')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*, br;q=0, gzip;q=0')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
    expect(pickEncoding('deflate')).toBe('identity');
  });
});

describe('startStaticServer', () => {
  let dir: string;
  let server: { url: string; close: () => Promise<void> };
  const page = `<!doctype html><title>t</title>${'<p>the same paragraph</p>'.repeat(200)}`;
  const script = `export const x = ${JSON.stringify('a'.repeat(5000))};`;
  const mtime = new Date('2026-01-02T03:04:05Z');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'interp-serving-'));
    mkdirSync(join(dir, 'site', 'assets'), { recursive: true });
    mkdirSync(join(dir, 'site', 'wasm'));
    writeFileSync(join(dir, 'site', 'index.html'), page);
    writeFileSync(join(dir, 'site', 'assets', 'main-AbC_12-z.js'), script);
    writeFileSync(join(dir, 'site', 'wasm', 'tfjs-backend-wasm-simd.wasm'), Buffer.alloc(4096, 7));
    writeFileSync(join(dir, 'site', 'weights.bin'), Buffer.alloc(4096, 1));
    writeFileSync(join(dir, 'secret.txt'), 'outside the site');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'site', 'link.txt'));
    utimesSync(join(dir, 'site', 'index.html'), mtime, mtime);
    server = await startStaticServer(join(dir, 'site'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on the loopback address only', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('compresses text and wasm as the request allows (gzip, brotli), with Vary', async () => {
    const gz = await get(server.url, '/', { 'accept-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).toString()).toBe(page);
    expect(gz.body.length).toBeLessThan(page.length / 10);

    const br = await get(server.url, '/assets/main-AbC_12-z.js', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(script);

    const wasm = await get(server.url, '/wasm/tfjs-backend-wasm-simd.wasm', {
      'accept-encoding': 'gzip',
    });
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['content-encoding']).toBe('gzip');

    const plain = await get(server.url, '/');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(page);
    // Binary weights are already dense: sent as they are.
    const bin = await get(server.url, '/weights.bin', { 'accept-encoding': 'gzip' });
    expect(bin.headers['content-encoding']).toBeUndefined();
    expect(bin.body.length).toBe(4096);
  });

  it('sends validators and answers 304 to If-None-Match and If-Modified-Since', async () => {
    const first = await get(server.url, '/index.html', { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}-gzip"$/);
    expect(first.headers['last-modified']).toBe(mtime.toUTCString());
    expect(first.headers['cache-control']).toBe('no-cache');

    const again = await get(server.url, '/index.html', {
      'accept-encoding': 'gzip',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    // The identity representation has its own tag: the gzip one does not validate it.
    expect((await get(server.url, '/index.html', { 'if-none-match': etag })).status).toBe(200);
    expect(
      (await get(server.url, '/index.html', { 'if-none-match': `W/"x", ${etag}` }, 'GET')).status,
    ).toBe(200);

    const since = { 'if-modified-since': mtime.toUTCString() };
    expect((await get(server.url, '/index.html', since)).status).toBe(304);
    const before = { 'if-modified-since': new Date(mtime.getTime() - 1000).toUTCString() };
    expect((await get(server.url, '/index.html', before)).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110): a stale tag means 200.
    expect(
      (await get(server.url, '/index.html', { ...since, 'if-none-match': '"stale"' })).status,
    ).toBe(200);
  });

  it('lets browsers keep content-hashed assets for a year and revalidate the rest', async () => {
    const hashed = await get(server.url, '/assets/main-AbC_12-z.js');
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const wasm = await get(server.url, '/wasm/tfjs-backend-wasm-simd.wasm');
    expect(wasm.headers['cache-control']).toBe('no-cache');
  });

  it('sends COOP same-origin, COEP require-corp and CORP same-origin on every response', async () => {
    for (const path of ['/', '/assets/main-AbC_12-z.js', '/nope.html']) {
      const r = await get(server.url, path);
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('serves only files under the site root: traversal, encoded traversal and symlinks out are 404', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/link.txt',
      '/%00',
    ]) {
      const r = await get(server.url, path);
      expect(r.status, path).toBe(404);
      expect(r.body.toString(), path).not.toContain('outside the site');
    }
    expect((await get(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await get(server.url, '/', {}, 'POST')).status).toBe(405);
    const head = await get(server.url, '/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });
});

describe('the built site in Chromium', () => {
  let site: Site;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('is cross-origin isolated, so the WASM backend runs threaded, and its live examples still work', async () => {
    const { page, errors } = await site.open('core.html', { coldCache: true });
    const external: string[] = [];
    page.on('request', (r) => {
      // blob: and data: URLs are the page's own (tfjs starts its WASM workers from blobs)
      const u = new URL(r.url());
      if (/^https?:$/.test(u.protocol) && u.origin !== new URL(page.url()).origin)
        external.push(r.url());
    });
    await page.evaluate(() => window.examplesDone);
    const state = await page.evaluate(() => ({
      isolated: window.crossOriginIsolated,
      info: window.getBackendInfo(),
      cores: navigator.hardwareConcurrency,
    }));
    console.log(
      `core.html: crossOriginIsolated ${state.isolated}, backend ${JSON.stringify(state.info)}, ${state.cores} cores`,
    );
    expect(state.isolated).toBe(true);
    expect(state.info.backend).toBe('wasm');
    expect(state.info.simd).toBe(true);
    // The threaded SIMD build is the one running (SharedArrayBuffer memory, a worker pool);
    // how many threads tfjs gives its pool follows the machine's cores (1 on a 2-core runner).
    expect(state.info.threads).toBe(true);
    expect(state.info.threadCount).toBeGreaterThanOrEqual(1);
    const statuses = await page
      .locator('section.example')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 'done')).toBe(true);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it('gives the WASM thread pool more than one thread when the machine has the cores', async () => {
    // tfjs sizes its pool to half the reported cores (1 on a 2-core runner), so the browser is
    // told it has 4, through the DevTools protocol, before the page loads.
    const server = await startStaticServer(join(import.meta.dirname, '..', 'dist', 'site'));
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 4 });
      await page.goto(`${server.url}core.html`);
      await page.evaluate(() => window.examplesDone);
      const info = await page.evaluate(() => window.getBackendInfo());
      expect(info.threads).toBe(true);
      expect(info.threadCount).toBe(2);
      const statuses = await page
        .locator('section.example')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
      expect(statuses.every((st) => st === 'done')).toBe(true);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
