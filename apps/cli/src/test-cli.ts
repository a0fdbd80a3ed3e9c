// Helpers for tests that run the built `interp` command (excluded from the build: test-*.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

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
  /** The arguments the command ran with (the subcommand first). */
  args: string[];
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
  return { args, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Expects the CLI's answer to bad input: exit code 2, nothing on stdout, and exactly one stderr
 * line `interp <subcommand>: <message>` matching `message`, with no stack trace.
 */
export function expectBadInput(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]!.startsWith(`interp ${r.args[0]}: `), lines[0]).toBe(true);
  expect(lines[0]).not.toMatch(/\s+at\s+\S+\s+\(|node:internal/);
  expect(lines[0]).toMatch(message);
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'interp-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
