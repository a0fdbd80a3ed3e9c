// Runs a bench script from the packages' sources without a build: the first call bundles the
// script with esbuild (source export condition, tfjs and onnxruntime external) into
// bench/node_modules/.cache, runs the bundle from bench/ (so external imports resolve as bench's
// do) and exits with its status; inside the bundle it returns bench/.
import { execFileSync, spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ when running bundled; otherwise bundles `scriptUrl`, runs it and exits. */
export function bundled(scriptUrl) {
  if (process.env.BENCH_BUNDLED) return process.env.BENCH_BUNDLED;
  const script = fileURLToPath(scriptUrl);
  const here = dirname(script);
  const out = join(here, 'node_modules', '.cache', basename(script));
  execFileSync(
    join(here, '..', 'node_modules', '.bin', 'esbuild'),
    [
      script,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--conditions=source',
      '--external:@tensorflow/*',
      '--external:onnxruntime-*',
      `--outfile=${out}`,
      '--log-level=warning',
    ],
    { stdio: 'inherit' },
  );
  const r = spawnSync(process.execPath, ['--expose-gc', out], {
    stdio: 'inherit',
    cwd: here,
    env: { ...process.env, BENCH_BUNDLED: here },
  });
  process.exit(r.status ?? 1);
}
