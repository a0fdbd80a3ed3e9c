import { describe, expect, it } from 'vitest';
import { progressBar } from './progress-bar.js';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return { stream, chunks };
}

describe('progressBar(stream, label, options)', () => {
  it('leaves out a loss that is not known yet (NaN before the first batch)', () => {
    const { stream, chunks } = capture(false);
    const bar = progressBar(stream, 'training', { width: 10 });
    bar.update(0, 10, { loss: Number.NaN });
    bar.update(5, 10, { loss: 0.5 });
    expect(chunks).toEqual([
      'training [..........]   0%\n',
      'training [#####.....]  50% loss 0.500\n',
    ]);
    expect(chunks.join('')).not.toContain('NaN');
  });

  it('prints nothing for a run shorter than delayMs, and the bar once it lasts longer', () => {
    let t = 0;
    const quick = capture(false);
    const bar = progressBar(quick.stream, 'ig', { delayMs: 2000, now: () => t, width: 4 });
    bar.update(1, 2);
    t = 1500;
    bar.update(2, 2);
    bar.finish();
    expect(quick.chunks).toEqual([]);
    const slow = capture(true);
    t = 0;
    const bar2 = progressBar(slow.stream, 'ig', { delayMs: 2000, now: () => t, width: 4 });
    bar2.update(1, 4);
    t = 2500;
    bar2.update(2, 4);
    bar2.finish();
    expect(slow.chunks).toEqual(['\rig [##..]  50%\x1b[K', '\rig [##..]  50%\x1b[K\n']);
  });

  it('prints every 10% at most off a TTY, and clamps done/total to [0, 1]', () => {
    const { stream, chunks } = capture(false);
    const bar = progressBar(stream, 'p', { width: 2 });
    for (let i = 0; i <= 100; i++) bar.update(i, 100);
    bar.update(250, 100);
    expect(chunks).toHaveLength(11);
    expect(chunks.at(-1)).toBe('p [##] 100%\n');
  });
});
