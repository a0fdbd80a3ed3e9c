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

/**
 * The --method lines of --help: every method of the table by family, with the flags it reads.
 *
 * @example
 * methodHelp(methods); // "                   saliency  |gradient| of the target score ..."
 */
export function methodHelp(methods: Methods): string {
  const flagsOf = (m: MethodInfo) =>
    FLAG_NAMES.filter((f) => f !== 'target' && m.options.includes(METHOD_FLAGS[f]))
      .map((f) => `--${f}`)
      .join(' ');
  const lines: string[] = [];
  for (const kind of ['primary', 'layer', 'neuron'] as const) {
    lines.push(`                   ${FAMILY_TITLE[kind]}`);
    for (const m of methods.METHOD_CATALOG.filter((e) => e.kind === kind)) {
      const flags = flagsOf(m);
      lines.push(`                     ${m.name.padEnd(24)}${m.summary}`);
      if (flags !== '') lines.push(`                     ${''.padEnd(24)}(${flags})`);
    }
  }
  return lines.join('\n');
}
