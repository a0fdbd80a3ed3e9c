import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { InterpError } from './errors.js';
import {
  interceptPthreadWorkers,
  lazyPthreadWorkers,
  TFJS_PTHREAD_POOL_SIZE,
} from './lazy-pthread-workers.js';
import { childBundle } from './test-child-bundle.js';

type Pooled = {
  postMessage(m: unknown): void;
  on(event: string, f: (d: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
};
const global = globalThis as { Worker?: unknown };

/** A worker that speaks Emscripten's pthread protocol: `load` -> `loaded`, `run` -> `ran`. */
const PROTOCOL = `
const { parentPort, workerData } = require('node:worker_threads');
let loaded = false;
parentPort.on('message', (m) => {
  if (m.cmd === 'load') {
    if (workerData === 'fail') throw new Error('cannot load the module');
    loaded = true;
    parentPort.postMessage({ cmd: 'loaded' });
  } else parentPort.postMessage({ cmd: 'ran', arg: m.arg, loaded });
});`;
const booted: string[] = [];
class ProtocolWorker extends Worker {
  constructor(url: string) {
    super(PROTOCOL, { eval: true, workerData: url });
    booted.push(url);
  }
}

function messages(w: Pooled, until: (d: { cmd?: string }) => boolean) {
  const seen: unknown[] = [];
  return new Promise<unknown[]>((resolve, reject) => {
    w.on('message', (d) => {
      seen.push(d);
      if (until(d as { cmd?: string })) resolve(seen);
    });
    w.on('error', reject);
  });
}

describe('interceptPthreadWorkers(realWorkers, EventEmitter)', () => {
  afterEach(() => {
    delete global.Worker;
    booted.length = 0;
    lazyPthreadWorkers.enabled = true;
  });

  it('makes all but the last realWorkers of the pool stand-ins that answer load with loaded', async () => {
    const restore = interceptPthreadWorkers(2, EventEmitter);
    global.Worker = ProtocolWorker;
    const Pool = global.Worker as new (url: string) => Pooled;
    const pool = Array.from({ length: TFJS_PTHREAD_POOL_SIZE + 1 }, (_, i) => new Pool(`w${i}`));
    // Emscripten pops the pool's end: the last two run pthreads; a ninth (the pool ran dry) is real.
    expect(booted).toEqual(['w6', 'w7', 'w8']);
    expect(pool.map((w) => w instanceof ProtocolWorker)).toEqual([
      ...Array(6).fill(false),
      true,
      true,
      true,
    ]);
    const idle = pool[0] as Pooled;
    const loaded = messages(idle, (d) => d.cmd === 'loaded');
    idle.postMessage({ cmd: 'load' });
    expect(await loaded).toEqual([{ cmd: 'loaded' }]);
    expect(booted).toHaveLength(3);
    restore();
    // Left as tfjs leaves it: the class it assigned, as a plain property.
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Worker')).toMatchObject({
      value: ProtocolWorker,
      writable: true,
    });
    await Promise.all(pool.map((w) => w.terminate()));
  });

  it('boots the real worker when a pthread is started on a stand-in, which then runs it', async () => {
    const restore = interceptPthreadWorkers(0, EventEmitter);
    global.Worker = ProtocolWorker;
    const Pool = global.Worker as new (url: string) => Pooled;
    restore();
    const w = new Pool('w0');
    const first = messages(w, (d) => d.cmd === 'loaded');
    w.postMessage({ cmd: 'load' });
    await first;
    expect(booted).toEqual([]);
    const ran = messages(w, (d) => d.cmd === 'ran');
    w.ref();
    w.postMessage({ cmd: 'run', arg: 42 });
    expect(booted).toEqual(['w0']);
    // The real worker got `load` before `run`; its own `loaded` is not passed on a second time.
    expect(await ran).toEqual([{ cmd: 'ran', arg: 42, loaded: true }]);
    w.unref();
    await w.terminate();
  });

  it('reports a worker that fails to boot on demand as an InterpError, not a hang', async () => {
    const restore = interceptPthreadWorkers(0, EventEmitter);
    global.Worker = ProtocolWorker;
    const w = new (global.Worker as new (url: string) => Pooled)('fail');
    restore();
    w.postMessage({ cmd: 'load' });
    const failed = messages(w, () => false);
    w.postMessage({ cmd: 'run' });
    const e = await failed.catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InterpError);
    expect((e as Error).message).toMatch(
      /a WASM pthread worker started on demand failed \(cannot load the module\); set lazyPthreadWorkers.enabled = false or use threads: 1/,
    );
    await w.terminate();
  });

  it('leaves globalThis.Worker alone when off, and as it was when nothing was assigned', () => {
    lazyPthreadWorkers.enabled = false;
    interceptPthreadWorkers(1, EventEmitter);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Worker')).toBeUndefined();
    lazyPthreadWorkers.enabled = true;
    interceptPthreadWorkers(1, EventEmitter)();
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Worker')).toBeUndefined();
  });

  it('rejects a bad worker count with an InterpError that says what to pass', () => {
    expect(() => interceptPthreadWorkers(-1, EventEmitter)).toThrow(InterpError);
    expect(() => interceptPthreadWorkers(1.5, EventEmitter)).toThrow(
      /realWorkers must be a whole number >= 0 \(threads - 1\), got 1.5; e.g. 1 for 2 threads/,
    );
  });
});

