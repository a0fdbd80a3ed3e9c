// Browser harness of the content tests (content-*.test.ts): serves the built site and drives
// Debian's Chromium through playwright-core, recording console errors and long tasks per page.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { startStaticServer } from '../scripts/static-server.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const siteDir = join(appDir, 'dist', 'site');
export const shotsDir = join(appDir, 'test-output', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A served site and a browser on it. */
export interface Site {
  /** The server's base URL (ends in '/'). */
  url: string;
  /** Opens a page; `coldCache` empties the browser's HTTP cache first. */
  open(path: string, options?: { coldCache?: boolean }): Promise<Watched>;
  close(): Promise<void>;
}

/** A page with its console errors and uncaught exceptions, collected as they happen. */
export interface Watched {
  page: Page;
  errors: string[];
}

declare global {
  interface Window {
    /** Long tasks seen on the page: start (ms since navigation) and duration. */
    longTasks: { start: number; duration: number }[];
  }
}

/** Builds the site when it is missing, serves it and starts Chromium. */
export async function startSite(): Promise<Site> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`);
  }
  if (!existsSync(join(siteDir, 'index.html'))) {
    execFileSync(process.execPath, [join(appDir, 'scripts', 'build-site.mjs')], {
      stdio: 'inherit',
    });
  }
  mkdirSync(shotsDir, { recursive: true });
  const server = await startStaticServer(siteDir);
  const profileDir = mkdtempSync(join(tmpdir(), 'interp-docs-content-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  // Every page records its long tasks from the start (PerformanceObserver 'longtask').
  await context.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.longTasks.push({ start: e.startTime, duration: e.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  });
  return {
    url: server.url,
    async open(path, { coldCache = false } = {}) {
      const page = await context.newPage();
      if (coldCache) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        await cdp.detach();
      }
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      page.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(new URL(path, server.url).href);
      return { page, errors };
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * How much an attribution overlay shows beyond the image under it: the variance of what is left
 * of the overlay's red channel after the best straight-line fit on the image's grey levels. A
 * blank (or constant) map blends one colour over the image, which such a line explains exactly
 * (residual ~0, rounding only); a map that varies leaves a residual. Both are data URLs of the
 * same item, drawn at the overlay's size.
 */
export async function mapVariance(
  page: Page,
  overlaySrc: string,
  imageSrc: string,
): Promise<number> {
  return page.evaluate(
    async ([overlayUrl, imageUrl]) => {
      const pixels = async (url: string, w?: number, h?: number) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = w ?? img.naturalWidth;
        canvas.height = h ?? img.naturalHeight;
        const ctx = canvas.getContext('2d')!;
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        return ctx.getImageData(0, 0, canvas.width, canvas.height);
      };
      const o = await pixels(overlayUrl!);
      const g = await pixels(imageUrl!, o.width, o.height);
      const n = o.width * o.height;
      const x = Array.from({ length: n }, (_, p) => g.data[p * 4]!);
      const y = Array.from({ length: n }, (_, p) => o.data[p * 4]!);
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      const [mx, my] = [mean(x), mean(y)];
      let sxy = 0;
      let sxx = 0;
      for (let p = 0; p < n; p++) {
        sxy += (x[p]! - mx) * (y[p]! - my);
        sxx += (x[p]! - mx) ** 2;
      }
      const slope = sxx === 0 ? 0 : sxy / sxx;
      return mean(y.map((v, p) => (v - my - slope * (x[p]! - mx)) ** 2));
    },
    [overlaySrc, imageSrc] as const,
  );
}
