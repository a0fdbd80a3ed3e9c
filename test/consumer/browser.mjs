// esbuild and Vite builds of page/ in the consumer project, each served and loaded in Chromium
// (same flags as apps/docs/test); the page runs Integrated Gradients on the WASM backend.
import { cpSync, createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

function serve(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function copyWasm(app, out) {
  const from = join(app, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(join(out, 'wasm'), { recursive: true });
  for (const f of readdirSync(from).filter((f) => f.endsWith('.wasm')))
    cpSync(join(from, f), join(out, 'wasm', f));
}

async function runInChromium(chromium, dir) {
  const server = await serve(dir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 });
    return await page.evaluate(() => window.__result);
  } finally {
    await browser.close();
    server.close();
  }
}

function check(name, result) {
  if (result.error) throw new Error(`${name} page failed: ${result.error}`);
  // Hand-worked: hidden = relu([5, 0]) so output 0 is x1*1 + x2*2 along the path; IG gives [1, 4].
  const [a, b] = result.attributions;
  if (result.backend !== 'wasm' || result.fellBack)
    throw new Error(`${name} page did not run on WASM: ${JSON.stringify(result)}`);
  if (Math.abs(a - 1) > 1e-3 || Math.abs(b - 4) > 1e-3)
    throw new Error(`${name} page: IG ${JSON.stringify(result.attributions)}, expected [1, 4]`);
  console.log(`${name}: Chromium printed ${JSON.stringify(result)}`);
}

export default async function browser({ app, root, fixtures, run }) {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium or set CHROMIUM_PATH`);
  // Bundler and browser driver come from the workspace (pinned there), the bundled code from the consumer's node_modules.
  const docsRequire = createRequire(join(root, 'apps/docs/package.json'));
  const { chromium } = docsRequire('playwright-core');
  const page = join(app, 'page');
  cpSync(join(fixtures, 'page'), page, { recursive: true });

  const esbuildOut = join(app, 'out-esbuild');
  mkdirSync(esbuildOut, { recursive: true });
  const e = run(
    join(root, 'node_modules/.bin/esbuild'),
    [
      'page/main.js',
      '--bundle',
      '--format=esm',
      '--platform=browser',
      '--target=es2022',
      `--outfile=${join(esbuildOut, 'main.js')}`,
      '--log-level=warning',
    ],
    { cwd: app },
  );
  cpSync(join(page, 'index.html'), join(esbuildOut, 'index.html'));
  copyWasm(app, esbuildOut);
  console.log(
    `esbuild: ${(statSync(join(esbuildOut, 'main.js')).size / 1024).toFixed(0)} kB bundle (${e.secs} s)`,
  );
  check('esbuild', await runInChromium(chromium, esbuildOut));

  const viteOut = join(app, 'out-vite');
  const v = run(
    join(root, 'apps/docs/node_modules/.bin/vite'),
    ['build', page, '--outDir', viteOut, '--emptyOutDir', '--base', './', '--logLevel', 'warn'],
    { cwd: app },
  );
  copyWasm(app, viteOut);
  console.log(`vite: built (${v.secs} s)`);
  check('vite', await runInChromium(chromium, viteOut));
}
