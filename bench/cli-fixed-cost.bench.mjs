// The fixed cost of one `interp attribute` process on ResNet-18 (issues 13 and 15): whole
// processes of gradcam, saliency and IG, the CLI bundled as at the start-of-stop commit (base)
// against the CLI bundled from the working tree (ours), the built CLI (dist: what `interp` runs,
// bundled by apps/cli/scripts/bundle-cli.mjs) and, with BENCH_ARMS=...,unbundled, the built CLI
// without that bundle (dist/main.js: its modules and the packages' loaded file by file),
// interleaved (the arms' order rotates each round), median of the rounds, with each process's phases from bench/cli-phase-probe.mjs:
//   a modules loaded, b backend ready, c model decoded, d first forward done, e method's work
//   done, f output written (ms since the process started; see the probe for their definitions)
// and /usr/bin/time's user + sys CPU, max RSS and minor page faults. Checks that every arm
// prints the same stdout. `uptime` load printed before and after.
//
//   node bench/cli-fixed-cost.bench.mjs
//   BENCH_ROUNDS=5 BENCH_METHODS=gradcam,saliency,ig BENCH_THREADS=2 BENCH_BASE=13d86c7
//   BENCH_ARMS=base,ours,dist[,unbundled] BENCH_MODEL=/tmp/interp-e2e-ig/resnet18.onnx
//   BENCH_INPUT=/tmp/interp-e2e-ig/x.npy (bench/e2e-ig.bench.mjs writes both)
//
// The base bundle takes every source file changed since BENCH_BASE as it was then (the other
// engineers' work too: a start-of-stop build), the ours bundle the working tree; both keep tfjs
// and onnxruntime external, so they load tfjs alike.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesAtCommit, loadEsbuild, SOURCE_BUNDLE } from './bundle-at.mjs';
import { writeResults } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const rounds = Number(env.BENCH_ROUNDS ?? 5);
const methods = (env.BENCH_METHODS ?? 'gradcam,saliency,ig').split(',');
const threads = env.BENCH_THREADS ?? '2';
const base = env.BENCH_BASE ?? '13d86c7';
const arms = (env.BENCH_ARMS ?? 'base,ours,dist').split(',');
const model = env.BENCH_MODEL ?? '/tmp/interp-e2e-ig/resnet18.onnx';
const input = env.BENCH_INPUT ?? '/tmp/interp-e2e-ig/x.npy';
const probe = join(root, 'bench', 'cli-phase-probe.mjs');
const PHASES = ['a', 'b', 'c', 'd', 'e', 'f'];

for (const file of [model, input]) {
  if (!existsSync(file))
    throw new Error(`${file} is missing: node bench/e2e-ig.bench.mjs writes it`);
}

/** The .npy's shape, for the probe's "model decoded" phase (the first kernel reading the input). */
function npyShape(file) {
  const bytes = readFileSync(file);
  const header = bytes.subarray(10, 10 + bytes.readUInt16LE(8)).toString('latin1');
  return /'shape':\s*\(([^)]*)\)/
    .exec(header)[1]
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
}

/** Source files (packages', apps') changed since `commit` that existed then. */
function changedSince(commit) {
  const out = execFileSync(
    'git',
    ['-C', root, 'diff', '--name-only', commit, '--', 'packages', 'apps'],
    {
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.test\.ts$/.test(f))
    .filter((f) => {
      try {
        execFileSync('git', ['-C', root, 'cat-file', '-e', `${commit}:${f}`], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
}

async function bundle(name, commit) {
  const { build } = await loadEsbuild(root);
  const files = commit ? changedSince(commit) : [];
  const outfile = join(root, 'apps', 'cli', 'node_modules', '.cache', `${name}.mjs`);
  await build({
    entryPoints: [join(root, 'apps', 'cli', 'src', 'bin.ts')],
    ...SOURCE_BUNDLE,
    outfile,
    plugins: [filesAtCommit(root, commit, files)],
  });
  return { outfile, files: files.length };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.floor(s.length / 2)];
};

const bins = {};
if (arms.includes('base')) {
  const b = await bundle('fixed-cost-base', base);
  bins.base = b.outfile;
  console.log(`base: ${base} (${b.files} changed files as they were)`);
}
if (arms.includes('ours')) bins.ours = (await bundle('fixed-cost-ours')).outfile;
if (arms.includes('dist')) bins.dist = join(root, 'apps', 'cli', 'dist', 'bin.js');
if (arms.includes('unbundled')) {
  // The built CLI without its bundle: dist/main.js and the packages' dist modules, file by file.
  bins.unbundled = join(root, 'apps', 'cli', 'node_modules', '.cache', 'fixed-cost-unbundled.mjs');
  writeFileSync(
    bins.unbundled,
    `import { main } from ${JSON.stringify(join(root, 'apps', 'cli', 'dist', 'main.js'))};\n` +
      'const code = await main(process.argv.slice(2));\n' +
      "process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));\n",
  );
}

/** Why dist/bin.js would not run its bundle (a package rebuilt since: it then runs unbundled). */
function staleBundle() {
  const dist = join(root, 'apps', 'cli', 'dist');
  try {
    const made = statSync(join(dist, 'bundle.mjs')).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(dist, 'bundle-inputs.json'), 'utf8'));
    const newer = inputs.filter(
      (f) => (statSync(resolve(dist, f), { throwIfNoEntry: false })?.mtimeMs ?? 0) > made,
    );
    return newer.length === 0 ? undefined : `${newer.join(', ')} newer than dist/bundle.mjs`;
  } catch (e) {
    return `no bundle (${e.message})`;
  }
}
const checkDist = (when) => {
  const why = arms.includes('dist') ? staleBundle() : undefined;
  if (why)
    console.log(`warning (${when}): the dist arm runs unbundled: ${why}; rebuild @interp/cli`);
};
checkDist('start');

const shape = npyShape(input).join(',');
function runOnce(arm, method) {
  const argv = ['attribute', '--model', model, '--input', input, '--method', method, '--json'];
  argv.push('--threads', threads);
  if (method === 'ig') argv.push('--n-steps', '50');
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'TIME %e %U %S %M %R', process.execPath, '--import', probe, bins[arm], ...argv],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env: { ...env, PHASE_INPUT_SHAPE: shape },
    },
  );
  if (r.status !== 0) throw new Error(`${arm} ${method} exited ${r.status}: ${r.stderr}`);
  const phases = JSON.parse(/interp-phases (\{.*\})/.exec(r.stderr)[1]);
  const [wall, user, sys, rssKb, minor] = /TIME (\S+) (\S+) (\S+) (\S+) (\S+)/
    .exec(r.stderr)
    .slice(1)
    .map(Number);
  return {
    wall: wall * 1000,
    cpu: (user + sys) * 1000,
    rssMb: rssKb / 1024,
    minor,
    phases,
    stdout: r.stdout,
  };
}

