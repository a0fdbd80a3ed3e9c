// The widgets page: a widget over a model (attribution by every catalog method), captions that
// say predicted and actual, errors visible in the confusion matrix, a focus ring that shows on
// the darkest cell, the segmentation error panel and a background swatch in its real colour.
import { join } from 'node:path';
import { METHOD_NAMES } from '@interp/attribution/methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, shotsDir, startSite } from './content-browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the widgets page', () => {
  it('shows a model-backed classifier with every attribution method, and the visual fixes', async () => {
    const { page, errors } = await site.open('widgets.html');
    await page.evaluate(() => window.examplesDone);
    // No demo class name is markup any more.
    expect(await page.locator('main').innerHTML()).not.toContain('onerror=alert');

    const model = page.locator('section[data-example="widgets-model"] [data-widget=classifier]');
    const menu = model.locator('select[name=attribution]');
    expect(
      await menu
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual([...METHOD_NAMES]);
    const first = model.locator('ul.iw-items li[data-index]').first();
    expect(await first.locator('.iw-caption').allTextContents()).toEqual([
      expect.stringMatching(/^predicted \d$/),
      expect.stringMatching(/^actual \d$/),
    ]);
    await first.click();
    const attribution = model.locator('.iw-attribution img');
    await expect
      .poll(() => attribution.getAttribute('alt'), { timeout: 10_000 })
      .toMatch(/^Saliency for class \d, item \d+$/);
    for (const [method, alt] of [
      ['gradcam', /^Grad-CAM \(layer conv3\) for class \d, item \d+$/],
      ['lime', /^Lime for class \d, item \d+$/],
      ['layer-conductance', /^LayerConductance \(layer conv3\) for class \d, item \d+$/],
    ] as const) {
      await menu.selectOption(method);
      await expect.poll(() => attribution.getAttribute('alt'), { timeout: 20_000 }).toMatch(alt);
    }

    // Errors have their own scale: a non-empty error cell is tinted, an empty one is not.
    const clf = page.locator('section[data-example="widgets-classifier"] [data-widget=classifier]');
    const bg = (i: number, j: number) =>
      clf
        .locator(`td[data-actual="${i}"][data-predicted="${j}"]`)
        .evaluate((td) => getComputedStyle(td).backgroundColor);
    const counts = await clf
      .locator('td[data-actual]')
      .evaluateAll((tds) =>
        tds.map((td) => [
          Number((td as HTMLElement).dataset.actual),
          Number((td as HTMLElement).dataset.predicted),
          Number(td.textContent),
        ]),
      );
    const errorCell = counts.find(([i, j, n]) => i !== j && n! > 0)!;
    const emptyCell = counts.find(([i, j, n]) => i !== j && n === 0)!;
    expect(await bg(errorCell[0]!, errorCell[1]!)).not.toBe(await bg(emptyCell[0]!, emptyCell[1]!));

    // The focus ring on the darkest cell (the largest diagonal count): blue with a white inner ring.
    const darkest = counts.filter(([i, j]) => i === j).sort((a, b) => b[2]! - a[2]!)[0]!;
    const cell = clf.locator(`td[data-actual="${darkest[0]}"][data-predicted="${darkest[1]}"]`);
    await cell.focus();
    const ring = await cell.evaluate((td) => {
      const s = getComputedStyle(td);
      return { outline: `${s.outlineStyle} ${s.outlineColor}`, shadow: s.boxShadow };
    });
    expect(ring.outline).toBe('solid rgb(9, 105, 218)');
    expect(ring.shadow).toContain('rgb(255, 255, 255)');

    // Segmentation: an error panel, and the background swatch in its real colour (black).
    const seg = page.locator(
      'section[data-example="widgets-segmentation"] [data-widget=segmentation]',
    );
    const captions = await seg.locator('.iw-panels figcaption').allTextContents();
    expect(captions.slice(0, 3)).toEqual(['Image', 'Target mask', 'Predicted mask']);
    expect(captions[3]).toMatch(/^Errors \(\d+ px\)$/);
    const swatch = await seg
      .locator('.iw-legend li')
      .first()
      .evaluate((li) => ({
        text: li.textContent,
        colour: getComputedStyle(li.querySelector('.iw-swatch')!).backgroundColor,
      }));
    expect(swatch).toEqual({ text: 'background', colour: 'rgb(0, 0, 0)' });

    await page.screenshot({ path: join(shotsDir, 'content-widgets.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
