import { InterpError } from '@interp/core/base';
import { MAX_CLASSES } from '../limits.js';
import { parseJsonArrayText } from './read-array.js';
import { extensionOf, readFileBytes } from './read-file.js';

/**
 * Reads class names: a `.json` array of names (strings, or numbers taken as text), or any other
 * file as text with one name per line. Names must be unique and non-empty, at most
 * {@link MAX_CLASSES} of them; errors name the file.
 */
export function readVocab(file: string, cwd: string): string[] {
  const text = readFileBytes(file, cwd)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let names: string[];
  let where: (i: number) => string;
  if (extensionOf(file) === '.json') {
    const value = parseJsonArrayText(text, file, () => 'of class names');
    checkCount(value.length, file);
    names = value.map((v, i) => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      throw new InterpError(
        'PARSE',
        `${file}: item ${i} is not a string; class names must be strings`,
      );
    });
    where = (i) => `item ${i}`;
    names.forEach((name, i) => {
      if (name === '') throw new InterpError('PARSE', `${file}: ${where(i)} is an empty name`);
    });
  } else {
    const lines = text.split(/\r?\n/);
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    checkCount(lines.length, file);
    where = (i) => `line ${i + 1}`;
    lines.forEach((line, i) => {
      if (line.trim() === '') {
        throw new InterpError(
          'PARSE',
          `${file}: ${where(i)} is empty; write one class name per line`,
        );
      }
    });
    names = lines;
  }
  if (names.length === 0) throw new InterpError('PARSE', `${file}: no class names`);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const before = seen.get(name);
    if (before !== undefined) {
      throw new InterpError(
        'PARSE',
        `${file}: ${JSON.stringify(name)} appears twice (${where(before)} and ${where(i)}); class names must be unique`,
      );
    }
    seen.set(name, i);
  });
  return names;
}

function checkCount(n: number, file: string): void {
  if (n > MAX_CLASSES) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${file} has ${n} class names; at most ${MAX_CLASSES} classes are supported`,
    );
  }
}
