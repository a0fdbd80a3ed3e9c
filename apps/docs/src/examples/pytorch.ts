import { attributionOverlay, GradCAM, IntegratedGradients, saliencyMap } from '@interp/attribution';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { loadMnistDigits } from '../mnist-data.js';

// The PyTorch CNN of this page, exported to ONNX (59 KB), runs node by node on tfjs (WASM) so
// its gradients exist: saliency, Integrated Gradients and Grad-CAM for four held-out digits.
export default async function run(out: HTMLElement): Promise<void> {
  const res = await fetch(new URL('../assets/digits-cnn.onnx', import.meta.url));
  const model = await loadOnnxModel(new Uint8Array(await res.arrayBuffer()));
  const { valid } = await loadMnistDigits({ nTrain: 1500, nValid: 500 });
  const n = 4;
  // PyTorch's layout: [N, C, H, W]. Digits 0, 1, 2, 3 of the held-out set.
  const x = tf.tensor4d(valid.images.subarray(0, n * 784), [n, 1, 28, 28]);
  const logits = model.predict(x);
  const predicted = Array.from(await tf.argMax(logits, 1).data());
  // The last conv block, by module path: its last node, /features/features.7/Relu.
  const cam = new GradCAM(model, { layer: 'features.7' });
  const maps = {
    Saliency: await saliencyMap(model, x, { target: predicted }),
    'Integrated Gradients': await new IntegratedGradients(model).attribute(x, {
      target: predicted,
      nSteps: 32,
    }),
    [`Grad-CAM (${cam.layerName})`]: await cam.attribute(x, { target: predicted }),
  };
  const table = document.createElement('table');
  table.className = 'onnx-maps';
  const head = table.createTHead().insertRow();
  for (const title of ['Digit', ...Object.keys(maps)]) {
    head.append(Object.assign(document.createElement('th'), { textContent: title }));
  }
  const body = table.createTBody();
  for (let i = 0; i < n; i++) {
    const image = { data: valid.images.subarray(i * 784, (i + 1) * 784), shape: [28, 28] };
    const row = body.insertRow();
    row.insertCell().textContent = `actual ${valid.labels[i]}, predicted ${predicted[i]}`;
    for (const [method, map] of Object.entries(maps)) {
      const data = (await map.data()).subarray(i * 784, (i + 1) * 784);
      const overlay = await attributionOverlay(
        image,
        { data, shape: [28, 28] },
        { sign: method === 'Saliency' ? 'absolute_value' : 'all', method: 'blended_heat_map' },
      );
      const img = Object.assign(document.createElement('img'), {
        src: overlay.dataURL,
        alt: `${method} for class ${predicted[i]}, digit ${i}`,
        width: 112,
        height: 112,
      });
      img.style.imageRendering = 'pixelated';
      row.insertCell().append(img);
    }
  }
  out.append(table);
  tf.dispose([x, logits, ...Object.values(maps)]);
  model.dispose();
}
