/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /** Characters of the bar. */
  width?: number;
  /**
   * Milliseconds before the bar first shows: a run that ends sooner prints nothing, so quick
   * commands keep a clean stderr. 0 shows it at once.
   */
  delayMs?: number;
  /** The clock (injectable for tests). */
  now?: () => number;
}

/** Defaults of {@link progressBar}, written once. */
export const progressBarDefaults = { width: 30, delayMs: 0 } as const;

/** A status after the bar: text, or named numbers (non-finite ones, such as a loss not yet known, are left out). */
export type ProgressSuffix = string | Record<string, number>;

function suffixText(suffix: ProgressSuffix | undefined): string {
  if (suffix === undefined || typeof suffix === 'string') return suffix ?? '';
  return Object.entries(suffix)
    .filter(([, v]) => Number.isFinite(v))
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(', ');
}

/**
 * A one-line progress bar on a stream (stderr): redrawn in place on a TTY, printed at most every
 * 10% otherwise so logs stay short; with `delayMs`, shown only for runs that last longer.
 *
 * @example
 * ```ts
 * const bar = progressBar(process.stderr, 'ig', { delayMs: 2000 });
 * bar.update(5, 10, { loss: Number.NaN }); // "ig [###...]  50%" (no "loss NaN")
 * bar.finish();
 * ```
 */
export function progressBar(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  options: ProgressBarOptions = {},
): {
  update(done: number, total: number, suffix?: ProgressSuffix): void;
  finish(suffix?: ProgressSuffix): void;
} {
  const {
    width = progressBarDefaults.width,
    delayMs = progressBarDefaults.delayMs,
    now = () => performance.now(),
  } = options;
  const start = now();
  let shown = false;
  let lastDecile = -1;
  let lastLine = '';
  let lastFrac = 0;
  const render = (frac: number, suffix: string) => {
    const filled = Math.round(frac * width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${suffix}`.trimEnd();
  };
  return {
    update(done, total, suffix) {
      const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
      lastFrac = frac;
      const line = render(frac, suffixText(suffix));
      if (!shown && now() - start < delayMs) {
        lastLine = line;
        return;
      }
      shown = true;
      if (stream.isTTY) {
        if (line !== lastLine) stream.write(`\r${line}\x1b[K`);
      } else {
        const decile = Math.floor(10 * frac);
        if (decile !== lastDecile) stream.write(`${line}\n`);
        lastDecile = decile;
      }
      lastLine = line;
    },
    finish(suffix) {
      if (!shown) return;
      const line = suffix === undefined ? lastLine : render(lastFrac, suffixText(suffix));
      // Off a TTY the last 10% step was already printed as its own line.
      if (stream.isTTY) stream.write(`\r${line}\x1b[K\n`);
    },
  };
}
