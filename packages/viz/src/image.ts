/**
 * `@interp/viz/image`: images without charts — PNG encoding, data URLs, colormaps, colour parsing
 * and contrast, base64. Loads neither Observable Plot nor tfjs, so pages and packages that only
 * render images (masks, attribution overlays, widgets) stay small.
 *
 * @packageDocumentation
 */

export { base64, pngDataURL } from './base64.js';
export { colormap } from './colormap.js';
export { contrastingTextColor } from './contrasting-text-color.js';
export { encodePNG } from './encode-png.js';
export type { HeatmapOverlayOptions } from './heatmap-overlay.js';
export { heatmapOverlay, heatmapOverlayDefaults } from './heatmap-overlay.js';
export type { ImageRange, ImageToDataURLOptions } from './image-to-data-url.js';
export { imageToDataURL, imageToDataURLDefaults } from './image-to-data-url.js';
export { COLORMAP_NAMES, colormapTable, lutIndex } from './internal/colormap-table.js';
export { parseColor } from './parse-color.js';
export { relativeLuminance } from './relative-luminance.js';
export type { ImageInput, ImageTensor } from './types.js';
