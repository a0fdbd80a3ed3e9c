// The MNIST page trains in a Web Worker: no long task over 200 ms on the main thread while it
// trains, live progress, the times reported; then both widgets answer clicks (the most confused
// pair's saliency, the segmenter's IoU table and stepper), and Grad-CAM in the classifier widget
// uses the last conv layer and draws maps that are not flat. One training run for all of it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapVariance, type Site, shotsDir, startSite } from './content-browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the MNIST page', () => {
  it('trains off the main thread, then draws non-blank Grad-CAM maps on the last conv layer', async () => {
    const { page, errors } = await site.open('mnist.html');
    await page.evaluate(() => window.examplesDone);
    const section = page.locator('section[data-example="mnist"]');
    const output = section.locator('.example-output');
    const clickedAt = await page.evaluate(() => performance.now());
    await section.getByRole('button', { name: 'Run this example' }).click();
    // The progress bar paints and moves while the worker trains.
    await expect
      .poll(() => output.locator('progress').evaluate((p) => (p as HTMLProgressElement).value), {
        timeout: 60_000,
        interval: 50,
      })
      .toBeGreaterThan(0);
    await page.waitForSelector(
      'section[data-example="mnist"]:is([data-status="done"], [data-status="error"])',
      { timeout: 120_000 },
    );
    expect(await section.getAttribute('data-status')).toBe('done');
    const trainedAt = Number(await output.getAttribute('data-trained-at'));
    const tasks = await page.evaluate(() => window.longTasks);
    const during = tasks.filter((t) => t.start >= clickedAt && t.start <= trainedAt);
    const longest = Math.max(0, ...during.map((t) => t.duration));
    console.log(
      `MNIST: trained in ${((trainedAt - clickedAt) / 1000).toFixed(1)} s; longest main-thread task while training ${longest.toFixed(0)} ms (${during.length} over 50 ms); longest on the page ${Math.max(0, ...tasks.map((t) => t.duration)).toFixed(0)} ms`,
    );
    expect(longest).toBeLessThan(200);

    const summary = (await output.locator('p[role=status]').first().textContent()) ?? '';
    expect(Number(/([\d.]+)% validation accuracy/.exec(summary)?.[1])).toBeGreaterThan(60);
    expect(summary).toMatch(
      /Training took [\d.]+ s in a Web Worker \(classifier [\d.]+ s, segmenter [\d.]+ s\); [\d.]+ s in all/,
    );

    // The most confused pair: click its cell, open its first item, get its saliency map.
    const clf = section.locator('[data-widget=classifier]');
    const worst = await clf.evaluate((root) => {
      let best = { i: 0, j: 1, v: -1 };
      for (const td of root.querySelectorAll<HTMLElement>('td[data-actual]')) {
        const i = Number(td.dataset.actual);
        const j = Number(td.dataset.predicted);
        const v = Number(td.textContent);
        if (i !== j && v > best.v) best = { i, j, v };
      }
      return best;
    });
    expect(worst.v).toBeGreaterThan(0);
    await clf.locator(`td[data-actual="${worst.i}"][data-predicted="${worst.j}"]`).click();
    await expect.poll(() => clf.locator('ul.iw-items li[data-index]').count()).toBe(worst.v);
    await clf.locator('ul.iw-items li[data-index]').first().click();
    const saliency = clf.locator('.iw-attribution img');
    await saliency.waitFor({ timeout: 30_000 });
    expect(await saliency.getAttribute('alt')).toMatch(
      new RegExp(`^Saliency for class ${worst.j}, item \\d+$`),
    );
    expect(await saliency.getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    // The segmenter: per-class IoU for the 11 classes, and its image stepper.
    const seg = section.locator('[data-widget=segmentation]');
    await expect.poll(() => seg.locator('table.iw-iou tbody tr').count()).toBe(11);
    const meanIoU = Number(
      await seg.locator('table.iw-iou tfoot tr').first().locator('td').last().textContent(),
    );
    expect(meanIoU).toBeGreaterThan(0.2);
    await seg.getByRole('button', { name: 'Next image' }).click();
    await expect
      .poll(() => seg.locator('.iw-controls span').textContent())
      .toMatch(/^Image 2 of 500/);
    await page.screenshot({ path: join(shotsDir, 'mnist-trained.png'), fullPage: true });

    // Grad-CAM from the menu on several items: the last conv layer, maps that vary.
    await clf.locator('select[name=attribution]').selectOption('gradcam');
    // Correctly classified 3s: the class's evidence should light up the digit's strokes. The
    // overlay blends the map over the image, so the map's own signal is its difference from
    // the plain image (the item's thumbnail): a flat or blank map adds nothing.
    await clf.locator('td[data-actual="3"][data-predicted="3"]').click();
    const items = clf.locator('ul.iw-items li[data-index]');
    const clicksFrom = await page.evaluate(() => performance.now());
    const variances: number[] = [];
    for (let k = 0; k < 4; k++) {
      await items.nth(k * 5).click();
      const img = clf.locator('.iw-attribution img');
      await expect
        .poll(() => img.getAttribute('alt'), { timeout: 10_000 })
        .toMatch(/^Grad-CAM \(layer conv3\) for class 3, item/);
      expect(await clf.locator('.iw-blank').count()).toBe(0);
      const image = clf.locator('.iw-detail figure').first().locator('img');
      variances.push(
        await mapVariance(
          page,
          (await img.getAttribute('src'))!,
          (await image.getAttribute('src'))!,
        ),
      );
    }
    // Control: the image over itself leaves no residual, as a blank map's overlay would.
    const plain = (await clf
      .locator('.iw-detail figure')
      .first()
      .locator('img')
      .getAttribute('src'))!;
    expect(await mapVariance(page, plain, plain)).toBeLessThan(1);
    console.log(`MNIST Grad-CAM map variances: ${variances.map((v) => v.toFixed(1)).join(', ')}`);
    for (const v of variances) expect(v).toBeGreaterThan(0);
    const clickTasks = (await page.evaluate(() => window.longTasks)).filter(
      (t) => t.start >= clicksFrom,
    );
    console.log(
      `MNIST: longest main-thread task while drawing Grad-CAM (4 clicks): ${Math.max(0, ...clickTasks.map((t) => t.duration)).toFixed(0)} ms`,
    );

    await page.screenshot({ path: join(shotsDir, 'content-mnist.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
