// Preload (`node --import ./bench/cli-phase-probe.mjs <cli> attribute ...`) that times the phases
// of one `interp attribute` process from tfjs-core's engine, which every build shares (bundles keep
// tfjs external), so an old and a new build are split the same way. Writes one line to stderr at
// exit: `interp-phases {"a":ms,...}`, each the time since the process started:
//   a  modules loaded: the command's imports are done and it asks tfjs for the WASM backend
//      (the first engine.setBackend('wasm'))
//   b  backend ready: that setBackend settled
//   c  model decoded: the first kernel that reads a tensor of the input's shape
//      (PHASE_INPUT_SHAPE, e.g. 2,3,224,224) starts; the model and the input are in place
//   d  first forward done: the first kernel whose output is [rows, PHASE_CLASSES] (default 1000)
//      ends
//   e  the method's work done: the last kernel ends
//   f  output written: the process exits
// It loads nothing itself: it waits for tfjs-core to store its engine on the global object.
import { performance } from 'node:perf_hooks';

const inputShape = (process.env.PHASE_INPUT_SHAPE ?? '').split(',').filter(Boolean).map(Number);
const classes = Number(process.env.PHASE_CLASSES ?? 1000);
const at = {};
const now = () => performance.now();

function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function wrap(engine) {
  const setBackend = engine.setBackend;
  engine.setBackend = function (name) {
    const first = name === 'wasm' && at.a === undefined;
    if (first) at.a = now();
    const result = setBackend.call(this, name);
    if (first) Promise.resolve(result).then(() => (at.b = now()));
    return result;
  };
  const runKernel = engine.runKernel;
  engine.runKernel = function (kernelName, inputs, attrs) {
    if (at.c === undefined && inputShape.length > 0) {
      for (const t of Object.values(inputs ?? {})) {
        if (t?.shape && sameShape(t.shape, inputShape)) {
          at.c = now();
          break;
        }
      }
    }
    const out = runKernel.call(this, kernelName, inputs, attrs);
    const t = now();
    at.e = t;
    if (at.d === undefined) {
      for (const o of Array.isArray(out) ? out : [out]) {
        if (o?.shape?.length === 2 && o.shape[1] === classes) {
          at.d = t;
          break;
        }
      }
    }
    return out;
  };
}

let engine;
Object.defineProperty(globalThis, '_tfengine', {
  configurable: true,
  get: () => engine,
  set: (value) => {
    engine = value;
    if (value != null) wrap(value);
  },
});

process.on('exit', () => {
  at.f = now();
  const out = {};
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f'])
    out[k] = at[k] === undefined ? null : +at[k].toFixed(1);
  process.stderr.write(`interp-phases ${JSON.stringify(out)}\n`);
});
