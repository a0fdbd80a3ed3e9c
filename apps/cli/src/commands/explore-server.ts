import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteTable } from './explore-routes.js';

/** Where explore listens: the loopback interface only, never every interface. */
export const exploreHost = '127.0.0.1';

/** A running explore server. */
export interface ExploreServer {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  port: number;
  /** Stops accepting connections, ends idle ones, resolves when closed. */
  close(): Promise<void>;
}

/**
 * Serves `routes` on 127.0.0.1:`port` (0 picks a free port); rejects if the port is taken.
 *
 * @example
 * ```ts
 * const server = await serveRoutes(routes, 0);
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function serveRoutes(routes: RouteTable, port: number): Promise<ExploreServer> {
  const server = createServer((req, res) => {
    const r = routes.respond(req.method, req.url);
    res.writeHead(r.status, r.headers);
    res.end(r.body);
  });
  // Requests carry no body worth waiting for: a slow client is cut off rather than held open.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, exploreHost, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${exploreHost}:${actual}/`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
