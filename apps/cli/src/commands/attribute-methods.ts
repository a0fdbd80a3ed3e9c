// `interp attribute`'s side of the one method table (@interp/attribution/methods): the flag each
// option of the table goes by, the check that refuses a flag the method would not read (instead
// of dropping it silently), and the --help lines, all derived from the table.
import type { MethodInfo, MethodOption } from '@interp/attribution/methods';
import { UsageError } from '../usage-error.js';

export type Methods = typeof import('@interp/attribution/methods');

/** The flags that set a method option, in --help's order, with the option each one sets. */
export const METHOD_FLAGS = {
  target: 'target',
  'ig-method': 'approximation',
  window: 'slidingWindowShapes',
  strides: 'strides',
  baseline: 'baselines',
  'n-steps': 'nSteps',
  'n-samples': 'nSamples',
  seed: 'seed',
  'feature-mask': 'featureMask',
  layer: 'layer',
  neuron: 'neuron',
} as const satisfies Record<string, MethodOption>;
export type MethodFlag = keyof typeof METHOD_FLAGS;

const FLAG_NAMES = Object.keys(METHOD_FLAGS) as MethodFlag[];

/** The entry of --method's value; an unknown name is a UsageError listing the known ones. */
export function methodEntry(methods: Methods, name: string): MethodInfo {
  if (!methods.isMethodName(name)) {
    throw new UsageError(
      `invalid --method: ${JSON.stringify(name)}; expected one of ${methods.METHOD_NAMES.map((m) => `'${m}'`).join(', ')}`,
    );
  }
  return methods.methodInfo(name);
}

/**
 * Refuses a flag that the method would ignore, --out on a method whose map is shaped like a
 * layer, and a layer or neuron method without its --layer / --neuron (UsageError: exit 2, one
 * line).
 *
 * @example
 * checkMethodOptions(methods, methods.methodInfo('saliency'), { layer: 'conv1' });
 * // throws: --layer applies to --method guided-gradcam|gradcam|layer-ig|... only
 */
export function checkMethodOptions(
  methods: Methods,
  info: MethodInfo,
  given: Record<string, unknown>,
): void {
  for (const flag of FLAG_NAMES) {
    const option = METHOD_FLAGS[flag];
    if (given[flag] !== undefined && !info.options.includes(option)) {
      const takers = methods.METHOD_CATALOG.filter((m) => m.options.includes(option));
      throw new UsageError(
        `--${flag} applies to --method ${takers.map((m) => m.name).join('|')} only`,
      );
    }
  }
  if (given.out !== undefined && info.output === 'layer') {
    throw new UsageError(
      `--out draws maps over the input, but --method ${info.name} attributes to --layer's output; use --json`,
    );
  }
  if (info.layer === 'required' && given.layer === undefined) {
    throw new UsageError(`--method ${info.name} needs --layer NAME (a layer or node name)`);
  }
  if (info.neuron && given.neuron === undefined) {
    throw new UsageError(
      `--method ${info.name} needs --neuron i,j,... (an index into one item of the layer output)`,
    );
  }
}

const FAMILY_TITLE = {
  primary: "Captum's primary methods: attributions shaped like the input",
  layer: "layer methods: attributions to --layer's output, shaped like it",
  neuron: "neuron methods: attributions of --layer's unit --neuron to the input",
} as const;

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

const NAME_INDENT = ' '.repeat(21);
const TEXT_INDENT = ' '.repeat(45);

/**
 * The --method lines of --help: every method of the table by family, with the flags it reads
 * (besides --target), wrapped to 100 columns.
 *
 * @example
 * methodHelp(methods); // "                     saliency                |gradient| of the target score ..."
 */
export function methodHelp(methods: Methods): string {
  const lines: string[] = [];
  for (const kind of ['primary', 'layer', 'neuron'] as const) {
    lines.push(`${' '.repeat(19)}${FAMILY_TITLE[kind]}`);
    for (const m of methods.METHOD_CATALOG.filter((e) => e.kind === kind)) {
      const flags = FLAG_NAMES.filter((f) => f !== 'target' && m.options.includes(METHOD_FLAGS[f]));
      const text =
        flags.length === 0 ? m.summary : `${m.summary} (${flags.map((f) => `--${f}`).join(' ')})`;
      wrap(text, 100 - TEXT_INDENT.length).forEach((line, i) => {
        lines.push(i === 0 ? `${NAME_INDENT}${m.name.padEnd(24)}${line}` : `${TEXT_INDENT}${line}`);
      });
    }
  }
  return lines.join('\n');
}
