/** Where a command writes and which directory relative paths start from (injectable for tests). */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Directory that relative file paths are resolved against. */
  cwd: string;
}

/** The process's own streams and working directory. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/** What every `src/commands/<name>.ts` exports. */
export interface CommandModule {
  /** Runs the command on its arguments (after the command name); resolves to the exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}
