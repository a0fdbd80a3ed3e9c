import { type GraphSource, type ModelGraph, setupBackend, toModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { type ExploreData, fetchServedData } from './explore-data.js';
import type { Inputs } from './show-model.js';
import { readUpload, type Upload } from './upload.js';

const status = document.querySelector<HTMLElement>('#status')!;
const out = document.querySelector<HTMLElement>('#out')!;

function say(text: string, error = false): void {
  status.textContent = text;
  if (error) status.dataset.error = '';
  else delete status.dataset.error;
}

/** The served model: a tfjs model (LayersModel) or an ONNX model graph. */
async function servedModel(model: NonNullable<ExploreData['model']>): Promise<GraphSource> {
  if (model.format === 'onnx') {
    const { loadOnnxModel } = await import('@interp/onnx');
    return loadOnnxModel(new Uint8Array(await (await fetch(model.url)).arrayBuffer()));
  }
  const tfl = await import('@tensorflow/tfjs-layers');
  return tfl.loadLayersModel(model.url);
}

/** The exact float input the CLI predicted on (a float32 .npy in the model's layout). */
async function servedInputs(inputs: NonNullable<ExploreData['inputs']>): Promise<Inputs> {
  const { parseNpy } = await import('@interp/data');
  const npy = parseNpy(new Uint8Array(await (await fetch(inputs.url)).arrayBuffer()), inputs.url);
  if (!(npy.data instanceof Float32Array)) throw new Error(`${inputs.url} is not float32`);
  return { data: npy.data, shape: npy.shape };
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
    await showImportance(await servedModel(data.model), data.table, data.targets, out);
    return;
  }
  if (!data.model || !data.inputs || data.model.format === 'graph-model') {
    await show.showPredictions(data.probs, data.classes, data.targets, data.vocab, out, title);
    return;
  }
  const model = await servedModel(data.model);
  const x = await servedInputs(data.inputs);
  await show.showModel(model, x, data.targets, data.vocab, out, title);
}

/** The uploaded model as a graph. */
async function uploadedModel(model: Upload['model']): Promise<GraphSource> {
  if (model.kind === 'layers') {
    const tfl = await import('@tensorflow/tfjs-layers');
    return tfl.loadLayersModel(tf.io.browserFiles([model.json, ...model.weights]));
  }
  const { loadOnnxModel } = await import('@interp/onnx');
  return loadOnnxModel(new Uint8Array(await model.file.arrayBuffer()));
}

/** An uploaded CSV: a target-column menu, then predictions and permutation importance. */
async function showUploadedTable(graph: ModelGraph, file: File): Promise<void> {
  const [{ Table }, { splitTable, targetColumnPicker }, { showImportance }, show] =
    await Promise.all([
      import('@interp/tabular'),
      import('./upload-table.js'),
      import('./show-table.js'),
      import('./show-model.js'),
    ]);
  const table = Table.fromCSV(await file.text());
  const view = document.createElement('div');
  out.append(view);
  targetColumnPicker(table, out, async (target) => {
    try {
      const t = splitTable(table, target);
      const n = t.targets.length;
      const x = {
        data: Float32Array.from(t.x, (v) => v ?? Number.NaN),
        shape: [n, t.features.length],
      };
      const probs = await show.probabilities(graph, x);
      view.replaceChildren();
      const title = `${n} uploaded rows, target ${target}`;
      await show.showPredictions(probs, probs.length / n, t.targets, t.vocab, view, title);
      await showImportance(graph, t, t.targets, view);
      say(`Showing ${title}.`);
    } catch (e) {
      say(`Could not use column ${target}: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  });
}

async function showUpload(files: File[]): Promise<void> {
  say(`Reading ${files.length} files…`);
  try {
    const { model, set, table } = await readUpload(files);
    const show = await import('./show-model.js');
    out.replaceChildren();
    const graph = toModelGraph(await uploadedModel(model));
    if (table) {
      await showUploadedTable(graph, table);
      return;
    }
    const title = `${set!.images.length} uploaded images, ${set!.vocab.length} classes`;
    await show.showModel(
      graph,
      show.imageInputs(set!, graph),
      set!.targets,
      set!.vocab,
      out,
      title,
    );
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
