import { describe, expect, it } from 'vitest';
import { optionRange, parseOptions } from './parse-options.js';
import { UsageError } from './usage-error.js';

const specs = {
  preds: { type: 'string' },
  act: { type: 'string', choices: ['none', 'softmax'], default: 'none' },
  k: { type: 'integer', min: 1, max: 100, default: 10 },
  seed: { type: 'integer', min: -5, max: 5 },
  rate: { type: 'number', min: 0, max: 1 },
  size: { type: 'integer-list', min: 1, max: 64, maxLength: 4 },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = (...argv: string[]) => parseOptions(argv, specs, 'demo').values;
const fails = (argv: string[], message: RegExp) => {
  let error: unknown;
  try {
    parse(...argv);
  } catch (e) {
    error = e;
  }
  expect(error, argv.join(' ')).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain('\n');
  expect((error as Error).message).toMatch(message);
};

describe('parseOptions(argv, specs, command)', () => {
  it('gives typed values, defaults when absent and false for absent flags', () => {
    const v = parse('--preds', 'p.npy', '--k', '7', '--size', '1,28,28,1', '--rate=0.25', '-h');
    expect(v).toEqual({
      preds: 'p.npy',
      act: 'none',
      k: 7,
      seed: undefined,
      rate: 0.25,
      size: [1, 28, 28, 1],
      json: false,
      help: true,
    });
    expect(parse('--seed=-3', '--act', 'softmax')).toMatchObject({ seed: -3, act: 'softmax' });
    expect(parse('--k', '007').k).toBe(7);
  });

  it('refuses integers that are not plain decimal (hex, exponent, fraction, sign, spaces)', () => {
    for (const bad of ['0x8', '4e0', '1.0', '+3', ' 3', '3 ', '', 'Infinity', '1_000', '٣']) {
      fails(['--k', bad], /^--k must be a decimal integer from 1 to 100, got /);
    }
    fails(
      ['--size', '1,0x8,8,1'],
      /^--size must be a decimal integer from 1 to 64, got "0x8" in "1,0x8,8,1"/,
    );
    fails(['--size', '1,,2'], /--size must be a decimal integer/);
    for (const bad of ['0x1', 'NaN', '1e', '.', '-']) {
      fails(['--rate', bad], /^--rate must be a decimal number from 0 to 1/);
    }
  });

  it('refuses values outside the bounds, naming the option and the bound', () => {
    fails(['--k', '0'], /^--k 0 is below the minimum 1; see interp demo --help$/);
    fails(
      ['--k', '1000000000'],
      /^--k 1000000000 is above the maximum 100; see interp demo --help$/,
    );
    fails(['--k', '9'.repeat(400)], /is above the maximum 100/);
    fails(['--seed=-6'], /--seed -6 is below the minimum -5/);
    fails(['--rate', '1.5'], /--rate 1.5 is above the maximum 1/);
    fails(['--size', '1,50000000,8'], /--size 50000000 in "1,50000000,8" is above the maximum 64/);
    fails(['--size', '1,2,3,4,5'], /--size has 5 values; at most 4 are allowed/);
  });

  it('refuses repeated options, unknown options, stray arguments and bad choices', () => {
    fails(['--preds', 'a', '--preds', 'b'], /^option --preds is given twice; pass it once/);
    fails(['--preds=a', '--preds', 'a'], /option --preds is given twice/);
    fails(['--json', '--json'], /option --json is given twice/);
    fails(['-h', '--help'], /option --help is given twice/);
    fails(['--bogus'], /^unknown option --bogus; see interp demo --help$/);
    fails(['stray'], /^unexpected argument "stray"/);
    fails(['--preds'], /^option --preds needs a value/);
    fails(['--json=1'], /^option --json takes no value/);
    fails(['--act', 'relu'], /^invalid --act: "relu"; expected one of 'none', 'softmax'$/);
  });

  it('optionRange(spec) writes the bounds and the default as help shows them', () => {
    expect(optionRange({ type: 'integer', min: 1, max: 10_000, default: 50 })).toBe(
      '1 to 10,000, default 50',
    );
    expect(optionRange(specs.size)).toBe('1 to 64 each, at most 4 values');
    expect(optionRange(specs.act)).toBe('none, softmax; default none');
  });
});
