import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { RouteTable } from './explore-routes.js';

describe('RouteTable', () => {
  it('answers listed paths with their type and nosniff, HEAD without a body', () => {
    const routes = new RouteTable();
    routes.add('/data.json', '{"a":1}');
    const r = routes.respond('GET', '/data.json?x=1');
    expect(r.status).toBe(200);
    expect(Buffer.from(r.body).toString()).toBe('{"a":1}');
    expect(r.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(r.headers['Content-Length']).toBe('7');
    expect(routes.respond('HEAD', '/data.json').body.length).toBe(0);
    expect(routes.respond('DELETE', '/data.json').status).toBe(405);
  });

  it('decodes once: %2e%2e stays a name, encoded slashes and malformed escapes are 404', () => {
    const routes = new RouteTable();
    routes.add('/a b.png', new Uint8Array([1]));
    expect(routes.respond('GET', '/a%20b.png').status).toBe(200);
    for (const url of [
      '/%2e%2e/a%20b.png',
      '/x%2fa%20b.png',
      '/%E0%A4%A',
      'a b.png',
      '/a%00b.png',
    ]) {
      expect(routes.respond('GET', url).status, url).toBe(404);
    }
  });

  it('reads a page folder (index.html also as /) and skips files it has no type for', () => {
    const dir = tempDir('interp-routes-');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets', 'a.js'), '1');
    writeFileSync(join(dir, 'secret.key'), 'k');
    const routes = new RouteTable();
    routes.addFolder(dir);
    expect(routes.has('/')).toBe(true);
    expect(routes.has('/assets/a.js')).toBe(true);
    expect(routes.has('/secret.key')).toBe(false);
  });

  it('refuses routes with .. or without a known type, saying why', () => {
    const routes = new RouteTable();
    for (const [path, message] of [
      ['/../x.json', /without \. or \.\./],
      ['x.json', /absolute path/],
      ['/x.exe', /no content type/],
    ] as const) {
      let error: unknown;
      try {
        routes.add(path, '');
      } catch (e) {
        error = e;
      }
      expect(isInterpError(error), path).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
