import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** A flag: `--json`. Its value is `true` when given, else `false`. */
export interface FlagSpec {
  type: 'boolean';
  short?: string;
}

/** A string, optionally one of fixed `choices`. */
export interface StringSpec {
  type: 'string';
  choices?: readonly string[];
  default?: string;
}

/**
 * A decimal integer in `min..max` (`0x8`, `4e0`, `1.0`, `+3` and ` 3` are refused). Every count
 * has a `max`, so a typo such as `--n-steps 1000000000` fails at once instead of running for days.
 */
export interface IntegerSpec {
  type: 'integer';
  min: number;
  max: number;
  default?: number;
}

/** A decimal number in `min..max` (no hex, no `Infinity`, no `NaN`). */
export interface NumberSpec {
  type: 'number';
  min: number;
  max: number;
  default?: number;
}

/** Comma-separated decimal integers, each in `min..max`, at most `maxLength` of them. */
export interface IntegerListSpec {
  type: 'integer-list';
  min: number;
  max: number;
  maxLength: number;
}

export type OptionSpec = FlagSpec | StringSpec | IntegerSpec | NumberSpec | IntegerListSpec;

/** A command's options, declared once: parsing, checking and help text all read it. */
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S> = S extends FlagSpec
  ? boolean
  : S extends { type: 'string'; choices: readonly (infer C)[] }
    ? C
    : S extends StringSpec
      ? string
      : S extends IntegerSpec | NumberSpec
        ? number
        : S extends IntegerListSpec
          ? number[]
          : never;

/** The parsed values: typed by the spec; `undefined` when not given and without a default. */
export type OptionValues<T extends OptionSpecs> = {
  [K in keyof T]: T[K] extends FlagSpec
    ? boolean
    : T[K] extends { default: unknown }
      ? ValueOf<T[K]>
      : ValueOf<T[K]> | undefined;
};

const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `10000` as `10,000`: bounds are read by people. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The range and default of an option as help text shows them, e.g. `1 to 10,000, default 50`.
 *
 * @example
 * ```ts
 * optionRange({ type: 'integer', min: 1, max: 10_000, default: 50 }); // '1 to 10,000, default 50'
 * ```
 */
export function optionRange(spec: OptionSpec): string {
  if (spec.type === 'boolean') return '';
  if (spec.type === 'string') {
    const choices = spec.choices?.join(', ') ?? '';
    const dflt = spec.default === undefined ? '' : `default ${spec.default}`;
    return [choices, dflt].filter((s) => s !== '').join('; ');
  }
  const range = `${formatCount(spec.min)} to ${formatCount(spec.max)}`;
  if (spec.type === 'integer-list') return `${range} each, at most ${spec.maxLength} values`;
  return spec.default === undefined ? range : `${range}, default ${spec.default}`;
}

/**
 * Parses a command's arguments against its declared options (strict: unknown options, positional
 * arguments and repeated options are refused) and checks each value: integers are decimal and in
 * range, choices are one of the choices. Every failure is a one-line {@link UsageError} that names
 * the option and points to `interp <command> --help`.
 *
 * @example
 * ```ts
 * const { values } = parseOptions(['--k', '5'], { k: { type: 'integer', min: 1, max: 100, default: 10 } }, 'classification');
 * values.k; // 5
 * ```
 */
export function parseOptions<T extends OptionSpecs>(
  argv: string[],
  specs: T,
  command: string,
): { values: OptionValues<T> } {
  const help = `see interp ${command} --help`;
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    config[name] =
      spec.type === 'boolean'
        ? { type: 'boolean', ...(spec.short === undefined ? {} : { short: spec.short }) }
        : { type: 'string' };
  }
  let parsed: { values: Record<string, unknown>; tokens: { kind: string; name?: string }[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: config,
      strict: true,
      allowPositionals: false,
      tokens: true,
    }) as typeof parsed;
  } catch (e) {
    throw usageErrorOf(e, help);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (seen.has(token.name)) {
      throw new UsageError(`option --${token.name} is given twice; pass it once (${help})`);
    }
    seen.add(token.name);
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    values[name] = checkValue(`--${name}`, spec, parsed.values[name], help);
  }
  return { values: values as OptionValues<T> };
}

function checkValue(flag: string, spec: OptionSpec, raw: unknown, help: string): unknown {
  if (spec.type === 'boolean') return raw === true;
  if (raw === undefined) return spec.type === 'integer-list' ? undefined : spec.default;
  const text = raw as string;
  if (spec.type === 'string') {
    if (spec.choices !== undefined && !spec.choices.includes(text)) {
      throw new UsageError(
        `invalid ${flag}: ${JSON.stringify(text)}; expected one of ${spec.choices.map((c) => `'${c}'`).join(', ')}`,
      );
    }
    return text;
  }
  if (spec.type === 'integer-list') {
    const parts = text.split(',');
    if (parts.length > spec.maxLength) {
      throw new UsageError(
        `${flag} has ${formatCount(parts.length)} values; at most ${spec.maxLength} are allowed (${help})`,
      );
    }
    return parts.map((part) => checkNumber(flag, spec, part, help, ` in ${JSON.stringify(text)}`));
  }
  return checkNumber(flag, spec, text, help, '');
}

function checkNumber(
  flag: string,
  spec: IntegerSpec | NumberSpec | IntegerListSpec,
  text: string,
  help: string,
  context: string,
): number {
  const integer = spec.type !== 'number';
  const kind = integer ? 'a decimal integer' : 'a decimal number';
  if (!(integer ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(text)) {
    throw new UsageError(
      `${flag} must be ${kind} from ${formatCount(spec.min)} to ${formatCount(spec.max)}, got ${JSON.stringify(text)}${context}`,
    );
  }
  const v = Number(text);
  if (!(v >= spec.min && v <= spec.max)) {
    const side =
      v < spec.min
        ? `below the minimum ${formatCount(spec.min)}`
        : `above the maximum ${formatCount(spec.max)}`;
    throw new UsageError(`${flag} ${text}${context} is ${side}; ${help}`);
  }
  return v === 0 ? 0 : v; // -0 becomes 0
}

/** node:util parseArgs errors as one-line usage errors that point to `--help`. */
function usageErrorOf(e: unknown, help: string): unknown {
  const code = (e as { code?: string }).code ?? '';
  if (!code.startsWith('ERR_PARSE_ARGS')) return e;
  const message = (e as Error).message;
  const option = /'(-[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new UsageError(`unknown option ${option ?? message}; ${help}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(message)?.[1];
    return new UsageError(`unexpected argument ${JSON.stringify(arg ?? '')}; ${help}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = option?.split(' ')[0] ?? 'an option';
    if (/argument missing|ambiguous/.test(message)) {
      return new UsageError(
        `option ${name} needs a value (write ${name}=VALUE if it starts with a dash); ${help}`,
      );
    }
    if (/does not take an argument/.test(message)) {
      return new UsageError(`option ${name} takes no value; ${help}`);
    }
  }
  return new UsageError(`${message.split('\n')[0]!.trim()}; ${help}`);
}
