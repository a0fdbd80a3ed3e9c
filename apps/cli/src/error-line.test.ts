import { describe, expect, it } from 'vitest';
import { fileErrorLine, oneLine } from './error-line.js';

const sysError = (code: string, syscall: string, path?: string) =>
  Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, path });

describe('fileErrorLine(error)', () => {
  it('names the file and the reason for Node file errors that carry a path', () => {
    expect(fileErrorLine(sysError('EISDIR', 'read', 'preds.npy'))).toBe(
      'cannot read preds.npy: it is a directory (EISDIR)',
    );
    expect(fileErrorLine(sysError('EEXIST', 'mkdir', 'out'))).toBe(
      'cannot access out: it already exists (EEXIST)',
    );
    expect(fileErrorLine(sysError('ENOSPC', 'open', 'o/x.png'))).toBe(
      'cannot open o/x.png: no space left on the device (ENOSPC)',
    );
  });

  it('escapes control characters of the path', () => {
    expect(fileErrorLine(sysError('ENOENT', 'open', 'a\x1b[2J\nb'))).toBe(
      'cannot open a\\x1b[2J b: no such file (ENOENT)',
    );
  });

  it('is undefined for bugs: no code, no path, or an unknown code', () => {
    expect(fileErrorLine(new TypeError("Cannot read properties of null (reading 'x')"))).toBe(
      undefined,
    );
    expect(fileErrorLine(sysError('EISDIR', 'read'))).toBe(undefined);
    expect(fileErrorLine(sysError('ERR_SOMETHING', 'read', 'p'))).toBe(undefined);
    expect(fileErrorLine(null)).toBe(undefined);
  });
});

describe('oneLine(text)', () => {
  it('joins lines and escapes controls and bidi overrides', () => {
    expect(oneLine('first\n   second\u202e \x07')).toBe('first second\\u202e \\x07');
  });
});
