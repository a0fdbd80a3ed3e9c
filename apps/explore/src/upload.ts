import { decodeImage } from './decode.js';
import type { ImageSet } from './show-model.js';

/** A model and labelled images picked or dropped by the user, read in the page only. */
export interface Upload {
  model: { kind: 'layers'; json: File; weights: File[] } | { kind: 'onnx'; file: File };
  /** The images (absent when the upload is a table). */
  set?: ImageSet;
  /** A CSV table with a header row (when no images were given). */
  table?: File;
}

/** Most images an upload reads (they all stay in this tab's memory). */
export const uploadMaxImages = 10_000;

/** Parses labels.csv (`file,label` rows; a first row `file,label` is a header). */
function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 2 || cells[0] === '' || (i === 0 && cells[0]!.toLowerCase() === 'file'))
      return;
    labels.set(cells[0]!.split('/').pop()!, cells[1]!);
  });
  return labels;
}

/** Class names in order: numerically when every label is an integer, else by name. */
function vocabOf(labels: string[]): string[] {
  const unique = [...new Set(labels)];
  return unique.every((l) => /^\d+$/.test(l))
    ? unique.sort((a, b) => Number(a) - Number(b))
    : unique.sort();
}

/**
 * Reads the user's files: model.json with its .bin weights or one .onnx, PNG images, and a
 * labels.csv naming each image's class (or images in class sub-folders when a folder was picked);
 * or, with no images, a CSV table (its target column is picked in the page).
 * Throws an Error saying what is missing.
 */
export async function readUpload(files: File[]): Promise<Upload> {
  const by = (re: RegExp) => files.filter((f) => re.test(f.name));
  const onnx = by(/\.onnx$/i);
  const json = by(/^model\.json$/i);
  const model: Upload['model'] | undefined =
    onnx.length === 1
      ? { kind: 'onnx', file: onnx[0]! }
      : json.length === 1
        ? { kind: 'layers', json: json[0]!, weights: by(/\.bin$/i) }
        : undefined;
  if (!model) throw new Error('add one model: model.json with its .bin files, or one .onnx file');
  const pngs = by(/\.png$/i);
  const csv = by(/\.csv$/i)[0];
  if (pngs.length === 0 && csv) return { model, table: csv };
  if (pngs.length === 0)
    throw new Error('add PNG images (and a labels.csv with file,label rows), or a CSV table');
  if (pngs.length > uploadMaxImages)
    throw new Error(`at most ${uploadMaxImages} images, got ${pngs.length}`);
  const table = csv ? parseLabels(await csv.text()) : new Map<string, string>();
  const labels = pngs.map((f) => {
    const folder = (f.webkitRelativePath || '').split('/').slice(-2, -1)[0];
    const label = table.get(f.name) ?? folder;
    if (label === undefined || label === '') {
      throw new Error(
        `no label for ${f.name}: add it to labels.csv (file,label) or pick a folder of class folders`,
      );
    }
    return label;
  });
  const vocab = vocabOf(labels);
  const images = await Promise.all(pngs.map((f) => decodeImage(f)));
  return {
    model,
    set: { images, targets: labels.map((l) => vocab.indexOf(l)), vocab, mean: [0], std: [1] },
  };
}
