// What fills the WASM heap during ResNet-18 IG (issue 13): in process, the packages' built dist,
// E2E_DIR's resnet18.onnx and x.npy (see e2e-ig.bench.mjs), IntegratedGradients as the CLI runs it
// (50 steps, convergence delta, throughput-sized chunks unless BENCH_ROWS), BENCH_THREADS threads.
// After load, the endpoint forward and each IG chunk it walks emmalloc's regions (tfjs-backend-wasm
// links emmalloc: each region has its size at both ends, a free one's top copy odd; each sbrk
// starts a block with a root region) and splits the heap into:
//   js          regions tfjs's JS side allocated (wasm._malloc, wrapped here): initializers (the
//               model's constants), memos (the HWIO filters the conv op derives), engine tensors
//               beyond those two (live activations and IG's state), and the rest (between kernels:
//               the derived weights core's cache keeps);
//   native      regions the C++ side allocated: XNNPACK operators (packed weights, indirection
//               buffers) and the backend's bookkeeping. Until the first IG chunk ends, every wasm
//               kernel is wrapped and the native bytes each call added are charged to its kernel
//               path (FusedConv2D>BatchMatMul: a Winograd forward's planes packed by XNNPACK);
//   free        emmalloc's free regions (fragmentation: touched pages no live data holds).
// emmalloc's end (sbrk top) is what was touched; the memory's byteLength beyond it never was. The
// heap at the moment the end last grew is the peak's composition; growth of the end is charged to
// the kernel path during which it happened. Also the process's RSS and minor faults.
// The wrapping makes IG several times slower: its time here is no speed figure.
//   node bench/ig-heap-composition.bench.mjs
// Env: BENCH_THREADS=2, BENCH_ROWS (internalBatchSize; default: the CLI's throughput chunks),
//      BENCH_DROP_INITIALIZERS=1 (the what-if above), E2E_DIR=/tmp/interp-e2e-ig
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyF32 } from './lib.mjs';

const MB = 2 ** 20;
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const ROWS = process.env.BENCH_ROWS ? Number(process.env.BENCH_ROWS) : undefined;
// What-if: free the 4-D initializers (conv weights) once the first forward made their HWIO memos
// (what an ONNX decoder handing convs their HWIO filters directly would save).
const DROP_INITIALIZERS = process.env.BENCH_DROP_INITIALIZERS === '1';
const E2E_DIR = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');

const tf = await import('@tensorflow/tfjs-core');
const core = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const { IntegratedGradients } = await import('@interp/attribution');
await core.setupBackend('wasm', { threads: THREADS });
const backend = tf.backend();
const wasm = backend.wasm;

// Live engine tensors (tf.memory().numBytes counts a reshape's shared data twice).
const engine = tf.engine();
const liveTensors = new Map();
const track = engine.trackTensor.bind(engine);
const untrack = engine.disposeTensor.bind(engine);
engine.trackTensor = (a, b) => {
  track(a, b);
  liveTensors.set(a.id, a);
};
engine.disposeTensor = (a) => {
  untrack(a);
  liveTensors.delete(a.id);
};

// JS-side allocations: payload pointer -> bytes asked for.
const jsAllocations = new Map();
let emmallocEndPeak = 0;
// The heap at the moment emmalloc's end last grew (checked after each JS malloc of 1 MB or more
// and after each kernel): the peak's composition.
let atPeak;
function checkPeak(where) {
  const end = currentEnd();
  if (end <= emmallocEndPeak) return;
  emmallocEndPeak = end;
  const s = walk();
  // The live engine tensors by shape (each data once), largest first.
  const byShape = new Map();
  const seen = new Set();
  for (const t of liveTensors.values()) {
    if (seen.has(t.dataId)) continue;
    seen.add(t.dataId);
    const key = `[${t.shape}]`;
    const e = byShape.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += t.size * 4;
    e.count++;
    byShape.set(key, e);
  }
  atPeak = {
    where,
    ...s,
    engineBytes: regionBytes([...liveTensors.values()]),
    tensors: [...byShape].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12),
  };
}
// The module's _malloc is a stub that replaces itself with the export on first call: wrap the exports.
const malloc = wasm.asm.malloc;
const free = wasm.asm.free;
wasm._malloc = (bytes) => {
  const p = malloc(bytes);
  jsAllocations.set(p, bytes);
  if (bytes >= 1 << 20 && root !== undefined)
    checkPeak(`malloc of ${(bytes / MB).toFixed(1)} MB in ${stack.map((f) => f.name).join('>')}`);
  return p;
};
wasm._free = (p) => {
  jsAllocations.delete(p);
  free(p);
};

