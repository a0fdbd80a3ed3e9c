import { InterpError } from '@interp/core/base';
import type { CliIO } from '../cli-io.js';
import { exploreDefaults } from './explore.js';
import type { ExploreData } from './explore-data.js';
import { addModelFiles } from './explore-data.js';
import type { RouteTable } from './explore-routes.js';
import { asProbabilities } from './report-probabilities.js';

/** The resolved inputs of `interp explore --model M --data D`. */
export interface ExploreImageInputs {
  model: string;
  data: string;
  labels?: string;
  size?: number[];
  mean?: number[];
  std?: number[];
  preset?: '[0,1]' | '[-1,1]' | 'imagenet';
}

/**
 * Loads the model and the image folder, predicts in Node (WASM), and adds the model files, the
 * float input predicted on (`/inputs.npy`) and one PNG thumbnail per item (`/thumbs/<i>.png`) to
 * `routes`; returns the page's data.
 */
export async function exploreImages(
  inputs: ExploreImageInputs,
  routes: RouteTable,
  io: CliIO,
): Promise<ExploreData> {
  const [tf, core, models, images, viz, data] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@interp/core'),
    import('../io/load-model.js'),
    import('./report-images.js'),
    import('@interp/viz/image'),
    import('@interp/data'),
  ]);
  await core.setupBackend('wasm', { warn: (m) => io.stderr.write(`${m}\n`) });
  const loaded = await models.loadModel(inputs.model);
  try {
    const size =
      inputs.size === undefined
        ? undefined
        : ([inputs.size[0]!, inputs.size[1] ?? inputs.size[0]!] as [number, number]);
    const img = await images.loadModelImages(
      inputs.data,
      inputs.labels,
      inputs.model,
      loaded.graph,
      { size, mean: inputs.mean, std: inputs.std, preset: inputs.preset },
      io,
    );
    const { folder } = img;
    const n = folder.targets.length;
    if (n > exploreDefaults.maxItems) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${inputs.data} has ${n} images; explore shows at most ${exploreDefaults.maxItems} (pass a smaller folder or a --labels CSV of a subset)`,
      );
    }
    const { scores, classes } = await images.predictImages(
      tf,
      loaded,
      folder.x,
      exploreDefaults.batchSize,
      io,
    );
    if (classes !== folder.vocab.length) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${inputs.model} gives ${classes} class scores but ${inputs.data} has ${folder.vocab.length} classes; the class folders (sorted) or label ids must be the model's classes`,
      );
    }
    const { probs } = asProbabilities(scores, classes, inputs.model);
    for (let i = 0; i < n; i++) {
      const url = viz.imageToDataURL(images.displayImage(img, i), { range: '0-1' });
      routes.add(`/thumbs/${i}.png`, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
    }
    // The exact floats predicted on: the page's predictions equal these, to float rounding.
    routes.add(
      '/inputs.npy',
      data.encodeNpy(folder.x.data, folder.x.shape),
      'application/octet-stream',
    );
    return {
      task: 'classification',
      vocab: [...folder.vocab],
      targets: Array.from(folder.targets),
      probs: Array.from(probs),
      classes,
      files: [...folder.files],
      thumbs: true,
      inputs: { url: 'inputs.npy', shape: [...folder.x.shape] },
      model: {
        url: addModelFiles(routes, inputs.model),
        format: loaded.format,
        layout: img.layout,
        mean: [...img.mean],
        std: [...img.std],
      },
    };
  } finally {
    loaded.dispose();
  }
}
