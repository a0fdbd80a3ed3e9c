import { describe, expect, it } from 'vitest';
import { textTable } from './text-table.js';

describe('textTable(rows, align)', () => {
  it('pads columns to their widest cell, two spaces apart, trailing spaces trimmed', () => {
    expect(
      textTable(
        [
          ['', 'cat', 'hippo'],
          ['cat', '1', '10'],
          ['hippo', '100', '0'],
        ],
        ['left'],
      ),
    ).toBe(['       cat  hippo', 'cat      1     10', 'hippo  100      0'].join('\n'));
  });
});
