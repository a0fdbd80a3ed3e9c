import { InterpError } from '@interp/core/base';
import { assertNumber, describe } from '@interp/core/internal';
import { toSVGString } from './to-svg-string.js';

/** Options of {@link toPNG}. */
export interface ToPNGOptions {
  /** Output pixels per SVG pixel (2 for a sharp image on high-density screens). */
  scale?: number;
  /** Fill behind the figure, any CSS color; null keeps the background transparent. */
  background?: string | null;
  /**
   * Font family used for generic `sans-serif` text and as the fallback font in Node (resvg loads
   * the system fonts); by default one that ships with the platform.
   */
  fontFamily?: string;
}

// A variable specifier keeps bundlers from pulling the native renderer into browser builds.
const RESVG = '@resvg/resvg-js';

interface ResvgModule {
  renderAsync(
    svg: string,
    options: Record<string, unknown>,
  ): Promise<{ asPng(): Uint8Array; width: number; height: number }>;
}

function defaultSansSerif(): string {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  return platform === 'darwin' ? 'Helvetica' : platform === 'win32' ? 'Arial' : 'DejaVu Sans';
}

/** toPNG defaults, written once (the font family depends on the platform: see `fontFamily`). */
export const toPNGDefaults: { readonly scale: number; readonly background: string } = Object.freeze(
  { scale: 1, background: 'white' },
);

/**
 * Renders an SVG figure (an element from a plot function, or SVG text) to PNG bytes. In Node it
 * uses @resvg/resvg-js (an optional peer dependency) with the system fonts; in a browser it
 * draws the SVG on a canvas. The PNG is the SVG's width and height times `scale`.
 *
 * @example
 * ```ts
 * fs.writeFileSync('cm.png', await toPNG(heatmap(matrix, { document }), { scale: 2 }));
 * ```
 */
export async function toPNG(
  svg: Element | string,
  {
    scale = toPNGDefaults.scale,
    background = toPNGDefaults.background,
    fontFamily = defaultSansSerif(),
  }: ToPNGOptions = {},
): Promise<Uint8Array> {
  assertNumber(scale, 'scale', Number.MIN_VALUE, 64);
  const text = svgText(svg);
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node === 'string';
  return isNode
    ? renderWithResvg(text, scale, background, fontFamily)
    : renderWithCanvas(text, scale, background);
}

function svgText(svg: Element | string): string {
  if (typeof svg === 'string') {
    if (!/<svg[\s>]/.test(svg)) {
      throw new InterpError('INVALID_ARGUMENT', `toPNG expects SVG text, got ${describe(svg)}`);
    }
    return svg;
  }
  if (svg == null || typeof svg !== 'object' || typeof svg.localName !== 'string') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `toPNG expects an <svg> element or SVG text, got ${describe(svg)}`,
    );
  }
  if (svg.localName !== 'svg') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `toPNG renders SVG figures only, got <${svg.localName}>; tables and other HTML figures cannot be rasterized here`,
    );
  }
  return toSVGString(svg);
}

async function renderWithResvg(
  svg: string,
  scale: number,
  background: string | null,
  fontFamily: string,
): Promise<Uint8Array> {
  let resvg: ResvgModule;
  try {
    resvg = await import(/* @vite-ignore */ RESVG);
  } catch (cause) {
    throw new InterpError(
      'NOT_SUPPORTED',
      'toPNG in Node needs @resvg/resvg-js: npm install @resvg/resvg-js',
      { cause },
    );
  }
  // resvg knows only SVG 1.1's image-rendering keywords: optimizeSpeed is its nearest-neighbour.
  const text = svg.replace(/image-rendering(="|:\s*)pixelated/g, 'image-rendering$1optimizeSpeed');
  const image = await resvg.renderAsync(text, {
    fitTo: { mode: 'zoom', value: scale },
    ...(background === null ? {} : { background }),
    font: {
      loadSystemFonts: true,
      defaultFontFamily: fontFamily,
      sansSerifFamily: fontFamily,
    },
    // Missing fonts fall back to another system font; that is not worth a warning per figure.
    logLevel: 'error',
  });
  return new Uint8Array(image.asPng());
}

async function renderWithCanvas(
  svg: string,
  scale: number,
  background: string | null,
): Promise<Uint8Array> {
  const g = globalThis as unknown as {
    document?: Document;
    Image?: new () => HTMLImageElement;
  };
  if (!g.document || !g.Image) {
    throw new InterpError(
      'NOT_SUPPORTED',
      'toPNG needs a browser (Image and canvas) or Node with @resvg/resvg-js',
    );
  }
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  // Plot always sets both; 300x150 is the size browsers give an SVG image without them.
  const w = Number(/\swidth="([\d.]+)"/.exec(root)?.[1] ?? 300);
  const h = Number(/\sheight="([\d.]+)"/.exec(root)?.[1] ?? 150);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new g.Image();
    img.src = url;
    await img.decode();
    const canvas = g.document.createElement('canvas');
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new InterpError('NOT_SUPPORTED', 'toPNG: this browser has no 2d canvas');
    if (background !== null) {
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
    }
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new InterpError('NOT_SUPPORTED', 'toPNG: the canvas could not encode a PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
