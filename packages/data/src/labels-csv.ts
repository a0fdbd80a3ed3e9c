import { isAbsolute, resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { parseCSV } from '@interp/tabular';
import { byName, type ImageFolderListing, realFolder } from './list-image-folder.js';
import { isInside, readFileInside } from './read-inside-folder.js';

/** Most classes a labels CSV may name by number. */
export const MAX_CLASSES = 4096;

const INTEGER = /^(0|[1-9]\d*)$/;

/**
 * Lists the images named in a labels CSV (`file,label` rows, an optional `file,label` header),
 * files relative to `dir` and kept inside it. Labels that are all non-negative integers are class
 * ids (vocab `'0'..'max'`); otherwise classes are the distinct labels sorted by name.
 *
 * @example
 * ```ts
 * listLabelledImages('images', 'images/labels.csv').vocab; // ['cat', 'dog']
 * ```
 */
export function listLabelledImages(dir: string, csvPath: string): ImageFolderListing {
  const root = realFolder(dir);
  const csvDir = realFolder(resolve(csvPath, '..'));
  const bytes = readFileInside(csvDir, resolve(csvPath), csvPath);
  let rows = parseCSV(new TextDecoder().decode(bytes));
  if (
    rows[0] &&
    rows[0].length === 2 &&
    rows[0][0]!.trim().toLowerCase() === 'file' &&
    rows[0][1]!.trim().toLowerCase() === 'label'
  ) {
    rows = rows.slice(1);
  }
  if (rows.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      `${csvPath} has no rows; write one "file,label" row per image`,
    );
  }
  const files: string[] = [];
  const labels: string[] = [];
  rows.forEach((row, i) => {
    if (row.length !== 2 || row[0]!.trim() === '' || row[1]!.trim() === '') {
      throw new InterpError(
        'PARSE',
        `${csvPath} row ${i + 1}: expected two fields "file,label", got ${JSON.stringify(row.join(','))}`,
      );
    }
    const file = row[0]!.trim().replaceAll('\\', '/');
    if (isAbsolute(file) || !isInside(root, resolve(root, file))) {
      throw new InterpError(
        'IO',
        `${csvPath} row ${i + 1}: ${file} is outside ${dir}; name files relative to the folder`,
      );
    }
    files.push(file);
    labels.push(row[1]!.trim());
  });
  let vocab: string[];
  let targets: Int32Array;
  if (labels.every((l) => INTEGER.test(l))) {
    const ids = labels.map(Number);
    const max = ids.reduce((a, b) => Math.max(a, b), 0);
    if (max >= MAX_CLASSES) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${csvPath}: label ${max} is over the ${MAX_CLASSES - 1} interp accepts; number classes from 0`,
      );
    }
    vocab = Array.from({ length: max + 1 }, (_, k) => String(k));
    targets = Int32Array.from(ids);
  } else {
    vocab = [...new Set(labels)].sort(byName);
    const index = new Map(vocab.map((v, k) => [v, k]));
    targets = Int32Array.from(labels, (l) => index.get(l)!);
  }
  return { root, files, targets, vocab };
}
