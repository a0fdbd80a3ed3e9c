import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { applyPreset, readLabels, targetText } from './attribute-labels.js';

describe('--labels and --preset helpers', () => {
  it('reads labels from a JSON array or text lines and names targets', () => {
    const dir = tempDir('interp-labels-');
    writeFileSync(join(dir, 'a.json'), '["drawing", "hentai", "neutral"]');
    writeFileSync(join(dir, 'a.txt'), 'drawing\nhentai\nneutral\n');
    expect(readLabels('a.json', dir)).toEqual(['drawing', 'hentai', 'neutral']);
    expect(readLabels('a.txt', dir)).toEqual(['drawing', 'hentai', 'neutral']);
    expect(readLabels(undefined, dir)).toBeUndefined();
    expect(targetText(2, ['a', 'b', 'c'])).toBe('2 (c)');
    expect(targetText(2, undefined)).toBe('2');
  });

  it('refuses a target past the labels, naming the file', () => {
    let error: unknown;
    try {
      targetText(5, ['a', 'b'], 'classes.txt');
    } catch (e) {
      error = e;
    }
    expect(isInterpError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /classes\.txt names 2 classes but the target is class 5/,
    );
  });

  it('scales 0..255 pixels by the preset, by hand, and refuses non-image shapes', () => {
    const out = applyPreset(
      { data: new Float32Array([0, 255, 51]), shape: [1, 1, 1, 3] },
      '[-1,1]',
    );
    expect([...out.data]).toEqual([-1, 1, expect.closeTo(-0.6, 6)]);
    const same = { data: new Float32Array([7]), shape: [1] };
    expect(applyPreset(same, undefined)).toBe(same);
    expect(() => applyPreset({ data: new Float32Array(10), shape: [2, 5] }, 'imagenet')).toThrow(
      /channels last.*\[2, 5\]/,
    );
  });
});
