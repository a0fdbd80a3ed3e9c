// Browser tests of the docs site: every page's live examples run in Chromium on the WASM backend
// with SIMD and without a console error, no page scrolls sideways at 390 px, the widgets work by
// mouse and keyboard (a markup class name staying inert is tested in @interp/widgets). Screenshots
// of every page at desktop (1280x800) and mobile (390x844) size go to
// apps/docs/test-output/screenshots (gitignored). The site's chrome (search, copy, dark mode,
// pages without tfjs) is tested in site-chrome.test.ts; the MNIST example's training and its
// widgets in content-mnist.test.ts (one training run for all of its checks).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES } from '../scripts/pages.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const siteDir = join(appDir, 'dist', 'site');
const shotsDir = join(appDir, 'test-output', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: { url: string; close: () => Promise<void> };
let context: BrowserContext;
let profileDir: string;

/** Console errors, uncaught exceptions and dialogs of a page, collected as they happen. */
interface Watched {
  page: Page;
  errors: string[];
  dialogs: string[];
}

async function open(path: string): Promise<Watched> {
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(new URL(path, server.url).href);
  return { page, errors, dialogs };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
}

const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 390, height: 844 };

/**
 * Screenshots the page at desktop and mobile size and returns how far it scrolls sideways at
 * 390 px (0 when nothing is wider than the screen).
 */
async function shotsAndOverflow(page: Page, name: string): Promise<number> {
  await page.setViewportSize(DESKTOP);
  await shot(page, `${name}-desktop`);
  await page.setViewportSize(MOBILE);
  await page.waitForTimeout(100); // widgets re-lay out on resize
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  await shot(page, `${name}-mobile`);
  return overflow;
}

