#!/usr/bin/env node
import { main } from './main.js';

// A closed pipe (`interp ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
// WASM's pthread workers (--threads > 1) keep the event loop alive: exit once stdout and
// stderr have flushed.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
