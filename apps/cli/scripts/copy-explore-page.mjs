// Copies the built explore page (apps/explore/dist) into dist/explore-page, where `interp explore`
// looks for it in an installed CLI. Without a built page the CLI still builds: only explore says
// it is missing.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const page = resolve(cliDir, '../explore/dist');
const target = join(cliDir, 'dist', 'explore-page');
rmSync(target, { recursive: true, force: true });
if (existsSync(join(page, 'index.html'))) {
  cpSync(page, target, { recursive: true });
} else {
  console.log('interp: explore page not built (apps/explore/dist); interp explore will say so');
}
