import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDefaultsProblems } from '@interp/core/testing-defaults';
import { expect, it } from 'vitest';
import * as index from './index.js';
import * as methods from './methods/index.js';

const checked = packageDefaultsProblems(dirname(fileURLToPath(import.meta.url)), index, methods);

it('@interp/attribution exports ...Defaults objects', () => {
  expect(checked.length).toBeGreaterThan(0);
});

it.each(checked)('%s is deeply frozen and each of its values is read', (_name, problems) => {
  expect(problems).toEqual([]);
});
