// @interp/data/files: opening untrusted files and reading .npy files (Node only, no tfjs, no
// tabular), for fast command-line paths such as `interp classification`.

export { readNpyFile } from './npy/read-npy-file.js';
export type { OpenFile } from './open-regular-file.js';
export {
  fileKind,
  ioError,
  openCheckedFile,
  openRegularFile,
  readFully,
} from './open-regular-file.js';
