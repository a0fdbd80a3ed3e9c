// The landing page's hero: committed weights loaded, 500 digits predicted and the most confused
// item's Grad-CAM drawn, on an empty cache, on localhost. Its speed goal (under 2 s from
// navigation) is measured on a quiet machine by bench/docs-hero.bench.mjs; here, under the test
// run's load, a looser bound only catches a hero that became several times slower.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapVariance, type Site, shotsDir, startSite } from './content-browser.js';

/** Regression bound under test load: 2.5x the 2 s goal that bench/docs-hero.bench.mjs measures. */
const HERO_BOUND_MS = 5000;

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the landing page', () => {
  it('explains the pretrained digit classifier in the widget, in seconds', async () => {
    // Three loads on an empty HTTP cache; the machine is shared, so the best one is asserted
    // and all are reported.
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const { page, errors } = await site.open('index.html', { coldCache: true });
      await page.evaluate(() => window.examplesDone);
      const section = page.locator('section[data-example="hero"]');
      expect(await section.getAttribute('data-status')).toBe('done');
      times.push(
        Number(await section.locator('.example-output').getAttribute('data-first-result-at')),
      );
      if (run === 0) await checkHero(page);
      expect(errors).toEqual([]);
      await page.close();
    }
    console.log(
      `hero: first result (Grad-CAM drawn) ${times.map((t) => t.toFixed(0)).join(', ')} ms after navigation (empty cache)`,
    );
    expect(Math.min(...times)).toBeGreaterThan(0);
    // Quiet machine: best of three 1.5 s; under a CI run's load: 1.7-2.1 s.
    expect(Math.min(...times)).toBeLessThan(HERO_BOUND_MS);
  });
});

/** The hero's content: 500 digits at the trained model's accuracy, a Grad-CAM map that is not blank. */
async function checkHero(page: Page): Promise<void> {
  const clf = page.locator('section[data-example="hero"] [data-widget=classifier]');
  const cells = await clf.locator('td[data-actual]').evaluateAll((tds) =>
    tds.map((td) => ({
      right: (td as HTMLElement).dataset.actual === (td as HTMLElement).dataset.predicted,
      n: Number(td.textContent),
    })),
  );
  const total = cells.reduce((a, c) => a + c.n, 0);
  const right = cells.filter((c) => c.right).reduce((a, c) => a + c.n, 0);
  expect(total).toBe(500);
  expect(right / total).toBeGreaterThan(0.85); // held-out accuracy of the committed weights: 94%
  const cam = clf.locator('.iw-attribution img');
  expect(await cam.getAttribute('alt')).toMatch(
    /^Grad-CAM \(layer conv3\) for class \d, item \d+$/,
  );
  const image = clf.locator('.iw-detail figure').first().locator('img');
  const v = await mapVariance(
    page,
    (await cam.getAttribute('src'))!,
    (await image.getAttribute('src'))!,
  );
  expect(v).toBeGreaterThan(1);
  await page.screenshot({ path: join(shotsDir, 'content-hero.png'), fullPage: true });
}
