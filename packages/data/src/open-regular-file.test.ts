import { execFileSync } from 'node:child_process';
import { closeSync, lstatSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileKind, ioError, openCheckedFile, openRegularFile } from './open-regular-file.js';

const dir = mkdtempSync(join(tmpdir(), 'interp-open-'));
writeFileSync(join(dir, 'a.bin'), new Uint8Array([1, 2, 3]));
symlinkSync(join(dir, 'a.bin'), join(dir, 'link.bin'));
execFileSync('mkfifo', [join(dir, 'pipe')]);

describe('opening untrusted files', () => {
  it('opens a regular file and gives its size and stats', () => {
    const { fd, size, stats } = openCheckedFile(join(dir, 'a.bin'), 'a.bin', { noFollow: true });
    closeSync(fd);
    expect(size).toBe(3);
    expect(stats.ino).toBe(lstatSync(join(dir, 'a.bin')).ino);
    const plain = openRegularFile('link.bin', dir);
    closeSync(plain.fd);
    expect(plain.size).toBe(3);
  });

  it('names what a path is when it is not a regular file', () => {
    expect(fileKind(lstatSync(dir))).toBe('a directory');
    expect(fileKind(lstatSync(join(dir, 'pipe')))).toBe('a FIFO (named pipe)');
    expect(fileKind(lstatSync('/dev/zero'))).toBe('a device');
    expect(fileKind(lstatSync(join(dir, 'link.bin')))).toBe('not a regular file');
  });

  it('refuses a FIFO without blocking, a device, a final symlink with noFollow, and a missing file', () => {
    expect(() => openCheckedFile(join(dir, 'pipe'), 'pipe')).toThrow(
      'cannot read pipe: it is a FIFO (named pipe), not a regular file',
    );
    expect(() => openRegularFile('/dev/zero', dir, 'zero')).toThrow(
      'cannot read zero: it is a device, not a regular file',
    );
    expect(() => openCheckedFile(join(dir, 'link.bin'), 'link.bin', { noFollow: true })).toThrow(
      'cannot read link.bin: it is a symbolic link',
    );
    expect(() => openRegularFile('none', dir)).toThrow('cannot read none: no such file');
  });

  it('turns an errno into one line naming the file', () => {
    const e = Object.assign(new Error('x'), { code: 'EACCES' });
    expect(ioError('secret.csv', e).message).toBe('cannot read secret.csv: permission denied');
  });
});