// tfjs-backend-wasm itself in a child process: its C++ sizes XNNPACK's pool from os.cpus(), so
// reporting more cores after prepareNodeWasmThreads(2) makes it start 3 pthreads where 1 worker
// was booted: 2 stand-ins must boot on demand, and the numbers must be the one-thread ones.
const threads = childBundle('wasm-threads-node.ts', 'threads');
const script = (pool: number) => `
import { createRequire } from 'node:module';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { prepareNodeWasmThreads } from './threads.js';
const workerThreads = createRequire(import.meta.url)('node:worker_threads');
let booted = 0;
workerThreads.Worker = class extends workerThreads.Worker {
  constructor(...args) { super(...args); booted++; }
};
const pool = ${pool};
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', pool > 1);
wasm.setThreadsCount(pool);
let restore = () => {};
if (pool > 1) {
  restore = prepareNodeWasmThreads(2);
  const cpus = os.cpus;
  os.cpus = () => Array.from({ length: 2 * pool }, () => cpus()[0]);
}
await tf.setBackend('wasm');
await tf.ready();
restore();
const rand = (n, seed) => { let s = seed; return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1); };
const before = tf.memory().numTensors;
const out = tf.tidy(() => {
  const a = tf.tensor2d(rand(128 * 256, 1), [128, 256]);
  const x = tf.tensor4d(rand(2 * 24 * 24 * 16, 3), [2, 24, 24, 16]);
  const w = tf.tensor4d(rand(3 * 3 * 16 * 32, 4), [3, 3, 16, 32]);
  return [tf.matMul(a, a, false, true), tf.conv2d(x, w, 1, 'same')].map((t) => Array.from(t.dataSync()));
});
const leaked = tf.memory().numTensors - before;
process.stdout.write(JSON.stringify({ threads: wasm.getThreadsCount(), booted, out, leaked }), () => process.exit(0));
`;

describe('prepareNodeWasmThreads(threads) with more pthreads than booted workers', () => {
  it('boots the missing workers on demand and gives the one-thread numbers', () => {
    const runs = [4, 1].map((pool) => {
      const r = threads.run(script(pool));
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout);
    });
    const [four, one] = runs;
    expect([four.threads, one.threads]).toEqual([4, 1]);
    // 1 booted at start-up (threads - 1 for 2 threads) and 2 on demand for XNNPACK's 3 pthreads.
    expect([four.booted, one.booted]).toEqual([3, 0]);
    expect(four.out).toEqual(one.out);
    expect([four.leaked, one.leaked]).toEqual([0, 0]);
  }, 120_000);
});
