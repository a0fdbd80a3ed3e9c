// Per-kernel totals of one call (tf.profile), for the profile scripts: which kernels a forward
// or gradient pass spends its time in. PROFILE_CALLS=<kernel> also lists that kernel's calls;
// PROFILE_SHAPES=1 keys the totals on the kernel and its first input's shape (which layer it is).

/** One line: total kernel ms and calls, then the `rows` costliest kernels as `name ms/calls`. */
export async function kernelTable(tf, fn, rows = Number(process.env.PROFILE_ROWS ?? 12)) {
  const info = await tf.profile(async () => tf.dispose(await fn()));
  const byShape = process.env.PROFILE_SHAPES === '1';
  const by = new Map();
  for (const k of info.kernels) {
    // tf.profile lists a fused op (fusedConv2d__op) besides its kernel (FusedConv2D): count the kernel.
    if (k.name.endsWith('__op')) continue;
    const key = byShape ? `${k.name}[${k.inputShapes[0]?.join('x') ?? ''}]` : k.name;
    const e = by.get(key) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs;
    e.calls++;
    by.set(key, e);
    if (k.name === process.env.PROFILE_CALLS) {
      console.log(`    ${k.name} ${k.kernelTimeMs.toFixed(1)} ms ${JSON.stringify(k.inputShapes)}`);
    }
  }
  const top = [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, rows);
  const total = [...by.values()].reduce((a, e) => a + e.ms, 0);
  const calls = [...by.values()].reduce((a, e) => a + e.calls, 0);
  return `kernels ${total.toFixed(0)} ms / ${calls} calls: ${top.map(([n, e]) => `${n} ${e.ms.toFixed(1)}/${e.calls}`).join(', ')}`;
}
