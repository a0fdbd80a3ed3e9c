import { readFileSync } from 'node:fs';
import { isInterpError } from '@interp/core/base';
import type { CliIO, CommandModule } from './cli-io.js';
import { processIO } from './cli-io.js';
import { fileErrorLine, oneLine } from './error-line.js';
import { printable } from './format/printable.js';
import { UsageError } from './usage-error.js';

interface CommandEntry {
  summary: string;
  /** Imported only when the command runs, so each command loads only what it needs (no tfjs for reports). */
  load: () => Promise<CommandModule>;
}

const COMMANDS: Record<string, CommandEntry> = {
  classification: {
    summary:
      'classification report, confusion matrix, most confused and top losses from prediction files',
    load: () => import('./commands/classification.js'),
  },
  segmentation: {
    summary: 'pixel metrics (IoU, Dice, per-class accuracy) from mask files',
    load: () => import('./commands/segmentation.js'),
  },
  importance: {
    summary: 'permutation feature importance of a saved tfjs model on a table (.npy or .csv)',
    load: () => import('./commands/importance.js'),
  },
  attribute: {
    summary: 'saliency, gradient x input, IG, GradCAM, SmoothGrad, occlusion of a saved tfjs model',
    load: () => import('./commands/attribute.js'),
  },
  summary: {
    summary: "a saved tfjs model's layers, output shapes and parameter counts (fastai's summary)",
    load: () => import('./commands/summary.js'),
  },
  report: {
    summary:
      "an HTML report (metrics, top losses, attributions) of a model on the user's images or table",
    load: () => import('./commands/report.js'),
  },
  explore: {
    summary: 'serve an interactive page (confusion matrix, top losses, attributions) on 127.0.0.1',
    load: () => import('./commands/explore.js'),
  },
  demo: {
    summary: 'train a small CNN on MNIST (WASM) and write an HTML interpretation report',
    load: () => import('./commands/demo.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: interp <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show this help (interp <command> --help for a command)',
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

function version(): string {
  // package.json sits one level above both src/ and dist/.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs `interp <command> ...args` and resolves to the exit code: 0 on success, 2 for bad usage or
 * bad input (one line on stderr, `interp <command>: <message>`), 1 for an unexpected failure.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write('interp: missing command; run interp --help\n');
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    io.stderr.write(
      `interp: unknown command ${printable(JSON.stringify(name))}; run interp --help\n`,
    );
    return 2;
  }
  try {
    let command: CommandModule;
    try {
      command = await entry.load();
    } catch (e) {
      if (
        (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' &&
        /commands[\\/]/.test(String(e))
      ) {
        io.stderr.write(`interp ${name}: not available in this build\n`);
        return 2;
      }
      throw e;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (isInterpError(e) || e instanceof UsageError) {
      io.stderr.write(`interp ${name}: ${oneLine(e.message)}\n`);
      return 2;
    }
    const file = fileErrorLine(e);
    if (file !== undefined) {
      io.stderr.write(`interp ${name}: ${file}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`interp ${name}: internal error: ${oneLine(message)}\n`);
    if (process.env.INTERP_DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
