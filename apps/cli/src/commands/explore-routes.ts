import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InterpError } from '@interp/core/base';

/** Content types of the files `interp explore` serves; any other extension is not served. */
export const exploreContentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Bounds of the page folder read into the route table (a built page has a few dozen files). */
export const exploreRouteLimits = { maxPageFiles: 500, maxPageBytes: 200 * 1024 * 1024 } as const;

/** One servable response body and its content type. */
export interface Route {
  type: string;
  body: Uint8Array;
}

/** What a request gets: status, headers and body (empty for HEAD and errors). */
export interface RouteResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * The only paths `interp explore` answers: an exact-match table built before the server starts,
 * so no request path ever reaches the file system (no traversal, no directory listing).
 *
 * @example
 * ```ts
 * const routes = new RouteTable();
 * routes.add('/data.json', new TextEncoder().encode('{}'));
 * routes.respond('GET', '/data.json').status; // 200
 * routes.respond('GET', '/../etc/passwd').status; // 404
 * ```
 */
export class RouteTable {
  private readonly routes = new Map<string, Route>();

  /** Adds `path` (absolute, `/`-separated); its type comes from its extension unless given. */
  add(path: string, body: Uint8Array | string, type?: string): void {
    if (!path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.')) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `route ${path} must be an absolute path without . or ..`,
      );
    }
    const t = type ?? exploreContentTypes[extname(path).toLowerCase()];
    if (t === undefined) {
      throw new InterpError('NOT_SUPPORTED', `route ${path}: no content type for its extension`);
    }
    this.routes.set(path, { type: t, body: typeof body === 'string' ? Buffer.from(body) : body });
  }

  /** Adds every file of the built page folder under `/` (its index.html also as `/`). */
  addFolder(dir: string): void {
    let files = 0;
    let bytes = 0;
    const walk = (sub: string): void => {
      for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
        const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
        if (entry.isDirectory()) walk(rel);
        else if (entry.isFile() && exploreContentTypes[extname(entry.name).toLowerCase()]) {
          bytes += statSync(join(dir, rel)).size;
          if (
            ++files > exploreRouteLimits.maxPageFiles ||
            bytes > exploreRouteLimits.maxPageBytes
          ) {
            throw new InterpError(
              'INVALID_ARGUMENT',
              `${dir} is not a built explore page (too many or too large files)`,
            );
          }
          this.add(`/${rel}`, readFileSync(join(dir, rel)));
        }
      }
    };
    walk('');
    const index = this.routes.get('/index.html');
    if (index) this.routes.set('/', index);
  }

  /** Whether `path` is served. */
  has(path: string): boolean {
    return this.routes.has(path);
  }

  /** The answer to `method url`: 405 unless GET/HEAD, 404 unless the decoded path is listed. */
  respond(method: string | undefined, url: string | undefined): RouteResponse {
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' blob: data:; worker-src 'self' blob:",
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    const empty = new Uint8Array(0);
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, headers: { ...headers, Allow: 'GET, HEAD' }, body: empty };
    }
    const route = this.routes.get(routePath(url ?? ''));
    if (!route)
      return {
        status: 404,
        headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
        body: method === 'HEAD' ? empty : Buffer.from('not found\n'),
      };
    return {
      status: 200,
      headers: {
        ...headers,
        'Content-Type': route.type,
        'Content-Length': String(route.body.length),
      },
      body: method === 'HEAD' ? empty : route.body,
    };
  }
}

/** The request's path, percent-decoded once; '' (never listed) for anything odd. */
function routePath(url: string): string {
  const path = url.split(/[?#]/, 1)[0]!;
  // Encoded slashes, backslashes and NULs never name a listed file: refuse them before decoding.
  if (/%2f|%5c|%00|\\/i.test(path) || !path.startsWith('/')) return '';
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}
