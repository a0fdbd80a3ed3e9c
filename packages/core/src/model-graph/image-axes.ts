import type { Dim, ImageLayout } from './model-graph.js';

/** Axes of a 4-D image tensor (batch on axis 0) in a layout. */
export interface ImageAxes {
  height: number;
  width: number;
  channels: number;
}

/**
 * Where height, width and channels sit in a 4-D tensor of the given layout (`NHWC`: 1, 2, 3;
 * `NCHW`: 2, 3, 1); undefined for `none`.
 *
 * @example
 * ```ts
 * imageAxes('NCHW'); // { height: 2, width: 3, channels: 1 }
 * ```
 */
export function imageAxes(layout: ImageLayout): ImageAxes | undefined {
  if (layout === 'NHWC') return { height: 1, width: 2, channels: 3 };
  if (layout === 'NCHW') return { height: 2, width: 3, channels: 1 };
  return undefined;
}

/**
 * H x W of a 4-D shape in a layout (batch axis first); undefined when the shape is not 4-D, the
 * layout has no image axes, or H or W is unknown.
 *
 * @example
 * ```ts
 * spatialSize([null, 7, 7, 1280], 'NHWC'); // 49
 * spatialSize([null, 1280, 1, 1], 'NCHW'); // 1
 * ```
 */
export function spatialSize(
  shape: readonly Dim[] | undefined,
  layout: ImageLayout,
): number | undefined {
  const axes = imageAxes(layout);
  if (shape === undefined || shape.length !== 4 || axes === undefined) return undefined;
  const h = shape[axes.height];
  const w = shape[axes.width];
  return typeof h === 'number' && typeof w === 'number' ? h * w : undefined;
}
