import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ClassificationInterpretation } from '@interp/classification/interpretation';
import { encodeNpy } from '@interp/data';
import { describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../cli-io.js';
import { tempDir } from '../test-cli.js';
import { run } from './classification.js';

function capture(): { io: CliIO; out: () => string } {
  const dir = tempDir();
  let text = '';
  const stdout = new Writable({
    write: (chunk, _e, done) => {
      text += String(chunk);
      done();
    },
  });
  return { io: { stdout, stderr: stdout, cwd: dir }, out: () => text };
}

describe('interp classification goes through the library', () => {
  it('builds a ClassificationInterpretation from the predictions and prints its numbers', async () => {
    const { io, out } = capture();
    // p[target] = 0.9, 0.4 (predicted 0, target 1) and 0.8: one confusion, top loss -ln(0.4).
    writeFileSync(
      join(io.cwd, 'p.npy'),
      encodeNpy(Float64Array.of(0.9, 0.1, 0.6, 0.4, 0.2, 0.8), [3, 2]),
    );
    writeFileSync(join(io.cwd, 't.json'), '[0, 1, 1]');
    const from = vi.spyOn(ClassificationInterpretation, 'fromPredictions');
    const top = vi.spyOn(ClassificationInterpretation.prototype, 'scoreTopLosses');
    try {
      expect(await run(['--preds', 'p.npy', '--targs', 't.json', '--k', '1', '--json'], io)).toBe(
        0,
      );
      expect(from).toHaveBeenCalledTimes(1);
      expect(from.mock.calls[0]![0].vocab).toEqual(['0', '1']);
      expect(top).toHaveBeenCalledWith(1);
      const json = JSON.parse(out());
      expect(json.confusionMatrix).toEqual([
        [1, 0],
        [1, 1],
      ]);
      expect(json.mostConfused).toEqual([['1', '0', 1]]);
      expect(json.topLosses).toEqual({ losses: [-Math.log(0.4)], indices: [1] });
    } finally {
      from.mockRestore();
      top.mockRestore();
    }
  });

  it('takes predicted labels through fromPredictions({ decoded })', async () => {
    const { io, out } = capture();
    writeFileSync(join(io.cwd, 'l.json'), '[0, 2, 1]');
    writeFileSync(join(io.cwd, 't.json'), '[0, 1, 1]');
    const from = vi.spyOn(ClassificationInterpretation, 'fromPredictions');
    try {
      expect(await run(['--preds', 'l.json', '--targs', 't.json', '--json'], io)).toBe(0);
      expect(Array.from(from.mock.calls[0]![0].decoded!)).toEqual([0, 2, 1]);
      expect(JSON.parse(out()).mostConfused).toEqual([['1', '2', 1]]);
    } finally {
      from.mockRestore();
    }
  });
});
