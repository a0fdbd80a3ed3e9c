#!/usr/bin/env node
import { readFileSync, statSync } from 'node:fs';

/**
 * The bundled build (scripts/bundle-cli.mjs: main.js and the @interp packages in a few files; loading
 * ~280 modules one by one cost each process ~0.2 s more) when the build made one and no package it
 * holds was rebuilt since (a package rebuilt alone, or tsc alone): one module of each, by its path
 * from dist/, is in bundle-inputs.json; those absent (an installed CLI's packages sit elsewhere)
 * cannot have been.
 */
function bundled(): URL | undefined {
  const bundle = new URL('./bundle.mjs', import.meta.url);
  try {
    const made = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(
      readFileSync(new URL('./bundle-inputs.json', import.meta.url), 'utf8'),
    ) as string[];
    for (const input of inputs) {
      const changed = statSync(new URL(input, bundle), { throwIfNoEntry: false })?.mtimeMs;
      if (changed !== undefined && changed > made) return undefined;
    }
    return bundle;
  } catch {
    return undefined;
  }
}

const bundle = bundled();
const { main } = (await (bundle === undefined
  ? import('./main.js')
  : import(bundle.href))) as typeof import('./main.js');

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
