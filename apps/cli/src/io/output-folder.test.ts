import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInterpError } from '@interp/core/base';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutputFolder } from './output-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'interp-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isInterpError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected an InterpError');
}

/** Runs `mount`; false when the machine does not allow it (no root, no CAP_SYS_ADMIN). */
function mount(args: string[]): boolean {
  return spawnSync('mount', args, { stdio: 'ignore' }).status === 0;
}

describe('prepareOutputFolder(dir, cwd)', () => {
  it('creates a missing folder (and its parents) and writes files there, mode 0o644', () => {
    const out = prepareOutputFolder('a/b', dir);
    expect(out.path).toBe(join(dir, 'a/b'));
    expect(out.write('x.svg', '<svg/>')).toBe('a/b/x.svg');
    expect(readFileSync(join(dir, 'a/b/x.svg'), 'utf8')).toBe('<svg/>');
    expect(lstatSync(join(dir, 'a/b/x.svg')).mode & 0o777).toBe(0o644 & ~process.umask());
    out.write('x.svg', new Uint8Array([1, 2]));
    expect([...readFileSync(join(dir, 'a/b/x.svg'))]).toEqual([1, 2]);
    // No temporary or probe file is left behind.
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['x.svg']);
  });

  it('replaces a planted symlink named like an output file instead of writing through it', () => {
    mkdirSync(join(dir, 'planted'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'planted/confusion_matrix.svg'));
    prepareOutputFolder('planted', dir).write('confusion_matrix.svg', '<svg/>');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'planted/confusion_matrix.svg')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'planted/confusion_matrix.svg'), 'utf8')).toBe('<svg/>');
  });

  it('refuses an existing file as the folder, naming the option and the folder', () => {
    writeFileSync(join(dir, 'file.txt'), 'x');
    expect(errorOf(() => prepareOutputFolder('file.txt', dir)).message).toMatch(
      /^--out file\.txt: it exists and is not a folder/,
    );
    // A folder under a file: mkdir fails with ENOTDIR.
    expect(errorOf(() => prepareOutputFolder('file.txt/sub', dir)).message).toMatch(
      /^--out file\.txt\/sub: cannot create the folder: a part of the path is a file/,
    );
  });

  it('refuses folders under /proc, /sys and /dev before calling mkdir (Node 20 loops on /proc/self/nope)', () => {
    for (const bad of ['/proc/self/nope', '/sys/x', '/dev/shm/x', '/dev']) {
      expect(errorOf(() => prepareOutputFolder(bad, dir)).message).toMatch(
        /cannot write under \/(proc|sys|dev) \(a system folder\)/,
      );
    }
    // Also through a symlink that leads there.
    symlinkSync('/proc/self', join(dir, 'to-proc'));
    expect(errorOf(() => prepareOutputFolder('to-proc/nope', dir)).message).toMatch(
      /cannot write under \/proc/,
    );
  });

  it('refuses a read-only folder up front (a read-only bind mount: root bypasses chmod)', (ctx) => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    if (process.getuid?.() === 0) {
      if (!mount(['--bind', '-o', 'ro', ro, ro]) && !mount(['-o', 'remount,bind,ro', ro])) {
        ctx.skip('mounting a read-only bind needs root with CAP_SYS_ADMIN');
      }
      mount(['-o', 'remount,bind,ro', ro]);
    }
    try {
      expect(errorOf(() => prepareOutputFolder('ro', dir)).message).toMatch(
        /^--out ro: cannot write in the folder: (the file system is read-only|permission denied)/,
      );
    } finally {
      if (process.getuid?.() === 0) spawnSync('umount', [ro]);
    }
  });

  it('on a full disk: the write fails with one clear error and leaves no partial file', (ctx) => {
    const full = join(dir, 'full');
    mkdirSync(full);
    if (!mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full])) {
      ctx.skip('mounting a 64 KiB tmpfs needs root with CAP_SYS_ADMIN');
    }
    try {
      const out = prepareOutputFolder('full', dir);
      const e = errorOf(() => out.write('big.png', new Uint8Array(1 << 20)));
      expect(e.message).toMatch(
        /^cannot write full\/big\.png \(--out\): no space left on the device/,
      );
      expect(readdirSync(full)).toEqual([]);
    } finally {
      spawnSync('umount', [full]);
    }
  });

  it('writeAll stages every file before renaming any: a full disk leaves none of them', (ctx) => {
    const full = join(dir, 'full-all');
    mkdirSync(full);
    if (!mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full])) {
      ctx.skip('mounting a 64 KiB tmpfs needs root with CAP_SYS_ADMIN');
    }
    try {
      const out = prepareOutputFolder('full-all', dir);
      expect(
        out.writeAll([
          ['a.txt', 'a'],
          ['b.txt', 'b'],
        ]),
      ).toEqual(['full-all/a.txt', 'full-all/b.txt']);
      const e = errorOf(() =>
        out.writeAll([
          ['small.svg', 'x'.repeat(1000)],
          ['big.png', new Uint8Array(1 << 20)],
        ]),
      );
      expect(e.message).toMatch(/^cannot write full-all\/big\.png \(--out\): no space left/);
      expect(readdirSync(full).sort()).toEqual(['a.txt', 'b.txt']);
    } finally {
      spawnSync('umount', [full]);
    }
  });

  it('escapes control characters of the folder name in its errors', () => {
    writeFileSync(join(dir, 'evil\x1b[2J'), 'x');
    expect(errorOf(() => prepareOutputFolder('evil\x1b[2J', dir)).message).toMatch(
      /^--out evil\\x1b\[2J: it exists/,
    );
  });

  it('refuses a file name with a path in it', () => {
    const out = prepareOutputFolder('names', dir);
    expect(errorOf(() => out.write('../x.svg', '')).message).toMatch(/not a plain file name/);
  });
});
