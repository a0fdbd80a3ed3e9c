// Serves the built site: node scripts/serve.mjs [--port 4173]
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
const { url } = await startStaticServer(dist, { port });
console.log(`docs site at ${url} (Ctrl+C to stop)`);
