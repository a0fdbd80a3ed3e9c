import type { CliIO } from '../cli-io.js';

/** Placeholder until the demo command lands (its author replaces this file). */
export async function run(_argv: string[], io: CliIO): Promise<number> {
  io.stderr.write('interp demo: not available yet\n');
  return 2;
}
