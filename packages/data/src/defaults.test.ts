import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDefaultsProblems } from '@interp/core/testing-defaults';
import { expect, it } from 'vitest';
import * as index from './index.js';
import * as node from './node.js';

const checked = packageDefaultsProblems(dirname(fileURLToPath(import.meta.url)), index, node);

it('@interp/data exports ...Defaults objects', () => {
  expect(checked.length).toBeGreaterThan(0);
});

it.each(checked)('%s is deeply frozen and each of its values is read', (_name, problems) => {
  expect(problems).toEqual([]);
});
