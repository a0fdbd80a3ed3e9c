import './vitest.polyfills.ts';
import { defineConfig } from 'vitest/config';

// One vitest project per package; each package's vitest.config.ts is the source of truth.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/cli', 'apps/docs', 'apps/explore'],
  },
});
