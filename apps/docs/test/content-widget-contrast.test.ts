// The widgets on the docs' widgets page, in the light and the dark theme: every piece of text
// reaches WCAG contrast 4.5 against what it is drawn on (the confusion cells' own colours
// included), and the keyboard focus ring 3 against the colours beside it (its inner ring and
// the page). Colours are the browser's computed styles.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, startSite } from './content-browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the widgets page', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`keeps the widgets' text and focus ring legible in the ${scheme} theme`, async () => {
      const { page, errors } = await site.open('widgets.html');
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => window.examplesDone);
      // Open an item so its detail (captions, probabilities, attribution) is measured too.
      const clf = page.locator('section[data-example="widgets-model"] [data-widget=classifier]');
      await clf.locator('td[data-actual="3"][data-predicted="3"]').click();
      await clf.locator('ul.iw-items li[data-index]').first().click();
      await clf.locator('.iw-attribution img').waitFor({ timeout: 30_000 });
      const text = await textContrasts(page);
      console.log(
        `widgets, ${scheme}: ${text.checked} text elements, lowest contrast ${text.lowest.toFixed(2)}`,
      );
      expect(text.checked).toBeGreaterThan(50);
      expect(text.failures).toEqual([]);
      const rings = await focusRingContrasts(page);
      console.log(
        `widgets, ${scheme}: focus ring ${rings.map((r) => `${r.what} ${r.inner.toFixed(2)}/${r.page.toFixed(2)}`).join(', ')}`,
      );
      expect(rings.length).toBeGreaterThan(1);
      for (const r of rings) {
        expect(r.inner, `${r.what}: ring vs its inner ring`).toBeGreaterThanOrEqual(3);
        expect(r.page, `${r.what}: ring vs the page`).toBeGreaterThanOrEqual(3);
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

/** In the page: WCAG contrast of two CSS colours (rgb()/rgba(), alpha over `under`). */
const CONTRAST_HELPERS = `
const rgba = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c); if (!m) return null;
  const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [r, g, b, a]; };
const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3])).concat(1);
const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const backdrop = (el) => { const layers = [];
  for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) { layers.push(c); if (c[3] === 1) break; } }
  let base = [255, 255, 255, 1]; for (const l of layers.reverse()) base = over(l, base); return base; };
`;

/** Every visible element of the widgets with its own text: its colour against its backdrop. */
function textContrasts(
  page: Page,
): Promise<{ checked: number; lowest: number; failures: string[] }> {
  return page.evaluate(
    new Function(`${CONTRAST_HELPERS}
      const failures = []; let checked = 0; let lowest = Infinity;
      for (const el of document.querySelectorAll('[data-widget] *')) {
        if (el.tagName === 'OPTION' || el.closest('.iw-sr')) continue;
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        const box = el.getBoundingClientRect();
        if (!own || box.width < 2 || box.height < 2) continue;
        const bg = backdrop(el);
        const fg = over(rgba(getComputedStyle(el).color), bg);
        const c = contrast(fg, bg);
        checked++; lowest = Math.min(lowest, c);
        if (c < 4.5) failures.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + el.textContent.trim().slice(0, 20) + '": ' + c.toFixed(2) + ' (' + getComputedStyle(el).color + ' on rgb(' + bg.slice(0, 3).join(', ') + '))');
      }
      return { checked, lowest, failures };`) as () => {
      checked: number;
      lowest: number;
      failures: string[];
    },
  );
}

/**
 * The focus ring of a confusion cell (the darkest and the lightest) and of an item, focused from
 * the keyboard: its outline colour against its inner ring (the inset shadow) and the page.
 */
async function focusRingContrasts(
  page: Page,
): Promise<{ what: string; inner: number; page: number }[]> {
  await page.keyboard.press('Shift'); // keyboard modality, for :focus-visible
  return page.evaluate(
    new Function(`${CONTRAST_HELPERS}
      const root = document.querySelector('section[data-example="widgets-model"] [data-widget=classifier]');
      const cells = [...root.querySelectorAll('td[data-actual]')].sort((a, b) => lum(backdrop(a)) - lum(backdrop(b)));
      const targets = [['darkest cell', cells[0]], ['lightest cell', cells.at(-1)], ['item', root.querySelector('ul.iw-items li[data-index]')]];
      const pageBg = backdrop(document.body);
      return targets.map(([what, el]) => {
        el.focus();
        const s = getComputedStyle(el);
        const ring = rgba(s.outlineColor);
        const inner = rgba(s.boxShadow);
        const result = { what, inner: inner ? contrast(ring, over(inner, backdrop(el))) : 0, page: contrast(ring, pageBg) };
        el.blur();
        return result;
      });`) as () => { what: string; inner: number; page: number }[],
  );
}
