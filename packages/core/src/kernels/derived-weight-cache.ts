// Weights derived from a model's weights (flipped or channel-swapped filters, filters with a
// BatchNormalization folded in) kept across calls on the wasm backend. tfjs-backend-wasm caches
// its XNNPACK operator (with the packed weights) per filter tensor id: a filter rebuilt on every
// call means operator creation and weight packing on every call (a 7x7 960->320 1x1 conv's
// backprop took 4.9 ms against 1.4 ms forward). Internal to @interp/core.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './wasm-kernel-scope.js';

/** The part of tfjs-backend-wasm's backend the cache reads: which data ids are still alive. */
interface CachingBackend extends WasmBackend {
  dataIdMap: { has(dataId: object): boolean };
}

interface Entry {
  /** The data ids the derived weights were computed from (tensor data never changes). */
  sources: readonly object[];
  tag: string;
  derived: TensorInfo;
}

const weightData = new WeakSet<object>();

/**
 * Declares `dataId` the data of a model's weight (long-lived): the wasm kernels then keep what
 * they derive from it (see {@link derivedWeights}). Other filters (a tape's per-call copies, a
 * test's one-off tensors) get theirs computed per call, so the cache never holds dead entries
 * after a call. Derived weights are weight data themselves.
 *
 * @example
 * ```ts
 * markWeightData(layer.kernel.read().dataId);
 * ```
 */
export function markWeightData(dataId: object): void {
  weightData.add(dataId);
}

/**
 * True when `dataId` was declared a weight's data with {@link markWeightData}.
 *
 * @example
 * ```ts
 * if (isWeightData(filter.dataId)) keepFlippedFilter(filter);
 * ```
 */
export function isWeightData(dataId: object): boolean {
  return weightData.has(dataId);
}

// Per backend object, so a re-created backend never sees another one's data.
const caches = new WeakMap<object, Entry[]>();
const backends = new Set<WeakRef<CachingBackend>>();

/**
 * The weights `make()` derives from the tensor data `sources` (data ids), computed once and kept
 * on `backend`'s heap: later calls with the same sources and `tag` get the same data id, so
 * XNNPACK reuses its packed operator. The key is the sources' data ids themselves: tfjs never
 * changes a data id's bytes (`Variable.assign` gives the variable a new data id), so an entry
 * can never be stale. An entry whose sources were freed (a disposed or reassigned model) is freed
 * at the next miss; {@link clearDerivedWeightCache} frees them all.
 *
 * The kept data is not a tfjs tensor: `tf.memory().numTensors` does not count it (it is the
 * backend's, as XNNPACK's packed copies are), and it is freed with the backend.
 * `make()` returns data that the cache then owns (made on `backend`, e.g. with `makeOutput`).
 *
 * @example
 * ```ts
 * const flipped = derivedWeights(backend, [filter.dataId], 'flip', () => flip(filter));
 * ```
 */
export function derivedWeights(
  backend: unknown,
  sources: readonly object[],
  tag: string,
  make: () => TensorInfo,
): TensorInfo {
  const b = backend as CachingBackend;
  let entries = caches.get(b);
  if (entries === undefined) {
    entries = [];
    caches.set(b, entries);
    backends.add(new WeakRef(b));
  }
  const hit = entries.find(
    (e) =>
      e.tag === tag &&
      e.sources.length === sources.length &&
      e.sources.every((s, i) => s === sources[i]),
  );
  if (hit !== undefined) return hit.derived;
  sweep(b, entries);
  const derived = make();
  weightData.add(derived.dataId);
  entries.push({ sources: [...sources], tag, derived });
  return derived;
}

/** Data whose bytes {@link releasePackedWeights} gave back. */
const released = new WeakSet<object>();

/**
 * `enabled = false` keeps the bytes {@link releasePackedWeights} would give back: the baseline,
 * and the switch to flip should a tfjs-backend-wasm version re-read a matmul's `b` after packing
 * it. Internal to @interp/core.
 */
export const releasePacked = { enabled: true };

/**
 * Gives back the heap bytes of derived weights that have been a BatchMatMul's `b` (with no bias
 * and a linear activation), keeping their tensor ids. tfjs-backend-wasm (4.22) caches the XNNPACK
 * operator per `b` tensor id (and bias id and activation) and reads `b` only when it creates the
 * operator, which packs a copy; so a kept `b`'s bytes are dead after its first product, and freeing
 * them lets the next allocations reuse those pages: ResNet-18 keeps 67 MB of F(2x2,3x3) planes per
 * direction, whose first touch (fresh pages) cost more than computing them. The entry's memory
 * offset becomes 0 (freeing 0 is a no-op when the id is disposed); nothing may read a released
 * tensor, and it may only be a `b` again with no bias and a linear activation (another operator
 * would pack the freed bytes).
 */
export function releasePackedWeights(backend: unknown, infos: readonly TensorInfo[]): void {
  if (!releasePacked.enabled) return;
  const b = backend as {
    dataIdMap?: {
      has(dataId: object): boolean;
      get(dataId: object): { memoryOffset?: unknown } | undefined;
    };
    wasm?: { _free(pointer: number): void };
  };
  if (b.dataIdMap === undefined || b.wasm === undefined) return;
  for (const info of infos) {
    if (released.has(info.dataId) || !b.dataIdMap.has(info.dataId)) continue;
    const entry = b.dataIdMap.get(info.dataId);
    if (entry === undefined || typeof entry.memoryOffset !== 'number') continue;
    b.wasm._free(entry.memoryOffset);
    entry.memoryOffset = 0;
    released.add(info.dataId);
  }
}

/** Frees the entries some of whose sources the backend no longer holds. */
function sweep(backend: CachingBackend, entries: Entry[]): void {
  let kept = 0;
  for (const e of entries) {
    if (e.sources.every((s) => backend.dataIdMap.has(s))) entries[kept++] = e;
    else backend.disposeData(e.derived.dataId);
  }
  entries.length = kept;
}

/**
 * Frees every derived weight kept by {@link derivedWeights} (they are rebuilt on the next call).
 * For tests and for callers that want the heap back before disposing the backend.
 *
 * @example
 * ```ts
 * clearDerivedWeightCache();
 * ```
 */
export function clearDerivedWeightCache(): void {
  for (const ref of backends) {
    const backend = ref.deref();
    const entries = backend && caches.get(backend);
    if (backend && entries) {
      for (const e of entries) backend.disposeData(e.derived.dataId);
      caches.delete(backend);
    }
    backends.delete(ref);
  }
}

/**
 * How many derived weights are kept (all backends), after freeing those whose sources are gone.
 *
 * @example
 * ```ts
 * derivedWeightCacheSize(); // 0 after clearDerivedWeightCache()
 * ```
 */
export function derivedWeightCacheSize(): number {
  let size = 0;
  for (const ref of backends) {
    const backend = ref.deref();
    const entries = backend && caches.get(backend);
    if (backend && entries) {
      sweep(backend, entries);
      size += entries.length;
    }
  }
  return size;
}
