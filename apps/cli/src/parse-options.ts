import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed values: a string per string option, a boolean per boolean option, when given. */
export type OptionValues<T extends Options> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : string;
};

/**
 * `node:util` parseArgs in strict mode, with its errors turned into one-line usage errors that
 * point to `--help`.
 */
export function parseOptions<T extends Options>(
  argv: string[],
  options: T,
  command: string,
): { values: OptionValues<T> } {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return { values: values as OptionValues<T> };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw e;
    const help = `see interp ${command} --help`;
    const message = (e as Error).message;
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${option ?? message}; ${help}`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(message)?.[1];
      throw new UsageError(`unexpected argument ${JSON.stringify(arg ?? '')}; ${help}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = option?.split(' ')[0] ?? 'an option';
      if (/argument missing|ambiguous/.test(message)) {
        throw new UsageError(
          `option ${name} needs a value (write ${name}=VALUE if it starts with a dash); ${help}`,
        );
      }
      if (/does not take an argument/.test(message)) {
        throw new UsageError(`option ${name} takes no value; ${help}`);
      }
    }
    throw new UsageError(`${firstLine(message)}; ${help}`);
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
