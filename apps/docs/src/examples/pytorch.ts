import { attributionOverlay, GradCAM, IntegratedGradients, saliencyMap } from '@interp/attribution';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';

// The PyTorch CNN of this page, exported to ONNX (59 KB), runs node by node on tfjs (WASM) so
// its gradients exist: saliency, Integrated Gradients and Grad-CAM for four held-out digits.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const res = await fetch('models/digits-cnn.onnx');
const model = await loadOnnxModel(new Uint8Array(await res.arrayBuffer()));
// The site's 2,000 MNIST digits (none of them in the model's training set): a little-endian
// uint32 count N, N label bytes, then N x 784 pixel bytes (0..255).
const bytes = new Uint8Array(await (await fetch('data/mnist-digits.bin')).arrayBuffer());
const first = 1500;
const n = 4;
const labels = bytes.subarray(4 + first, 4 + first + n);
const pixelsAt = 4 + new DataView(bytes.buffer).getUint32(0, true) + first * 784;
const images = Float32Array.from(bytes.subarray(pixelsAt, pixelsAt + n * 784), (v) => v / 255);
// PyTorch's layout: [N, C, H, W]. Digits 0, 1, 2, 3 of the held-out set.
const x = tf.tensor4d(images, [n, 1, 28, 28]);
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
  const image = { data: images.subarray(i * 784, (i + 1) * 784), shape: [28, 28] };
  const row = body.insertRow();
  row.insertCell().textContent = `actual ${labels[i]}, predicted ${predicted[i]}`;
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