// emmalloc's blocks (one per sbrk: its sbrk'd blocks are not contiguous here, each starts with a
// root region {size, next (the previous block's root), endPtr}), in address order.
const roots = [];
let root;
/** True when a used region sits at `r` whose root fields name `next` and a plausible end. */
function isRoot(u32, r, next) {
  const size = u32[r >>> 2];
  const end = u32[(r + 8) >>> 2];
  return (
    size >= 16 &&
    size <= 64 &&
    u32[(r + size - 4) >>> 2] === size &&
    u32[(r + 4) >>> 2] === next &&
    end > r &&
    end <= u32.byteLength
  );
}

/** The roots: found from a fresh allocation the first time, then new blocks past the last. */
function findRoots(u32) {
  if (roots.length === 0) {
    const probe = malloc(64);
    let r = probe - 4;
    for (;;) {
      const prev = u32[(r - 4) >>> 2] & ~1;
      if (prev < 16 || prev % 4 !== 0 || prev > r || u32[(r - prev) >>> 2] !== prev) break;
      r -= prev;
    }
    free(probe);
    const older = [];
    for (let next = u32[(r + 4) >>> 2]; next !== 0; next = u32[(next + 4) >>> 2]) {
      if (!isRoot(u32, next, u32[(next + 4) >>> 2])) throw new Error(`no emmalloc root at ${next}`);
      older.push(next);
    }
    roots.push(...older.reverse(), r);
    root = r;
  }
  for (;;) {
    const last = roots.at(-1);
    const end = u32[(last + 8) >>> 2];
    let found;
    for (let r = end; r <= end + 64 && found === undefined; r += 4)
      if (isRoot(u32, r, last)) found = r;
    if (found === undefined) return roots;
    roots.push(found);
  }
}

/** Visits the regions from `start` to `end`; false when the sizes do not chain to `end`. */
function forward(u32, start, end, visit) {
  let r = start;
  while (r < end) {
    const size = u32[r >>> 2];
    if (size < 16 || size % 4 !== 0 || r + size > end) return false;
    const top = u32[(r + size - 4) >>> 2];
    if ((top & ~1) !== size) return false;
    visit(r, size, (top & 1) === 1);
    r += size;
  }
  return r === end;
}

/** emmalloc's heap now: used/free bytes, JS-allocated regions, its end (sbrk top). */
function walk() {
  const u32 = new Uint32Array(wasm.HEAPU8.buffer);
  const s = { end: 0, used: 0, free: 0, freeRegions: 0, largestFree: 0, js: 0, blocks: 0 };
  for (const root of findRoots(u32)) {
    const end = u32[(root + 8) >>> 2];
    s.end = end;
    s.blocks++;
    const ok = forward(u32, root, end, (r, size, isFree) => {
      if (isFree) {
        s.free += size;
        s.freeRegions++;
        s.largestFree = Math.max(s.largestFree, size);
      } else {
        s.used += size;
        if (jsAllocations.has(r + 4)) s.js += size;
      }
    });
    if (!ok) throw new Error(`emmalloc block at ${root} does not chain to its end ${end}`);
  }
  s.native = s.used - s.js;
  return s;
}

