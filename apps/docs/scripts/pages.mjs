// The site's pages, in navigation order: docs/<slug>.md -> <slug>.html.
export const PAGES = [
  { slug: 'index', title: 'Overview' },
  { slug: 'core', title: '@interp/core' },
  { slug: 'viz', title: '@interp/viz' },
  { slug: 'classification', title: '@interp/classification' },
  { slug: 'segmentation', title: '@interp/segmentation' },
  { slug: 'attribution', title: '@interp/attribution' },
  { slug: 'tabular', title: '@interp/tabular' },
  { slug: 'debug', title: '@interp/debug' },
  { slug: 'widgets', title: '@interp/widgets' },
  { slug: 'mnist', title: 'Train MNIST in the browser' },
  { slug: 'pytorch', title: 'Explain a PyTorch model' },
];

/** Packages whose TSDoc becomes the API reference (entry: src/index.ts). */
export const API_PACKAGES = [
  'core',
  'viz',
  'classification',
  'segmentation',
  'attribution',
  'tabular',
  'debug',
  'widgets',
];

/** Digits of the MNIST asset the site serves (the first N of the interleaved, class-balanced set). */
export const MNIST_ASSET_DIGITS = 2000;

/**
 * Examples that need no tfjs backend (typed arrays in, DOM out): their pages load neither the
 * tfjs chunks nor any .wasm (test/site.test.ts checks the network log).
 */
export const BACKEND_FREE_EXAMPLES = ['classification', 'segmentation'];
