import { setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { decodeImage } from './decode.js';
import { type ExploreData, fetchServedData } from './explore-data.js';
import type { ImageSet } from './show-model.js';
import { readUpload } from './upload.js';

const status = document.querySelector<HTMLElement>('#status')!;
const out = document.querySelector<HTMLElement>('#out')!;

function say(text: string, error = false): void {
  status.textContent = text;
  if (error) status.dataset.error = '';
  else delete status.dataset.error;
}

/** The served images (thumbnails are the model-sized images, normalization undone) as a set. */
async function servedSet(data: ExploreData): Promise<ImageSet> {
  const images = await Promise.all(
    data.targets.map(async (_, i) => decodeImage(await (await fetch(`thumbs/${i}.png`)).blob())),
  );
  return {
    images,
    targets: data.targets,
    vocab: data.vocab,
    mean: data.model?.mean ?? [0],
    std: data.model?.std ?? [1],
  };
}

async function showServed(data: ExploreData): Promise<void> {
  const show = await import('./show-model.js');
  const title = `${data.targets.length} items, ${data.classes} classes`;
  if (data.task === 'segmentation' && data.masks) {
    const { showSegmentation } = await import('./show-segmentation.js');
    await showSegmentation(data, out);
    return;
  }
  if (data.task === 'tabular' && data.table && data.model) {
    await show.showPredictions(data.probs, data.classes, data.targets, data.vocab, out, title);
    const { showImportance } = await import('./show-table.js');
    const model =
      data.model.format === 'onnx'
        ? {
            graph: await (await import('@interp/onnx')).loadOnnxModel(
              new Uint8Array(await (await fetch(data.model.url)).arrayBuffer()),
            ),
          }
        : {
            layers: await (await import('@tensorflow/tfjs-layers')).loadLayersModel(data.model.url),
          };
    await showImportance(model, data.table, data.targets, out);
    return;
  }
  if (!data.model || !data.thumbs) {
    await show.showPredictions(data.probs, data.classes, data.targets, data.vocab, out, title);
    return;
  }
  const set = await servedSet(data);
  if (data.model.format === 'layers') {
    const tfl = await import('@tensorflow/tfjs-layers');
    await show.showLayersModel(await tfl.loadLayersModel(data.model.url), set, out, title);
  } else if (data.model.format === 'onnx') {
    const { loadOnnxModel } = await import('@interp/onnx');
    const bytes = new Uint8Array(await (await fetch(data.model.url)).arrayBuffer());
    await show.showOnnxModel(await loadOnnxModel(bytes), set, out, title);
  } else {
    await show.showPredictions(data.probs, data.classes, data.targets, data.vocab, out, title);
  }
}

async function showUpload(files: File[]): Promise<void> {
  say(`Reading ${files.length} files…`);
  try {
    const { model, set } = await readUpload(files);
    const show = await import('./show-model.js');
    out.replaceChildren();
    const title = `${set.images.length} uploaded images, ${set.vocab.length} classes`;
    if (model.kind === 'layers') {
      const tfl = await import('@tensorflow/tfjs-layers');
      const m = await tfl.loadLayersModel(tf.io.browserFiles([model.json, ...model.weights]));
      await show.showLayersModel(m, set, out, title);
    } else {
      const { loadOnnxModel } = await import('@interp/onnx');
      await show.showOnnxModel(
        await loadOnnxModel(new Uint8Array(await model.file.arrayBuffer())),
        set,
        out,
        title,
      );
    }
    say(`Showing ${title}.`);
  } catch (e) {
    say(`Could not read the files: ${e instanceof Error ? e.message : String(e)}`, true);
  }
}

function wireUpload(): void {
  const input = document.querySelector<HTMLInputElement>('#files')!;
  input.addEventListener('change', () => void showUpload([...(input.files ?? [])]));
  const drop = document.querySelector<HTMLElement>('#drop')!;
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.dataset.over = '';
  });
  drop.addEventListener('dragleave', () => delete drop.dataset.over);
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    delete drop.dataset.over;
    void showUpload([...(e.dataTransfer?.files ?? [])]);
  });
}

async function start(): Promise<void> {
  wireUpload();
  try {
    const info = await setupBackend('wasm', {
      wasmPaths: new URL('wasm/', location.href).href,
      warn: () => {},
    });
    const data = await fetchServedData();
    if (!data) {
      say(`Ready (${info.backend}). Drop a model and images to explore them.`);
      return;
    }
    say('Loading the model and data…');
    await showServed(data);
    say(`Showing ${data.targets.length} items (${info.backend}).`);
  } catch (e) {
    say(`Could not start: ${e instanceof Error ? e.message : String(e)}`, true);
  }
}

void start();
