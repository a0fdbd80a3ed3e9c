import { describe, expect, it } from 'vitest';
import { colormap } from './colormap.js';
import { interpErrorOf } from './test-helpers.js';

describe('colormap(name)', () => {
  it("gives Plot's schemes by name, case-insensitive: Blues ends at #f7fbff and #08306b", () => {
    expect(colormap('Blues')(0)).toBe('rgb(247, 251, 255)');
    expect(colormap('blues')(1)).toBe('rgb(8, 48, 107)');
    // viridis ends: #440154 and #fde725
    expect(colormap('viridis')(0)).toBe('rgb(68, 1, 84)');
    expect(colormap('VIRIDIS')(1)).toBe('rgb(253, 231, 37)');
  });

  it("matches matplotlib's jet and gray at sample points (256-entry table, index floor(256 t))", () => {
    // cm.jet(0) = (0, 0, 0.5), cm.jet(0.5) = (0.490, 1, 0.478), cm.jet(1) = (0.5, 0, 0)
    expect(colormap('jet')(0)).toBe('rgb(0, 0, 128)');
    expect(colormap('jet')(0.5)).toBe('rgb(125, 255, 122)');
    expect(colormap('jet')(1)).toBe('rgb(128, 0, 0)');
    expect(colormap('gray')(0.5)).toBe('rgb(128, 128, 128)');
    expect(colormap('grey')(1)).toBe('rgb(255, 255, 255)');
  });

  it("reverses a map with matplotlib's _r suffix and clamps t outside [0, 1]", () => {
    expect(colormap('Blues_r')(0)).toBe(colormap('Blues')(1));
    expect(colormap('jet_r')(1)).toBe(colormap('jet')(0));
    expect(colormap('gray')(-3)).toBe('rgb(0, 0, 0)');
    expect(colormap('gray')(7)).toBe('rgb(255, 255, 255)');
    expect(colormap('gray')(Number.NaN)).toBe('rgb(0, 0, 0)');
  });

  it('throws InterpError listing the names for an unknown colormap', () => {
    const message = interpErrorOf(() => colormap('Bluez'), 'INVALID_OPTION');
    expect(message).toMatch(
      /invalid cmap: "Bluez"; expected one of 'gray', 'grey', 'jet', 'blues'/,
    );
    expect(message).toMatch(/'_r' reverses/);
    expect(interpErrorOf(() => colormap(3 as never), 'INVALID_OPTION')).toMatch(/invalid cmap: 3/);
  });
});
