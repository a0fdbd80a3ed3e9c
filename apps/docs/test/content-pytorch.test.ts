// The PyTorch page: the committed ONNX export (trained by scripts/train-pytorch-digits.py) loads
// from fetch through @interp/onnx, and its saliency, Integrated Gradients and Grad-CAM maps are
// drawn, none of them blank.
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

describe('the PyTorch page', () => {
  it('explains the ONNX export with three non-blank maps per digit', async () => {
    const { page, errors } = await site.open('pytorch.html');
    await page.evaluate(() => window.examplesDone);
    const section = page.locator('section[data-example="pytorch"]');
    expect(await section.getAttribute('data-status')).toBe('done');
    const headers = await section.locator('table.onnx-maps thead th').allTextContents();
    expect(headers).toEqual([
      'Digit',
      'Saliency',
      'Integrated Gradients',
      'Grad-CAM (/features/features.7/Relu)',
    ]);
    const rows = section.locator('table.onnx-maps tbody tr');
    expect(await rows.count()).toBe(4);
    // The held-out digits are class-interleaved: 0, 1, 2, 3; a 92% model gets most right.
    const labels = await rows.locator('td:first-child').allTextContents();
    expect(labels.map((t) => t.split(',')[0])).toEqual([
      'actual 0',
      'actual 1',
      'actual 2',
      'actual 3',
    ]);
    expect(
      labels.filter((t) => /actual (\d), predicted \1$/.test(t)).length,
    ).toBeGreaterThanOrEqual(3);
    const plain = await page.evaluate(async () => {
      // The first digit alone (its grey levels), to separate each map from the image under it.
      const res = await fetch(new URL('data/mnist-digits.bin', document.baseURI));
      const bytes = new Uint8Array(await res.arrayBuffer());
      const n = new DataView(bytes.buffer).getUint32(0, true);
      return Array.from({ length: 4 }, (_, i) => {
        const start = 4 + n + (1500 + i) * 784;
        const c = document.createElement('canvas');
        c.width = 28;
        c.height = 28;
        const ctx = c.getContext('2d')!;
        const img = ctx.createImageData(28, 28);
        for (let p = 0; p < 784; p++)
          img.data.set([bytes[start + p]!, bytes[start + p]!, bytes[start + p]!, 255], p * 4);
        ctx.putImageData(img, 0, 0);
        return c.toDataURL();
      });
    });
    for (let i = 0; i < 4; i++) {
      const imgs = rows.nth(i).locator('img');
      expect(await imgs.count()).toBe(3);
      for (let m = 0; m < 3; m++) {
        const v = await mapVariance(page, (await imgs.nth(m).getAttribute('src'))!, plain[i]!);
        expect(v, `digit ${i}, ${headers[m + 1]}`).toBeGreaterThan(1);
      }
    }
    await page.screenshot({ path: join(shotsDir, 'content-pytorch.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
