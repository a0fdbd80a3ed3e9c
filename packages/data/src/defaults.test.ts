import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDefaultsProblems } from '@interp/core/testing-defaults';
import { expect, it } from 'vitest';
import * as index from './index.js';
import * as node from './node.js';

it('every exported ...Defaults object of @interp/data is deeply frozen and each value is read', () => {
  const { names, problems } = packageDefaultsProblems(
    dirname(fileURLToPath(import.meta.url)),
    index,
    node,
  );
  expect(names.length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});