/** emmalloc's end (its last block's endPtr): cheap, no walk. */
function currentEnd() {
  const u32 = new Uint32Array(wasm.HEAPU8.buffer);
  return u32[(findRoots(u32).at(-1) + 8) >>> 2];
}

// Per kernel path (FusedConv2D>BatchMatMul: a kernel run by another): the native bytes its calls
// added while `charging` (until the first IG chunk ends), and the growth of emmalloc's end during
// its calls (the whole run), each net of the kernels it ran.
const nativeByKernel = new Map();
const growthByKernel = new Map();
const stack = [];
let charging = true;
const charge = (map, path, bytes) => {
  if (bytes === 0) return;
  const e = map.get(path) ?? { bytes: 0, calls: 0 };
  e.bytes += bytes;
  e.calls++;
  map.set(path, e);
};
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  const kernelFunc = (args) => {
    let name = config.kernelName;
    if (name === 'BatchMatMul') {
      const b = args.inputs.b.shape;
      // ResNet-18's Winograd planes are square ([1, c, c]); the gemm input gradient's [Cout, 9 Cin].
      name += b[1] === b[2] ? ' (square b)' : ` (b ${b.slice(1).join('x')})`;
    }
    const path = [...stack.map((f) => f.name), name].join('>');
    const frame = { name, native: 0, growth: 0 };
    stack.push(frame);
    const measured = charging;
    const native0 = measured ? walk().native : 0;
    const end0 = currentEnd();
    try {
      return inner(args);
    } finally {
      stack.pop();
      const parent = stack.at(-1);
      checkPeak(`after ${path}`);
      const growth = currentEnd() - end0;
      charge(growthByKernel, path, growth - frame.growth);
      if (parent) parent.growth += growth;
      if (measured) {
        const native = walk().native - native0;
        charge(nativeByKernel, path, native - frame.native);
        if (parent) parent.native += native;
      }
    }
  };
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc });
}

// From the path, as the CLI loads it (conv-only weights then stay on the host: see onnx's
// host-conv-weights.ts).
const model = await loadOnnxModel(join(E2E_DIR, 'resnet18.onnx'));
const x = tf.tensor(readNpyF32(join(E2E_DIR, 'x.npy')), [2, 3, 224, 224]);

function offsetOf(dataId) {
  return backend.dataIdMap.has(dataId) ? backend.dataIdMap.get(dataId).memoryOffset : undefined;
}
/** Bytes of the regions holding `tensors`' data (each data id once). */
function regionBytes(tensors) {
  const u32 = new Uint32Array(wasm.HEAPU8.buffer);
  const seen = new Set();
  let sum = 0;
  for (const t of tensors) {
    const p = offsetOf(t.dataId);
    if (!p || seen.has(p)) continue;
    seen.add(p);
    sum += u32[(p - 4) >>> 2];
  }
  return sum;
}

const rows = [];
function snapshot(phase) {
  const s = walk();
  const initializers = regionBytes([...model.constants.values()].map((v) => v.tensor));
  const memos = regionBytes([...model.memos.values()]);
  const engineBytes = regionBytes([...liveTensors.values()]);
  const activations = engineBytes - initializers - memos;
  const rusage = process.resourceUsage();
  const row = {
    phase,
    byteLength: wasm.HEAPU8.buffer.byteLength,
    end: s.end,
    endPeak: Math.max(emmallocEndPeak, s.end),
    used: s.used,
    free: s.free,
    freeRegions: s.freeRegions,
    largestFree: s.largestFree,
    blocks: s.blocks,
    js: s.js,
    native: s.native,
    initializers,
    memos,
    activations,
    // Between kernels: the derived weights core's cache keeps (and any untracked data).
    derived: s.js - initializers - memos - activations,
    rssMB: process.memoryUsage().rss / MB,
    maxRssMB: rusage.maxRSS / 1024,
    minorFaults: rusage.minorPageFault,
  };
  rows.push(row);
  const f = (b) => (b / MB).toFixed(1);
  console.log(
    `${phase}: memory ${f(row.byteLength)} MB, emmalloc end ${f(row.end)} (peak ${f(row.endPeak)}): used ${f(row.used)} = js ${f(row.js)} [initializers ${f(initializers)}, memos ${f(memos)}, engine tensors beyond them ${f(activations)}, derived and other ${f(row.derived)}] + native ${f(row.native)}; free ${f(row.free)} in ${row.freeRegions} regions (largest ${f(row.largestFree)}; ${row.blocks} sbrk blocks); RSS ${row.rssMB.toFixed(0)} MB (max ${row.maxRssMB.toFixed(0)}), minor faults ${row.minorFaults}`,
  );
}

