// Runs in the consumer project (outside the workspace) against the npm-installed tarballs.
// Each example checks a number worked out by hand, not the code's own earlier output.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { IntegratedGradients } from '@interp/attribution';
import { METHOD_CATALOG, runAttribution } from '@interp/attribution/methods';
import { confusionMatrix } from '@interp/classification/metrics';
import { InterpError } from '@interp/core/base';
import { summary } from '@interp/debug';
import { loadPenguins } from '@interp/example-data';
import { SUPPORTED_OPSETS } from '@interp/onnx';
import { pixelAccuracy } from '@interp/segmentation/metrics';
import { parseCSV } from '@interp/tabular';
import { barChart, createDocument, toSVGString } from '@interp/viz';
import * as tfl from '@tensorflow/tfjs-layers';

await tf.setBackend('cpu');
const done = [];

// classification: targets [0,1,1,2], predictions [0,1,2,2]; rows are targets, columns predictions.
assert.deepEqual(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3), [
  [1, 0, 0],
  [0, 1, 1],
  [0, 0, 1],
]);
done.push('classification: confusionMatrix equals the hand count');

// core: a bad argument is an InterpError (from @interp/core/base) saying what was wrong.
assert.throws(
  () => confusionMatrix([0], [0], 0),
  (e) => e instanceof InterpError && /numClasses/.test(e.message),
);
done.push('core: InterpError from a bad numClasses');

// attribution: IG on a 2-layer ReLU model; completeness: sum of attributions = f(x) - f(0) for the target.
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
// hidden = relu([1*1+2*2, 1*-1+2*0.5]) = relu([5, 0]) = [5, 0]; out = [5, 0] @ w2 = [5, 0]; f(0) = [0, 0].
const attributions = await new IntegratedGradients(model).attribute(x, { target: 0, nSteps: 64 });
const total = (await tf.sum(attributions).data())[0];
assert.ok(Math.abs(total - 5) < 1e-2, `IG completeness: sum ${total}, expected 5`);
tf.dispose([attributions, x]);
done.push(`attribution: IntegratedGradients sums to f(x)-f(0)=5 (got ${total.toFixed(4)})`);

// attribution/methods: any method by its CLI name; IG from baseline b on the same model: the
// path from b = [1, 0] (out [1, 0]) to x sums to f(x) - f(b) = 5 - 1 = 4.
{
  const xb = tf.tensor2d([[1, 2]]);
  const b = tf.tensor2d([[1, 0]]);
  const r = await runAttribution(model, 'ig', xb, { target: 0, baselines: b, nSteps: 64 });
  const sum = (await tf.sum(r.attributions).data())[0];
  assert.ok(Math.abs(sum - 4) < 1e-2, `runAttribution('ig') from b: sum ${sum}, expected 4`);
  tf.dispose([xb, b, r.attributions, r.delta]);
  done.push(
    `attribution/methods: ${METHOD_CATALOG.length} methods; runAttribution('ig') from a baseline sums to 4 (got ${sum.toFixed(4)})`,
  );
}

// viz: a bar chart rendered to an SVG string holds its labels.
const svg = toSVGString(
  barChart(
    [
      { label: 'alpha', value: 3 },
      { label: 'beta', value: 1 },
    ],
    { title: 'Consumer chart', document: await createDocument() },
  ),
);
assert.ok(
  svg.startsWith('<svg') && svg.includes('alpha') && svg.includes('beta'),
  'SVG with the bar labels',
);
done.push('viz: barChart -> toSVGString contains the labels');

// debug: a Dense(3 -> 2) has 3*2 weights + 2 biases = 8 parameters.
const seq = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
assert.equal(summary(seq).totalParams, 8);
seq.dispose();
done.push('debug: summary(Dense 3->2).totalParams = 8');

// tabular: CSV parsing.
assert.deepEqual(parseCSV('a,b\n1,"x,y"\n'), [
  ['a', 'b'],
  ['1', 'x,y'],
]);
done.push('tabular: parseCSV with a quoted comma');

// segmentation: pixel accuracy of [[3,1],[0,4]] is (3+4)/8.
assert.equal(
  pixelAccuracy([
    [3, 1],
    [0, 4],
  ]),
  7 / 8,
);
done.push('segmentation: pixelAccuracy = 7/8');

// example-data: the penguins table from vega-datasets (344 rows).
assert.equal(loadPenguins().length, 344);
done.push('example-data: loadPenguins() has 344 rows');

assert.ok(Array.isArray(SUPPORTED_OPSETS) || typeof SUPPORTED_OPSETS === 'object');
done.push('onnx: SUPPORTED_OPSETS importable');

w1.dispose();
w2.dispose();
console.log(done.join('\n'));
