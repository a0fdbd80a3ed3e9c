import './vitest.polyfills.ts';
import type { ViteUserConfig } from 'vitest/config';

/**
 * Shared vitest settings for every package: resolve workspace packages from their `src`
 * (the `source` export condition) so tests run without a build, and pin the time zone.
 */
export function sharedTestConfig(name: string): ViteUserConfig {
  process.env.TZ = 'UTC';
  return {
    resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['source', 'node', 'import', 'default'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  };
}