/** Waits for the page's on-load examples and returns each example's status. */
async function exampleStatuses(page: Page): Promise<Record<string, string>> {
  await page.evaluate(() => window.examplesDone);
  return page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll<HTMLElement>('section[data-example]'), (s) => [
        s.dataset.example!,
        s.dataset.status!,
      ]),
    ),
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  if (!existsSync(join(siteDir, 'index.html'))) {
    execFileSync(process.execPath, [join(appDir, 'scripts', 'build-site.mjs')], {
      stdio: 'inherit',
    });
  }
  rmSync(shotsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });
  server = await startStaticServer(siteDir);
  profileDir = mkdtempSync(join(tmpdir(), 'interp-docs-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe('the docs site', () => {
  it('builds every page, the WASM binaries, the MNIST asset and the API reference', () => {
    for (const p of PAGES) expect(existsSync(join(siteDir, `${p.slug}.html`)), p.slug).toBe(true);
    expect(existsSync(join(siteDir, 'wasm', 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
    expect(existsSync(join(siteDir, 'data', 'mnist-digits.bin'))).toBe(true);
    expect(existsSync(join(siteDir, 'api', 'index.html'))).toBe(true);
    expect(
      existsSync(join(siteDir, 'api', 'classes', '_interp_widgets.InteractiveClassifier.html')),
    ).toBe(true);
  });

  for (const { slug } of PAGES) {
    it(`${slug}.html runs its examples on WASM with SIMD and logs no error`, async () => {
      const { page, errors, dialogs } = await open(`${slug}.html`);
      const statuses = await exampleStatuses(page);
      for (const [name, status] of Object.entries(statuses)) {
        // Examples behind a button wait for a click ('idle'); the MNIST test below runs that one.
        expect([name, status]).toEqual([name, status === 'idle' ? 'idle' : 'done']);
      }
      const badge = page.locator('#backend-badge');
      if (await page.locator('section[data-example]:not([data-backend="none"])').count()) {
        const info = await page.evaluate(() => window.getBackendInfo());
        expect(info).toMatchObject({ backend: 'wasm', simd: true, fellBack: false });
        await expect
          .poll(() => badge.textContent())
          .toBe(
            `Backend: wasm · SIMD yes · ${info.threadCount} thread${info.threadCount === 1 ? '' : 's'}`,
          );
        expect(await badge.isVisible()).toBe(true);
      } else {
        expect(await badge.isVisible()).toBe(false); // no model, no backend line
      }
      expect(await shotsAndOverflow(page, slug)).toBe(0);
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      await page.close();
    });
  }

  it('the API reference opens with the TSDoc of the widgets', async () => {
    const { page, errors } = await open('api/classes/_interp_widgets.InteractiveClassifier.html');
    await expect.poll(() => page.textContent('body')).toContain('Browse a classifier');
    // The way back: a Guides link in TypeDoc's toolbar.
    const guides = page.locator('#tsd-toolbar-links a', { hasText: 'Guides' });
    expect(new URL((await guides.getAttribute('href'))!, page.url()).pathname).toBe('/index.html');
    expect(await shotsAndOverflow(page, 'api-InteractiveClassifier')).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the widgets page', () => {
  it('filters, lists a clicked confusion cell, works by keyboard, and opens no dialog', async () => {
    const { page, errors, dialogs } = await open('widgets.html');
    await exampleStatuses(page);
    const clf = page.locator('section[data-example="widgets-classifier"]');
    const items = clf.locator('ul.iw-items li[data-index]');
    const heading = clf.locator('.iw-list h3');
    await expect.poll(() => heading.textContent()).toBe('Items (60)');

    // Filter by actual class from the menu.
    await clf.locator('select[name=actual]').selectOption({ label: 'stripes' });
    await expect.poll(() => heading.textContent()).toBe('Items (20)');

    // Click an off-diagonal confusion cell: its items are listed, and announced.
    const cell = clf.locator('td[data-actual="0"][data-predicted="1"]');
    const count = Number(await cell.textContent());
    expect(count).toBeGreaterThan(0);
    await cell.click();
    await expect.poll(() => items.count()).toBe(count);
    await expect
      .poll(() => clf.locator('[role=status]').textContent())
      .toBe(`${count} items with actual stripes, predicted dots, largest loss first.`);

    // Keyboard: arrows move the focused cell, Enter selects it; the list follows.
    await cell.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return `${el.dataset.actual},${el.dataset.predicted}`;
    });
    expect(focused).toBe('1,0');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => heading.textContent())
      .toBe(
        `Items (${await clf.locator('td[data-actual="1"][data-predicted="1"]').textContent()})`,
      );
    await items.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await expect.poll(() => clf.locator('.iw-detail h3').textContent()).toMatch(/^Item \d+$/);
    expect(await items.nth(1).getAttribute('aria-selected')).toBe('true');

    // The third class from the menu (the markup class name XSS is tested in @interp/widgets).
    await clf.getByRole('button', { name: 'Show all' }).click();
    await clf.locator('select[name=actual]').selectOption({ label: 'crosses' });
    await expect.poll(() => heading.textContent()).toBe('Items (20)');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await clf.locator('thead th').allTextContents()).toContain('crosses');

    // Segmentation: Next, arrow keys on the viewer, and the opacity slider.
    const seg = page.locator('section[data-example="widgets-segmentation"]');
    const counter = seg.locator('.iw-controls span');
    await expect.poll(() => counter.textContent()).toMatch(/^Image 1 of 12/);
    await seg.getByRole('button', { name: 'Next image' }).click();
    await expect.poll(() => counter.textContent()).toMatch(/^Image 2 of 12/);
    await seg.locator('.iw-panels').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => counter.textContent()).toMatch(/^Image 3 of 12/);
    await seg.locator('input[type=range]').focus();
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() =>
        seg
          .locator('img.iw-mask')
          .first()
          .evaluate((m) => (m as HTMLElement).style.opacity),
      )
      .toBe('0.55');

    await page.waitForTimeout(200); // a dialog from an onerror handler would have fired by now
    await shot(page, 'widgets-after-interaction');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
