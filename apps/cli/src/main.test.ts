import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot, runCli } from './test-cli.js';

const cwd = repoRoot;

beforeAll(() => buildCli());

describe('interp (the built command)', () => {
  it('--help lists the commands and exits 0', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = runCli([flag], { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: interp <command> \[options\]/);
      for (const name of ['classification', 'segmentation', 'demo'])
        expect(r.stdout).toContain(`  ${name}`);
    }
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(`${repoRoot}/apps/cli/package.json`, 'utf8'));
    const r = runCli(['--version'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('runs the bundle the build made: of dist/ only bin.js, bundle.mjs and chunks/ load', () => {
    // A module hook (its own thread) that names every dist/ module loaded, on stderr.
    const hooks = `data:text/javascript,${encodeURIComponent(
      "import { writeSync } from 'node:fs';" +
        'export async function load(url, context, next) {' +
        "  const at = url.indexOf('/apps/cli/dist/');" +
        "  if (at >= 0) writeSync(2, 'LOADED ' + url.slice(at + 15) + '\\n');" +
        '  return next(url, context);' +
        '}',
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(
      `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`,
    )}`;
    const r = runCli(['classification', '--help'], { cwd, nodeArgs: ['--import', register] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: interp classification/);
    const loaded = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('LOADED '))
      .map((l) => l.slice('LOADED '.length));
    expect(loaded.slice(0, 2)).toEqual(['bin.js', 'bundle.mjs']);
    expect(loaded.length).toBeGreaterThan(2);
    for (const file of loaded.slice(2)) expect(file).toMatch(/^chunks\/[\w-]+\.mjs$/);
  });

  it('a command --help prints its usage', () => {
    const r = runCli(['classification', '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: interp classification --preds P --targs T/);
  });

  it('an unknown or missing command exits 2 with one line', () => {
    const unknown = runCli(['frobnicate'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('interp: unknown command "frobnicate"; run interp --help\n');
    const missing = runCli([], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('interp: missing command; run interp --help\n');
    expect(runCli(['toString'], { cwd }).code).toBe(2);
  });
});
