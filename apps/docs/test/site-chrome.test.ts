// The docs site's chrome in Chromium: search over guides and API, copy buttons, the dark toggle
// on a guide and on a TypeDoc page, and pages without a model fetching no tfjs and no .wasm.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, shotsDir, startSite } from './content-browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

const API_PAGE = 'api/classes/_interp_widgets.InteractiveClassifier.html';

describe('the site search', () => {
  it('finds a guide heading and an API symbol, and its results link to them', async () => {
    const { page, errors } = await site.open('core.html');
    const input = page.locator('#site-search');
    const results = page.locator('#search-results a');
    // A heading of this guide (the guides' text changes; the test reads it from the page).
    const heading = page.locator('main h2').nth(1);
    const id = (await heading.getAttribute('id'))!;
    const text = (await heading.textContent())!.replace(/\s*#$/, '');
    await input.fill(text);
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    const guide = page.locator(`#search-results a[data-kind=guide][href$="/core.html#${id}"]`);
    expect(await guide.count()).toBe(1);
    await input.fill('InteractiveClassifier');
    const api = page.locator(
      '#search-results a[data-kind=api][href$="/api/classes/_interp_widgets.InteractiveClassifier.html"]',
    );
    await expect.poll(() => api.count()).toBe(1);
    expect(await api.locator('small').textContent()).toBe('API · @interp/widgets · Class');
    // Keyboard: ArrowDown reaches the first result, Enter follows it.
    const first = (await results.first().getAttribute('href'))!;
    await input.focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement).href)).toBe(
      first,
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(first);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('code blocks', () => {
  it('have highlighting and a copy button that copies the code, by mouse and by keyboard', async () => {
    const { page, errors } = await site.open('core.html');
    const origin = new URL(page.url()).origin;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const block = page.locator('main > .code-block').first();
    const code = (await block.locator('pre').textContent())!;
    expect(await block.locator('pre.shiki span[style*="--shiki-dark"]').count()).toBeGreaterThan(0);
    const button = block.getByRole('button', { name: 'Copy code to the clipboard' });
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await page.evaluate(() => navigator.clipboard.writeText(''));
    const second = page.locator('main > .code-block').nth(1);
    await second.locator('button.copy-code').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => second.locator('button.copy-code').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await second.locator('pre').textContent(),
    );
    // Headings carry an id and a link to themselves.
    const anchor = page.locator('main h2 a.anchor').first();
    const id = await page.locator('main h2').first().getAttribute('id');
    expect(await anchor.getAttribute('href')).toBe(`#${id}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('dark mode', () => {
  it('the toggle darkens the guide and, remembered, the API reference', async () => {
    const background = (p: import('playwright-core').Page) =>
      p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const { page, errors } = await site.open('core.html');
    await page.evaluate(() => localStorage.removeItem('tsd-theme'));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    expect(await background(page)).toBe('rgb(255, 255, 255)');
    await page.locator('.theme-toggle').click();
    expect(await background(page)).toBe('rgb(13, 17, 23)');
    expect(await page.locator('.theme-toggle').getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: join(shotsDir, 'core-dark-desktop.png') });

    const api = await site.open(API_PAGE);
    await api.page.emulateMedia({ colorScheme: 'light' });
    const dark = await background(api.page);
    await api.page.screenshot({ path: join(shotsDir, 'api-dark-desktop.png') });
    await api.page.evaluate(() => localStorage.setItem('tsd-theme', 'light'));
    await api.page.reload();
    const light = await background(api.page);
    // TypeDoc's own backgrounds: dark #0d1117-ish, light #f2f4f8.
    const brightness = (rgb: string) =>
      (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((a, v) => a + Number(v), 0) / 3;
    expect(brightness(dark)).toBeLessThan(60);
    expect(brightness(light)).toBeGreaterThan(200);
    // Back to the system's choice for the other tests.
    await api.page.evaluate(() => localStorage.removeItem('tsd-theme'));
    expect([...errors, ...api.errors]).toEqual([]);
    await api.page.close();
    await page.close();
  });
});

describe('pages without a model', () => {
  /** The URLs a page fetched until its examples finished. */
  async function fetched(path: string): Promise<string[]> {
    const { page, errors } = await site.open('about:blank');
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(new URL(path, site.url).href);
    await page.evaluate(() => window.examplesDone);
    expect(errors).toEqual([]);
    await page.close();
    return urls;
  }
  const tfjs = (u: string) => /\.wasm$|\/assets\/tfjs-[^/]*\.js$/.test(u);

  it('classification and segmentation fetch no tfjs chunk and no .wasm; a model page does', async () => {
    for (const path of ['classification.html', 'segmentation.html']) {
      const urls = await fetched(path);
      expect(
        urls.some((u) => u.includes('/assets/main-')),
        path,
      ).toBe(true);
      expect(urls.filter(tfjs), path).toEqual([]);
    }
    // The check can fail: the core guide's backend example fetches both.
    const core = await fetched('core.html');
    expect(core.some((u) => u.endsWith('.wasm'))).toBe(true);
    expect(core.some((u) => /\/assets\/tfjs-/.test(u))).toBe(true);
  });
});
