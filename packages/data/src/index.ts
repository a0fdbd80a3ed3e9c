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
export { encodeNpy } from './npy/encode-npy.js';
export type { NpyNumbers } from './npy/npy-to-numbers.js';
export { npyToNumbers } from './npy/npy-to-numbers.js';
export type { NpyArray, NpyData, NpyDType, NpyHeader } from './npy/npy-types.js';
export {
  MAX_NPY_HEADER_BYTES,
  NPY_HEAD_BYTES,
  npyDTypeName,
  npyItemSize,
} from './npy/npy-types.js';
export { parseNpy } from './npy/parse-npy.js';
export { parseNpyHeader } from './npy/parse-npy-header.js';
export { resizeBilinear } from './resize-bilinear.js';
export { resizeNearest } from './resize-nearest.js';
export type { LoadedTable, LoadTableOptions } from './table-types.js';
