// The browser page: Integrated Gradients on a 2-layer ReLU model on tfjs's WASM backend.
import { IntegratedGradients } from '@interp/attribution';
import { setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';

async function main() {
  // The .wasm files are served from ./wasm/, copied from @tensorflow/tfjs-backend-wasm/dist (docs/core.md).
  const info = await setupBackend('wasm', { wasmPaths: new URL('./wasm/', location.href).href });
  const w1 = tf.tensor2d([
    [1, -1],
    [2, 0.5],
  ]);
  const w2 = tf.tensor2d([
    [1, 0],
    [0.5, 1],
  ]);
  const model = (x) => tf.tidy(() => tf.matMul(tf.relu(tf.matMul(x, w1)), w2));
  const x = tf.tensor2d([[1, 2]]);
  const attributions = await new IntegratedGradients(model).attribute(x, { target: 0, nSteps: 64 });
  const values = Array.from(await attributions.data());
  tf.dispose([w1, w2, x, attributions]);
  return { backend: info.backend, fellBack: info.fellBack, simd: info.simd, attributions: values };
}

main().then(
  (result) => {
    window.__result = result;
    console.log(`interp-consumer ${JSON.stringify(result)}`);
  },
  (error) => {
    window.__result = { error: String(error?.stack ?? error) };
  },
);
