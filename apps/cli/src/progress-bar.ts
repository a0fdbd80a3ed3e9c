/**
 * A one-line progress bar on a stream (stderr): redrawn in place on a TTY, printed at most every
 * 10% otherwise so logs stay short.
 */
export function progressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  width = 30,
): { update(done: number, total: number, suffix?: string): void; finish(suffix?: string): void } {
  let lastDecile = -1;
  let lastLine = '';
  const render = (done: number, total: number, suffix = '') => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(frac * width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${suffix}`.trimEnd();
  };
  return {
    update(done, total, suffix) {
      const line = render(done, total, suffix);
      if (stream.isTTY) {
        if (line !== lastLine) stream.write(`\r${line}\x1b[K`);
      } else {
        const decile = Math.floor((10 * done) / Math.max(1, total));
        if (decile !== lastDecile) stream.write(`${line}\n`);
        lastDecile = decile;
      }
      lastLine = line;
    },
    finish(suffix) {
      const line =
        suffix === undefined ? lastLine : `${lastLine.replace(/\s+\S.*$/, '')} ${suffix}`;
      if (stream.isTTY) stream.write(`\r${line}\x1b[K\n`);
    },
  };
}
