import { readdirSync, realpathSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { imageFolderDefaults } from './image-folder-types.js';
import { ioError } from './open-regular-file.js';
import { lstatOrThrow } from './read-inside-folder.js';

/** Image file names interp reads (case-insensitive), as torchvision's IMG_EXTENSIONS subset. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** The images of a folder and their labels, before decoding. */
export interface ImageFolderListing {
  /** Real path of the folder. */
  root: string;
  /** Paths relative to the folder, `/`-separated. */
  files: string[];
  targets: Int32Array;
  vocab: string[];
}

/** Code-unit order, like Python's `sorted` for names without astral characters. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lists an ImageFolder (`root/<class>/**.png`): classes are the sub-folder names sorted as
 * torchvision sorts them, images are found below each class folder (sorted, at most
 * `maxDepth` levels), other files are skipped. Symbolic links to folders are not followed; links to
 * files are read only when they stay inside the folder. A class folder without images is an error, as in torchvision.
 *
 * @example
 * ```ts
 * listImageFolder('digits').vocab; // ['0', '1', ..., '9']
 * ```
 */
export function listImageFolder(
  dir: string,
  maxDepth: number = imageFolderDefaults.maxDepth,
): ImageFolderListing {
  const root = realFolder(dir);
  if (!lstatOrThrow(root, dir).isDirectory()) {
    throw new InterpError(
      'IO',
      `${dir} is not a folder; give a folder with one sub-folder per class`,
    );
  }
  const vocab = entries(root, dir)
    .filter((e) => e.isDirectory)
    .map((e) => e.name)
    .sort(byName);
  if (vocab.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      `${dir} has no sub-folders; put the images in one sub-folder per class (${dir}/cat/1.png) or give a labels CSV (file,label)`,
    );
  }
  const files: string[] = [];
  const targets: number[] = [];
  vocab.forEach((cls, c) => {
    const before = files.length;
    walk(root, cls, 0, maxDepth, files);
    if (files.length === before) {
      throw new InterpError(
        'EMPTY_INPUT',
        `${dir}/${cls} has no PNG or JPEG images; remove the folder or add its images`,
      );
    }
    for (let i = before; i < files.length; i++) targets.push(c);
  });
  return { root, files, targets: Int32Array.from(targets), vocab };
}

/** Image files below `root/rel`, appended to `out` in sorted order. */
export function walk(
  root: string,
  rel: string,
  depth: number,
  maxDepth: number,
  out: string[],
): void {
  for (const e of entries(join(root, rel), `${rel}`).sort((a, b) => byName(a.name, b.name))) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory) {
      if (depth < maxDepth) walk(root, child, depth + 1, maxDepth, out);
    } else if (IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(child);
  }
}

function entries(path: string, name: string): { name: string; isDirectory: boolean }[] {
  let list: import('node:fs').Dirent[];
  try {
    list = readdirSync(path, { withFileTypes: true });
  } catch (e) {
    throw ioError(name, e);
  }
  return list.map((d) => {
    if (!d.isSymbolicLink()) return { name: d.name, isDirectory: d.isDirectory() };
    // A link counts only if it stays inside the folder; its target's kind decides what it is.
    return { name: d.name, isDirectory: false };
  });
}

/** The real path of a folder the user named (the folder itself may be a link). */
export function realFolder(dir: string): string {
  try {
    return realpathSync(resolve(dir));
  } catch (e) {
    throw ioError(dir, e);
  }
}
