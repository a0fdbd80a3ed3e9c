// One-off scaffolder for package folders (kept for adding packages later).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const TF = '^4.22.0';
const pk = {
  core: {
    desc: 'Core of interp: backend setup (WASM SIMD), Learner, DataLoader, getPreds, Interpretation base, losses, errors.',
    deps: {},
    peers: {
      '@tensorflow/tfjs-core': TF,
      '@tensorflow/tfjs-layers': TF,
      '@tensorflow/tfjs-backend-wasm': TF,
      '@tensorflow/tfjs-backend-cpu': TF,
    },
  },
  viz: {
    desc: 'Observable Plot charts, image grids and heatmaps for interp; SVG in Node and the browser.',
    deps: { '@interp/core': 'workspace:^', '@observablehq/plot': '^0.6.17' },
    peers: { '@tensorflow/tfjs-core': TF },
  },
  classification: {
    desc: 'Classification interpretation: confusion matrix, most confused, top losses, classification report, ROC/PR, calibration.',
    deps: { '@interp/core': 'workspace:^', '@interp/viz': 'workspace:^' },
    peers: { '@tensorflow/tfjs-core': TF },
  },
  segmentation: {
    desc: 'Segmentation interpretation: pixel confusion matrix, IoU, Dice, per-class accuracy, top losses.',
    deps: { '@interp/core': 'workspace:^', '@interp/viz': 'workspace:^' },
    peers: { '@tensorflow/tfjs-core': TF },
  },
  attribution: {
    desc: 'Attribution for tfjs models: saliency, gradient x input, Integrated Gradients, GradCAM, SmoothGrad, Occlusion.',
    deps: { '@interp/core': 'workspace:^', '@interp/viz': 'workspace:^' },
    peers: { '@tensorflow/tfjs-core': TF, '@tensorflow/tfjs-layers': TF },
  },
  tabular: {
    desc: 'Tabular data, learners and feature importance (permutation, rfpimp, out-of-bag, partial dependence).',
    deps: { '@interp/core': 'workspace:^', '@interp/viz': 'workspace:^' },
    peers: { '@tensorflow/tfjs-core': TF, '@tensorflow/tfjs-layers': TF },
  },
  debug: {
    desc: 'Model debugging: ActivationStats, ModelDebugger, summary, checkModel, lrFind.',
    deps: { '@interp/core': 'workspace:^', '@interp/viz': 'workspace:^' },
    peers: { '@tensorflow/tfjs-core': TF, '@tensorflow/tfjs-layers': TF },
  },
  widgets: {
    desc: 'Interactive DOM widgets for exploring classification and segmentation predictions.',
    deps: {
      '@interp/core': 'workspace:^',
      '@interp/viz': 'workspace:^',
      '@interp/classification': 'workspace:^',
      '@interp/segmentation': 'workspace:^',
      '@interp/attribution': 'workspace:^',
    },
    peers: { '@tensorflow/tfjs-core': TF },
  },
};
for (const [name, { desc, deps, peers }] of Object.entries(pk)) {
  const dir = `packages/${name}`;
  mkdirSync(`${dir}/src`, { recursive: true });
  const json = {
    name: `@interp/${name}`,
    version: '0.1.0',
    description: desc,
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    repository: { type: 'git', url: 'git+https://example.invalid/interp.git', directory: dir },
    exports: {
      '.': { types: './dist/index.d.ts', source: './src/index.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/__snapshots__'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
      publint: 'publint --strict && attw --pack --profile esm-only .',
    },
    dependencies: deps,
    peerDependencies: peers,
    devDependencies: {},
    engines: { node: '>=20' },
  };
  if (!existsSync(`${dir}/package.json`))
    writeFileSync(`${dir}/package.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(
    `${dir}/tsconfig.json`,
    `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, types: ['node'] }, include: ['src'] }, null, 2)}\n`,
  );
  writeFileSync(
    `${dir}/tsconfig.build.json`,
    `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { rootDir: 'src', outDir: 'dist', types: ['node'] }, include: ['src'], exclude: ['src/**/*.test.ts', 'src/**/test-*.ts'] }, null, 2)}\n`,
  );
  writeFileSync(
    `${dir}/vitest.config.ts`,
    `import { defineConfig } from 'vitest/config';\nimport { sharedTestConfig } from '../../vitest.shared.js';\n\nexport default defineConfig(sharedTestConfig('${name}'));\n`,
  );
  if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, 'export {};\n');
}