snapshot('after load');
let chunk = 0;
let doneBefore = 0;
// IG reports progress after each chunk (rows done so far).
const progress = (done) => {
  if (done === 0) return;
  const rows = done - doneBefore;
  doneBefore = done;
  chunk++;
  if (chunk === 1) {
    charging = false;
    snapshot(`after the first IG chunk (${rows} rows)`);
  } else snapshot(`after IG chunk ${chunk} (${rows} rows)`);
};
const run = model.run.bind(model);
let forwards = 0;
model.run = (...args) => {
  const r = run(...args);
  if (++forwards === 1) {
    snapshot(`after the first forward (${args[0].shape[0]} rows)`);
    if (DROP_INITIALIZERS)
      for (const v of model.constants.values()) if (v.tensor.rank === 4) v.tensor.dispose();
  }
  return r;
};
const t0 = performance.now();
const { attributions, delta } = await new IntegratedGradients(model).attribute(x, {
  nSteps: 50,
  returnConvergenceDelta: true,
  progress,
  ...(ROWS === undefined ? {} : { internalBatchSize: ROWS }),
});
const igMs = performance.now() - t0;
let l1 = 0;
for (const v of await attributions.data()) l1 += Math.abs(v);
tf.dispose([attributions, delta]);
snapshot('after IG');

const top = (title, map, n = 14) => {
  console.log(title);
  const entries = [...map].sort((a, b) => b[1].bytes - a[1].bytes);
  for (const [path, e] of entries.slice(0, n))
    console.log(`  ${(e.bytes / MB).toFixed(2).padStart(7)} MB in ${e.calls} calls  ${path}`);
  const rest = entries.slice(n).reduce((sum, [, e]) => sum + e.bytes, 0);
  if (entries.length > n)
    console.log(
      `  ${(rest / MB).toFixed(2).padStart(7)} MB  the other ${entries.length - n} paths`,
    );
};
{
  const p = atPeak;
  const f = (b) => (b / MB).toFixed(1);
  console.log(
    `\nAt the peak (emmalloc end ${f(p.end)} MB, reached ${p.where}): used ${f(p.used)} = js ${f(p.js)} (engine tensors ${f(p.engineBytes)} of it, with the initializers and memos; the rest the kernel's temporaries and derived weights) + native ${f(p.native)}; free ${f(p.free)} in ${p.freeRegions} regions (largest ${f(p.largestFree)})`,
  );
  console.log(
    `  largest live engine tensors: ${p.tensors.map(([shape, e]) => `${e.count} x ${shape} ${f(e.bytes)} MB`).join(', ')}`,
  );
}
top('\nNative bytes added per kernel path (until the first IG chunk ended):', nativeByKernel);
top("\nGrowth of emmalloc's end per kernel path (whole run):", growthByKernel, 10);
console.log(
  `\nIG ${(igMs / 1000).toFixed(2)} s, attribution L1 ${l1.toPrecision(8)}; load ${loadavg()[0].toFixed(2)}`,
);
console.log(
  `RESULT ${JSON.stringify({ rows, atPeak, igMs, l1, nativeByKernel: Object.fromEntries(nativeByKernel), growthByKernel: Object.fromEntries(growthByKernel) })}`,
);
process.exit(0);
