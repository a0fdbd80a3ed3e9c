import { describe, expect, it } from 'vitest';
import { figureLabel, MAX_FIGURE_LABEL } from './figure-label.js';

describe('figureLabel(name)', () => {
  it('keeps a short name', () => {
    expect(figureLabel('cat')).toBe('cat');
    expect(figureLabel('x'.repeat(MAX_FIGURE_LABEL))).toBe('x'.repeat(MAX_FIGURE_LABEL));
  });

  it('cuts a long name to MAX_FIGURE_LABEL characters ending in an ellipsis', () => {
    const label = figureLabel('y'.repeat(200_000));
    expect(label).toHaveLength(MAX_FIGURE_LABEL);
    expect(label).toBe(`${'y'.repeat(MAX_FIGURE_LABEL - 1)}\u2026`);
  });

  it('never splits a surrogate pair at the cut', () => {
    const label = figureLabel(`${'a'.repeat(MAX_FIGURE_LABEL - 2)}😀😀😀`);
    expect(label).toBe(`${'a'.repeat(MAX_FIGURE_LABEL - 2)}\u2026`);
  });

  it('replaces characters XML forbids with U+FFFD', () => {
    expect(figureLabel('a\u0001b\u000bc\ud800\uffff')).toBe('a\ufffdb\ufffdc\ufffd\ufffd');
    expect(figureLabel('tab\tok')).toBe('tab\tok');
  });
});
