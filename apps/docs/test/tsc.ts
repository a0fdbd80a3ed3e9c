// Strict tsc over a tsconfig, for the tests that typecheck what users copy (guide snippets,
// example sources).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const tscBin = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'node_modules',
  'typescript',
  'bin',
  'tsc',
);

/** tsc's error lines for `project` (a tsconfig.json path); none when it typechecks. */
export async function tscErrors(project: string): Promise<string[]> {
  const stdout = await promisify(execFile)(
    process.execPath,
    [tscBin, '-p', project, '--noEmit', '--pretty', 'false'],
    { maxBuffer: 1 << 24 },
  ).then(
    () => '',
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  return stdout.split('\n').filter((l) => l.trim());
}
