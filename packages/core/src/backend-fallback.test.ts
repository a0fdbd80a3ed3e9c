import { describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';

describe('setupBackend() fallback', () => {
  it('falls back to cpu with a one-line warning when WASM cannot start', async () => {
    const warnings: string[] = [];
    const info = await setupBackend('wasm', {
      wasmPaths: '/nonexistent/wasm/dir/',
      warn: (m) => warnings.push(m),
    });
    expect(info).toEqual({
      backend: 'cpu',
      simd: false,
      threads: false,
      threadCount: 1,
      fellBack: true,
    });
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/^interp: WASM backend unavailable \(.*\); using cpu$/);
    expect(warnings[0]).not.toContain('\n');
  });
});
