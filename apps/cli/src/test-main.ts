// Runs `interp` in-process from src (no build): for tests of option parsing and input checks.
// Excluded from the build (test-*.ts).
import { Writable } from 'node:stream';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';
import type { CliResult } from './test-cli.js';

function sink(): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** `interp ...args` in this process, with `cwd` as the working directory. */
export async function runMain(args: string[], cwd: string): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const io: CliIO = { stdout: out.stream, stderr: err.stream, cwd };
  const code = await main(args, io);
  return { args, code, stdout: out.text(), stderr: err.text() };
}