const loadBefore = load();
console.log(
  `load ${loadBefore}; ${rounds} rounds x ${methods.join(', ')} x ${arms.join(', ')}, --threads ${threads}, ${model}, ${input} [${shape}]`,
);
const runs = {};
for (let round = 0; round < rounds; round++) {
  for (const method of methods) {
    const order = arms.map((_, i) => arms[(i + round) % arms.length]);
    for (const arm of order) {
      const r = runOnce(arm, method);
      ((runs[method] ??= {})[arm] ??= []).push(r);
      console.log(
        `  round ${round + 1} ${method.padEnd(8)} ${arm.padEnd(4)} ${r.wall.toFixed(0).padStart(6)} ms  ` +
          PHASES.map((p) => `${p} ${r.phases[p] === null ? '-' : r.phases[p].toFixed(0)}`).join(
            ' ',
          ) +
          `  load ${load()}`,
      );
    }
  }
}

checkDist('end');
const records = [];
console.log(
  `\nmedians (ms since process start for the phases); load before ${loadBefore}, after ${load()}`,
);
for (const method of methods) {
  const stdout = arms.map((arm) => runs[method][arm][0].stdout);
  const same = stdout.every((s) => s === stdout[0]);
  // Arms printing the same text, and how far each arm's attributions are from the first arm's.
  const groups = [...new Set(stdout)].map((text) =>
    arms.filter((_, i) => stdout[i] === text).join('='),
  );
  const flat = (text) => JSON.parse(text).attributions.flat(Number.POSITIVE_INFINITY);
  const first = flat(stdout[0]);
  const scale = first.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const diffs = arms.map((_, i) => {
    const other = flat(stdout[i]);
    return other.reduce((m, v, k) => Math.max(m, Math.abs(v - first[k])), 0) / scale;
  });
  const byArm = {};
  for (const arm of arms) {
    const rs = runs[method][arm];
    byArm[arm] = {
      wall: median(rs.map((r) => r.wall)),
      cpu: median(rs.map((r) => r.cpu)),
      rssMb: median(rs.map((r) => r.rssMb)),
      minor: median(rs.map((r) => r.minor)),
      phases: Object.fromEntries(PHASES.map((p) => [p, median(rs.map((r) => r.phases[p]))])),
      walls: rs.map((r) => Math.round(r.wall)),
    };
  }
  console.log(
    `\n${method}: same stdout in every arm: ${same ? 'yes' : `NO (${groups.join(' | ')}; max |attr - ${arms[0]}'s| / max |${arms[0]}'s|: ${arms.map((a, i) => `${a} ${diffs[i].toExponential(1)}`).join(', ')})`}`,
  );
  console.log(
    `  arm   wall ms  ratio   cpu ms  RSS MB  minor faults | ${PHASES.join('      ')}  | a  a->b  b->c  c->d  d->e  e->f`,
  );
  for (const arm of arms) {
    const m = byArm[arm];
    const ratio = arms.includes('base') ? (m.wall / byArm.base.wall).toFixed(3) : '-';
    const ph = PHASES.map((p) => (m.phases[p] === null ? '-' : m.phases[p].toFixed(0)).padStart(6));
    const spans = PHASES.map((p, i) =>
      m.phases[p] === null || (i > 0 && m.phases[PHASES[i - 1]] === null)
        ? '-'
        : (i === 0 ? m.phases[p] : m.phases[p] - m.phases[PHASES[i - 1]]).toFixed(0),
    );
    console.log(
      `  ${arm.padEnd(4)} ${m.wall.toFixed(0).padStart(8)} ${ratio.padStart(6)} ${m.cpu.toFixed(0).padStart(8)} ${m.rssMb.toFixed(0).padStart(7)} ${String(m.minor).padStart(13)} |${ph.join('')} | ${spans.join('  ')}`,
    );
  }
  records.push({ method, threads, sameStdout: same, stdoutGroups: groups, arms: byArm });
}
const file = writeResults('cli-fixed-cost', records, {
  base,
  rounds,
  model,
  input,
  load: { before: loadBefore, after: load() },
});
console.log(`\nwrote ${file}`);
