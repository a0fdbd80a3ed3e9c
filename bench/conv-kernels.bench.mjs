// Our wasm conv backprop kernels vs the wasm forward conv of the same shapes (goals: filter
// gradient <= 3x, input gradient <= 1.5x), vs tfjs-backend-wasm's built-in Conv2DBackpropInput
// (which ours replaces) and vs the cpu backend's kernels.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setupBackend } from '@interp/core';
import { report, time, timeInterleaved, writeResults } from './lib.mjs';

// tfjs-backend-wasm registered its own Conv2DBackpropInput on import; keep it before ours replaces it.
const builtinBackpropInput = { ...tf.getKernel('Conv2DBackpropInput', 'wasm') };
await setupBackend('wasm');
// Ours was registered before the backend started, so the built-in's wasm binding was never set up.
builtinBackpropInput.setupFunc(tf.backend());

const runs = { runs: 7, warmup: 2 };

const disposing = (op, t, s) => () => op(t, s).dispose();
const CPU_BATCH = 8;

function shapes(batch, stride) {
  const x = [batch, 28, 28, 16];
  const filter = [3, 3, 16, 32];
  const info = tf.backend_util.computeConv2DInfo(x, filter, stride, 1, 'same');
  return { x, filter, dy: info.outShape, stride };
}

function tensors(s) {
  return {
    x: tf.randomNormal(s.x),
    filter: tf.randomNormal(s.filter),
    dy: tf.randomNormal(s.dy),
  };
}

const attrs = (s) => ({
  strides: s.stride,
  pad: 'same',
  dataFormat: 'NHWC',
  dimRoundingMode: undefined,
});

const ops = {
  forward: (t, s) => tf.conv2d(t.x, t.filter, s.stride, 'same'),
  filterGrad: (t, s) =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: t.x, dy: t.dy },
        { ...attrs(s), filterShape: s.filter },
      ),
  inputGrad: (t, s) =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropInput',
        { dy: t.dy, filter: t.filter },
        { ...attrs(s), inputShape: s.x },
      ),
};

async function timeOp(op, t, s, opts = runs) {
  return time(() => {
    const out = op(t, s);
    out.dispose();
  }, opts);
}

async function timeBuiltinInputGrad(t, s) {
  const backend = tf.backend();
  return time(
    () => {
      const out = builtinBackpropInput.kernelFunc({
        inputs: { dy: t.dy, filter: t.filter },
        attrs: { ...attrs(s), inputShape: s.x },
        backend,
      });
      backend.disposeData(out.dataId);
    },
    { runs: 3, warmup: 1 },
  );
}

const records = [];
for (const stride of [1, 2]) {
  const label = `x 64x28x28x16, 3x3x16->32, same, stride ${stride}`;
  const s = shapes(64, stride);
  const t = tensors(s);
  const [forward, filterGrad, inputGrad] = await timeInterleaved([
    disposing(ops.forward, t, s),
    disposing(ops.filterGrad, t, s),
    disposing(ops.inputGrad, t, s),
  ]);
  const builtin = await timeBuiltinInputGrad(t, s);
  records.push(
    report(`Conv2DBackpropFilter vs forward conv (wasm, ${label})`, filterGrad, forward, {
      goal: 3,
      baselineLabel: 'wasm forward conv2d',
    }),
    report(`Conv2DBackpropInput vs forward conv (wasm, ${label})`, inputGrad, forward, {
      goal: 1.5,
      baselineLabel: 'wasm forward conv2d',
    }),
    report(`Conv2DBackpropInput ours vs built-in (wasm, ${label})`, inputGrad, builtin, {
      baselineLabel: 'tfjs-backend-wasm built-in Conv2DBackpropInput',
    }),
  );
  tf.dispose(Object.values(t));

  // The cpu kernels are plain loops: compare at batch 8, ours on wasm at the same batch.
  const sc = shapes(CPU_BATCH, stride);
  const wasmSmall = tensors(sc);
  const oursFilter = await timeOp(ops.filterGrad, wasmSmall, sc);
  const oursInput = await timeOp(ops.inputGrad, wasmSmall, sc);
  tf.dispose(Object.values(wasmSmall));
  await tf.setBackend('cpu');
  const cpuT = tensors(sc);
  const cpuRuns = { runs: 3, warmup: 1 };
  const cpuFilter = await timeOp(ops.filterGrad, cpuT, sc, cpuRuns);
  const cpuInput = await timeOp(ops.inputGrad, cpuT, sc, cpuRuns);
  tf.dispose(Object.values(cpuT));
  await tf.setBackend('wasm');
  const small = `x ${CPU_BATCH}x28x28x16, 3x3x16->32, same, stride ${stride}`;
  for (const [name, ours, cpu] of [
    ['Conv2DBackpropFilter', oursFilter, cpuFilter],
    ['Conv2DBackpropInput', oursInput, cpuInput],
  ]) {
    records.push(
      report(`${name} wasm (ours) vs cpu (${small})`, ours, cpu, { baselineLabel: `cpu ${name}` }),
    );
    console.log(`  -> ours is ${(cpu.median / ours.median).toFixed(0)}x faster than cpu`);
  }
}

// Depthwise (no goal set; the forward depthwise conv is memory-bound and very cheap).
for (const [stride, multiplier] of [
  [1, 1],
  [2, 1],
  [1, 2],
]) {
  const x = tf.randomNormal([64, 28, 28, 16]);
  const filter = tf.randomNormal([3, 3, 16, multiplier]);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filter.shape,
    stride,
    1,
    'same',
    undefined,
    true,
  );
  const dy = tf.randomNormal(info.outShape);
  const dwAttrs = { strides: stride, pad: 'same', dilations: 1 };
  const [forward, filterGrad, inputGrad] = await timeInterleaved([
    () => tf.depthwiseConv2d(x, filter, stride, 'same').dispose(),
    () =>
      tf
        .engine()
        .runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x, dy },
          { ...dwAttrs, filterShape: filter.shape },
        )
        .dispose(),
    () =>
      tf
        .engine()
        .runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter },
          { ...dwAttrs, inputShape: x.shape },
        )
        .dispose(),
  ]);
  const label = `x 64x28x28x16, 3x3 depthwise x${multiplier}, same, stride ${stride}`;
  records.push(
    report(`DepthwiseConv2dNativeBackpropFilter vs forward (wasm, ${label})`, filterGrad, forward, {
      baselineLabel: 'wasm forward depthwiseConv2d',
    }),
    report(`DepthwiseConv2dNativeBackpropInput vs forward (wasm, ${label})`, inputGrad, forward, {
      baselineLabel: 'wasm forward depthwiseConv2d',
    }),
  );
  tf.dispose([x, filter, dy]);
}

const file = writeResults('conv-kernels', records, {
  note: `cpu comparisons use batch ${CPU_BATCH} (the cpu kernels are slow loops); wasm-vs-forward rows use batch 64`,
});
console.log(`wrote ${file}`);
