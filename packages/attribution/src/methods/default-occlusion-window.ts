import type { ImageLayout } from '@interp/core';

/**
 * Occlusion's patch when none is given: on an image item (3 axes) about 7 x 7 half-overlapping
 * windows over H and W, each covering every channel, in the input's layout; one value at a time
 * on other inputs. Captum has no default patch: this one suits a heat map's first look.
 *
 * @example
 * import { defaultOcclusionWindow } from '@interp/attribution/methods';
 * defaultOcclusionWindow([28, 28, 1]); // { slidingWindowShapes: [4, 4, 1], strides: [2, 2, 1] }
 */
export function defaultOcclusionWindow(
  item: readonly number[],
  layout: ImageLayout = 'NHWC',
): { slidingWindowShapes: number[]; strides: number | number[] } {
  if (item.length === 3) {
    const channelsFirst = layout === 'NCHW';
    const [h, w, c] = (channelsFirst ? [item[1], item[2], item[0]] : item) as [
      number,
      number,
      number,
    ];
    const wh = Math.max(1, Math.round(h / 7));
    const ww = Math.max(1, Math.round(w / 7));
    const [sh, sw] = [Math.max(1, Math.ceil(wh / 2)), Math.max(1, Math.ceil(ww / 2))];
    return channelsFirst
      ? { slidingWindowShapes: [c, wh, ww], strides: [c, sh, sw] }
      : { slidingWindowShapes: [wh, ww, c], strides: [sh, sw, c] };
  }
  return { slidingWindowShapes: item.map(() => 1), strides: 1 };
}
