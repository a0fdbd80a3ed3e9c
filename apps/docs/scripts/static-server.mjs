// A small static file server for the built site (preview and browser tests): 127.0.0.1 only,
// correct MIME types (tfjs streams .wasm, which needs application/wasm), no path escapes.
// It serves as a production host should: gzip or brotli for text, JSON and .wasm when the
// request accepts it, validators (a content-hash ETag and Last-Modified, answered with 304),
// long-lived caching for content-hashed assets, and the cross-origin isolation headers
// (COOP same-origin + COEP require-corp) under which tfjs's threaded WASM build can run.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt']);
// Vite writes built assets to assets/ as `name-<8 char hash>.ext`: their content never changes
// under a name, so browsers may keep them without asking again.
const HASHED = /^assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

/** Headers every response carries: the page is cross-origin isolated, nothing is sniffed. */
export const isolationHeaders = Object.freeze({
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
});

/**
 * The encoding to answer with: brotli, then gzip, when `accept` (an Accept-Encoding header)
 * allows it (`q=0` refuses); `identity` otherwise.
 * @param {string | undefined} accept
 * @returns {'br' | 'gzip' | 'identity'}
 */
export function pickEncoding(accept) {
  const allowed = new Map();
  for (const part of (accept ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    if (name) allowed.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (name) => (allowed.get(name) ?? allowed.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : 'identity';
}

/** Whether If-None-Match (a list of entity tags, weak or not, or `*`) matches `etag`. */
function noneMatch(header, etag) {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * Serves `root` on 127.0.0.1 (port 0 = any free one). Resolves to `{ url, close }`.
 * @param {string} root
 * @param {{ port?: number }} [options]
 */
export function startStaticServer(root, { port = 0 } = {}) {
  const base = realpathSync(resolve(root));
  // path -> { mtimeMs, size, body, etag, encoded: { br?, gzip? } }; the site is a few MB.
  const cache = new Map();

  /** The file under `base` for a URL path, or undefined (missing, outside, not a file). */
  const locate = (urlPath) => {
    if (urlPath.includes('\0')) return undefined;
    let file = resolve(base, `.${urlPath}`);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      // realpath: a symlink inside the site must not lead out of it
      file = realpathSync(file);
      if (file !== base && !file.startsWith(base + sep)) return undefined;
      const st = statSync(file);
      return st.isFile() ? { file, st } : undefined;
    } catch {
      return undefined;
    }
  };

  const entryFor = (file, st) => {
    let e = cache.get(file);
    if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
      const body = readFileSync(file);
      const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
      e = { mtimeMs: st.mtimeMs, size: st.size, body, etag: `"${hash}"`, encoded: {} };
      cache.set(file, e);
    }
    return e;
  };

  const encode = (e, encoding) => {
    e.encoded[encoding] ??=
      encoding === 'br'
        ? // quality 5: most of brotli's gain at a fraction of the time of 11 on a 1.5 MB bundle
          brotliCompressSync(e.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
        : gzipSync(e.body, { level: 6 });
    return e.encoded[encoding];
  };

  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...isolationHeaders }).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, isolationHeaders).end();
      return;
    }
    const found = locate(path);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain', ...isolationHeaders }).end('not found');
      return;
    }
    const { file, st } = found;
    const ext = extname(file);
    const e = entryFor(file, st);
    const compressible = COMPRESSIBLE.has(ext);
    const encoding = compressible ? pickEncoding(req.headers['accept-encoding']) : 'identity';
    // Each encoding is its own representation, so its own entity tag.
    const etag = encoding === 'identity' ? e.etag : `${e.etag.slice(0, -1)}-${encoding}"`;
    const headers = {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': HASHED.test(
        file
          .slice(base.length + 1)
          .split(sep)
          .join('/'),
      )
        ? 'public, max-age=31536000, immutable'
        : 'no-cache', // may be stored, but revalidated (a 304 when unchanged) before each use
      etag,
      'last-modified': new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString(),
      ...(compressible ? { vary: 'Accept-Encoding' } : {}),
      ...isolationHeaders,
    };
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const notModified =
      inm !== undefined
        ? noneMatch(inm, etag)
        : ims !== undefined && Math.floor(st.mtimeMs / 1000) * 1000 <= Date.parse(ims);
    if (notModified) {
      res.writeHead(304, headers).end();
      return;
    }
    const body = encoding === 'identity' ? e.body : encode(e, encoding);
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      ok({
        url: `http://127.0.0.1:${p}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
