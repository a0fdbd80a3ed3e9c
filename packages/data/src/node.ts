// @interp/data/node: folders and files on disk (Node only).

export { decodeImage } from './decode-image.js';
export * from './files.js';
export * from './index.js';
export { listLabelledImages } from './labels-csv.js';
export type { ImageFolderListing } from './list-image-folder.js';
export { IMAGE_EXTENSIONS, listImageFolder } from './list-image-folder.js';
export { loadImageFolder } from './load-image-folder.js';
export type { SegmentationFolder } from './load-segmentation-folder.js';
export { loadSegmentationFolder } from './load-segmentation-folder.js';
export { loadTable } from './load-table.js';
export type { PreprocessJson } from './read-preprocess-json.js';
export { readPreprocessJson } from './read-preprocess-json.js';
