import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDefaultsProblems } from '@interp/core/testing-defaults';
import { expect, it } from 'vitest';
import * as index from './index.js';
import * as interpretation from './interpretation.js';
import * as metrics from './metrics.js';

it('every exported ...Defaults object of @interp/classification is deeply frozen and each value is read', () => {
  const { names, problems } = packageDefaultsProblems(
    dirname(fileURLToPath(import.meta.url)),
    index,
    interpretation,
    metrics,
  );
  expect(names.length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});
