import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

// The browser suite: builds the page if needed, serves it through `interp explore` on 127.0.0.1
// and drives Debian's Chromium through playwright-core. One browser; the suite runs serially.
const shared = sharedTestConfig('explore');
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
