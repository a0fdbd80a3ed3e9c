// Helpers for tests that run the built `interp` command (excluded from the build: test-*.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const binPath = resolve(repoRoot, 'apps/cli/dist/bin.js');

const LOCK = join(tmpdir(), 'interp-cli-build.lock');

/**
 * Builds @interp/cli and its dependencies with turbo. Test files run in parallel processes, so a
 * lock directory makes them build one at a time (the second is a turbo cache hit).
 */
export function buildCli(): void {
  const deadline = Date.now() + 110_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock older than 5 minutes was left by a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 300_000)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    execFileSync(
      'npx',
      ['turbo', 'run', 'build', '--filter=@interp/cli...', '--output-logs=errors-only'],
      {
        cwd: repoRoot,
        stdio: 'pipe',
      },
    );
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node apps/cli/dist/bin.js ...args` in `cwd`. */
export function runCli(
  args: string[],
  { cwd, nodeArgs = [] }: { cwd: string; nodeArgs?: string[] },
): CliResult {
  const r = spawnSync(process.execPath, [...nodeArgs, binPath, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'interp-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
