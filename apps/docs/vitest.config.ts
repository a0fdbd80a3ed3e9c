import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

// The browser suite: builds the site if needed, serves it on 127.0.0.1 and drives Debian's
// Chromium through playwright-core. One browser for the whole file; the suite runs serially.
const shared = sharedTestConfig('docs');
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
