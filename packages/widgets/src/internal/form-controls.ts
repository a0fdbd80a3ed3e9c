// Select menus driven through their options, not `select.value`: linkedom (what createDocument()
// gives in Node) has a getter-only `value` on <select> and reads no value until an option carries
// `selected`, so assigning `select.value` there throws a raw TypeError.
import { InterpError } from '@interp/core/base';

function options(select: HTMLSelectElement): HTMLOptionElement[] {
  return Array.from(select.querySelectorAll('option'));
}

function optionValue(option: HTMLOptionElement): string {
  return option.getAttribute('value') ?? option.textContent ?? '';
}

/**
 * Selects the option of `select` whose value is `value` (and only it), through each option's
 * `selected` property and attribute, which every DOM implements.
 */
export function setSelectValue(select: HTMLSelectElement, value: string): void {
  const all = options(select);
  const target = all.find((o) => optionValue(o) === value);
  if (!target) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `the menu ${select.getAttribute('name') ?? ''} has no option ${JSON.stringify(value)}`,
    );
  }
  try {
    // Deselect all first, then select: linkedom's `selected = false` may clear a sibling's mark.
    for (const o of all) {
      o.selected = false;
      o.removeAttribute('selected');
    }
    target.selected = true;
    target.setAttribute('selected', '');
  } catch (cause) {
    throw new InterpError(
      'NOT_SUPPORTED',
      'the widgets need a DOM with form controls (option.selected): in Node use createDocument() from @interp/viz (linkedom) or jsdom',
      { cause },
    );
  }
}

/** The value of the selected option of `select` (the first option when none is marked). */
export function selectValue(select: HTMLSelectElement): string {
  const all = options(select);
  const chosen = all.find((o) => o.selected) ?? all.find((o) => o.hasAttribute('selected'));
  return chosen ? optionValue(chosen) : all[0] ? optionValue(all[0]) : '';
}
