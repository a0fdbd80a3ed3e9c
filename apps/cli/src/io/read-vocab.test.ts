import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InterpError } from '@interp/core/base';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { readVocab } from './read-vocab.js';

let dir: string;
const write = (name: string, content: string) => writeFileSync(join(dir, name), content);

beforeAll(() => {
  dir = tempDir('interp-read-vocab-');
});

describe('readVocab(file, cwd)', () => {
  it('reads a JSON array or one name per line', () => {
    write('v.json', '["cat", "dog", 3]');
    expect(readVocab('v.json', dir)).toEqual(['cat', 'dog', '3']);
    write('v.txt', 'cat\r\nhot dog\n<b>\n');
    expect(readVocab('v.txt', dir)).toEqual(['cat', 'hot dog', '<b>']);
    write('names', 'x\ny');
    expect(readVocab('names', dir)).toEqual(['x', 'y']);
  });

  it('names the file and the problem', () => {
    expect(() => readVocab('none.txt', dir)).toThrow(InterpError);
    expect(() => readVocab('none.txt', dir)).toThrow('cannot read none.txt: no such file');
    write('gap.txt', 'a\n\nb\n');
    expect(() => readVocab('gap.txt', dir)).toThrow(/gap\.txt: line 2 is empty/);
    write('dup.json', '["a", "b", "a"]');
    expect(() => readVocab('dup.json', dir)).toThrow(
      /dup\.json: "a" appears twice \(item 0 and item 2\)/,
    );
    write('obj.json', '{}');
    expect(() => readVocab('obj.json', dir)).toThrow(
      /obj\.json: expected a JSON array of class names/,
    );
    write('bad.json', '[null]');
    expect(() => readVocab('bad.json', dir)).toThrow(/bad\.json: item 0 is not a string/);
    write('empty.txt', '');
    expect(() => readVocab('empty.txt', dir)).toThrow(/empty\.txt: no class names/);
  });
});
