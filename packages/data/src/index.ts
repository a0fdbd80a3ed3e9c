// @interp/data: the user's own data; this entry is browser-safe (bytes in, arrays out).
export type {
  ImageFolder,
  ImageLayout,
  LoadImageFolderOptions,
  RawImage,
} from './image-folder-types.js';
export { imageFolderDefaults } from './image-folder-types.js';
export type { ImageHeader } from './image-header.js';
export { readImageHeader } from './image-header.js';
export type { ImageToInputOptions } from './image-to-input.js';
export { imageToInput, isGray, resolveNormalization } from './image-to-input.js';
export { parseNpy } from './parse-npy.js';
export { resizeBilinear } from './resize-bilinear.js';
export { resizeNearest } from './resize-nearest.js';
export type { LoadedTable, LoadTableOptions } from './table-types.js';
