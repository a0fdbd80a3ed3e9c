// A roving-tabindex keyboard grid (WAI-ARIA grid and listbox patterns): one focusable cell,
// arrows move focus, Home/End jump, Enter and Space activate. The key-to-cell step is a pure
// function so it is tested without a DOM.
import { isActivationKey } from './dom.js';

/** A cell's place: row and column (a list is one column). */
export interface GridPosition {
  row: number;
  col: number;
}

/**
 * `grid`: arrows move in two dimensions, Home/End go to the row's ends. `list`: the cells are one
 * sequence (a wrapped list of thumbnails), every arrow steps by one, Home/End go to its ends.
 */
export type GridMode = 'grid' | 'list';

/**
 * Where a key moves focus from `at` in a `rows` x `cols` grid: the new position, `'activate'`
 * for Enter and Space, or undefined for a key the grid does not handle.
 */
export function gridKeyTarget(
  key: string,
  at: GridPosition,
  size: { rows: number; cols: number },
  mode: GridMode,
): GridPosition | 'activate' | undefined {
  if (isActivationKey(key)) return 'activate';
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  if (mode === 'list') {
    const n = size.rows * size.cols;
    const k = at.row * size.cols + at.col;
    const step: Record<string, number> = {
      ArrowDown: k + 1,
      ArrowRight: k + 1,
      ArrowUp: k - 1,
      ArrowLeft: k - 1,
      Home: 0,
      End: n - 1,
    };
    const to = step[key];
    if (to === undefined) return undefined;
    const c = clamp(to, n - 1);
    return { row: Math.floor(c / size.cols), col: c % size.cols };
  }
  const { row, col } = at;
  switch (key) {
    case 'ArrowUp':
      return { row: clamp(row - 1, size.rows - 1), col };
    case 'ArrowDown':
      return { row: clamp(row + 1, size.rows - 1), col };
    case 'ArrowLeft':
      return { row, col: clamp(col - 1, size.cols - 1) };
    case 'ArrowRight':
      return { row, col: clamp(col + 1, size.cols - 1) };
    case 'Home':
      return { row, col: 0 };
    case 'End':
      return { row, col: size.cols - 1 };
    default:
      return undefined;
  }
}

/** Options of {@link keyboardGrid}. */
export interface KeyboardGridOptions {
  /** Matches the grid's cells among the container's descendants (for example `td[data-actual]`). */
  selector: string;
  /** Cells per row (`grid` mode); a list has one. */
  cols?: number;
  mode: GridMode;
  /** Called on a click, Enter or Space on a cell. */
  onActivate(cell: HTMLElement): void;
}

/** What {@link keyboardGrid} returns: focus moves that also update the roving tabindex. */
export interface KeyboardGrid {
  /** Makes `cell` the grid's one tab stop and focuses it. */
  focus(cell: HTMLElement): void;
}

/**
 * Makes the cells under `container` a keyboard grid: clicks and Enter/Space activate a cell,
 * arrows and Home/End move the focus (and the single `tabindex="0"`) between cells. Cells are
 * looked up on each key, so lists that grow page by page stay navigable.
 */
export function keyboardGrid(container: HTMLElement, options: KeyboardGridOptions): KeyboardGrid {
  const cells = () => Array.from(container.querySelectorAll(options.selector)) as HTMLElement[];
  const focus = (cell: HTMLElement) => {
    for (const other of cells()) other.setAttribute('tabindex', other === cell ? '0' : '-1');
    cell.focus();
  };
  const cellOf = (e: Event) =>
    ((e.target as Element | null)?.closest?.(options.selector) as HTMLElement | null) ?? null;
  container.addEventListener('click', (e) => {
    const cell = cellOf(e);
    if (!cell) return;
    focus(cell);
    options.onActivate(cell);
  });
  container.addEventListener('keydown', (e) => {
    const cell = cellOf(e);
    if (!cell) return;
    const all = cells();
    const k = all.indexOf(cell);
    const cols = options.cols ?? 1;
    const rows = Math.ceil(all.length / cols);
    const to = gridKeyTarget(
      (e as KeyboardEvent).key,
      { row: Math.floor(k / cols), col: k % cols },
      { rows, cols },
      options.mode,
    );
    if (to === undefined) return;
    e.preventDefault();
    if (to === 'activate') {
      focus(cell);
      options.onActivate(cell);
      return;
    }
    const next = all[to.row * cols + to.col];
    if (next) focus(next);
  });
  return { focus };
}
