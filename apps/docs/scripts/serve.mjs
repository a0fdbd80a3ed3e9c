// Serves the built site: node scripts/serve.mjs [--port 4173] (127.0.0.1 only; the headers a
// production host should send, see static-server.mjs)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'site');
if (!existsSync(join(dist, 'index.html'))) {
  console.error('no built site: run `pnpm --filter @interp/docs build` first');
  process.exit(1);
}
const i = process.argv.indexOf('--port');
const port = i > 0 ? Number(process.argv[i + 1]) : 4173;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got ${process.argv[i + 1]}`);
  process.exit(2);
}
const { url } = await startStaticServer(dist, { port });
console.log(
  `docs site at ${url} (compressed, with validators, cross-origin isolated for threaded WASM; Ctrl+C to stop)`,
);
