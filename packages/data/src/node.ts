// @interp/data/node: folders and files on disk (Node only).

export { decodeImage } from './decode-image.js';
export * from './index.js';
export { listLabelledImages } from './labels-csv.js';
export type { ImageFolderListing } from './list-image-folder.js';
export { IMAGE_EXTENSIONS, listImageFolder } from './list-image-folder.js';
export { loadImageFolder } from './load-image-folder.js';
export type { SegmentationFolder } from './load-segmentation-folder.js';
export { loadSegmentationFolder } from './load-segmentation-folder.js';
export { loadTable } from './load-table.js';
export { readNpyFile } from './npy/read-npy-file.js';
export type { OpenFile } from './open-regular-file.js';
export {
  fileKind,
  ioError,
  openCheckedFile,
  openRegularFile,
  readFully,
} from './open-regular-file.js';
export type { PreprocessJson } from './read-preprocess-json.js';
export { readPreprocessJson } from './read-preprocess-json.js';
