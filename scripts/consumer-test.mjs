// Consumer test (issue 18): pack every public package, install the tarballs with npm into a fresh
// project outside the workspace, then use them as a user would: Node ESM imports of every export,
// a small checked example per package, the installed `interp` bin, strict tsc (node16 and bundler),
// and esbuild/Vite pages run in Chromium.
// Also the release checks: what each tarball ships (no tests, fixtures or their maps), one
// `engines` range across packages, and a changeset release plan.
// Usage: node scripts/consumer-test.mjs [--no-build] [--keep] [--no-demo]
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/consumer');
const keep = process.argv.includes('--keep');
const TFJS = '4.22.0';
const started = Date.now();
const secs = (t) => ((Date.now() - t) / 1000).toFixed(1);

function run(cmd, args, opts = {}) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`consumer test: \`${cmd} ${args.join(' ')}\` exited ${r.status}`);
  }
  return { ...r, secs: secs(t) };
}
const step = (name) => console.log(`\n== ${name} (${secs(started)} s)`);

// pnpm may be missing from PATH (e.g. called through turbo); fall back to the pinned version via npx.
const pnpmCmd =
  spawnSync('pnpm', ['--version']).status === 0 ? ['pnpm'] : ['npx', '--yes', 'pnpm@12.4.2'];
const pnpm = (args, opts) => run(pnpmCmd[0], [...pnpmCmd.slice(1), ...args], opts);

const publicDirs = [
  ...readdirSync(join(root, 'packages')).map((d) => `packages/${d}`),
  'apps/cli',
].filter((d) => {
  const f = join(root, d, 'package.json');
  return existsSync(f) && !JSON.parse(readFileSync(f, 'utf8')).private;
});
const manifests = Object.fromEntries(
  publicDirs.map((d) => {
    const m = JSON.parse(readFileSync(join(root, d, 'package.json'), 'utf8'));
    return [m.name, { dir: d, manifest: m }];
  }),
);

// Shipped files that only the repo's tests need: test sources and their compiled forms and maps,
// goldens, fixture folders.
const TEST_ONLY =
  /(^|\/)(__goldens__|__tests__|test-fixtures|fixtures)\/|\.test\.(ts|js|d\.ts)(\.map)?$|(^|\/)test-[^/]*\.(ts|js|d\.ts)(\.map)?$/;

step('release checks: engines and the changeset plan');
const rootEngines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
for (const [name, { manifest }] of Object.entries(manifests)) {
  if (manifest.engines?.node !== rootEngines) {
    throw new Error(
      `${name}: engines.node is ${JSON.stringify(manifest.engines?.node)}; every package states the root's ${rootEngines}`,
    );
  }
}
const lowest = Number(rootEngines.replace(/^>=\s*/, '').split('.')[0]);
if (Number(process.versions.node.split('.')[0]) < lowest) {
  throw new Error(`Node ${process.versions.node} is below engines ${rootEngines}`);
}
console.log(
  `engines.node ${rootEngines} in all ${publicDirs.length} packages (running Node ${process.versions.node})`,
);
{
  const planFile = join(tmpdir(), `interp-changeset-${process.pid}.json`);
  run(join(root, 'node_modules/.bin/changeset'), ['status', `--output=${planFile}`], { cwd: root });
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  rmSync(planFile, { force: true });
  const planned = plan.releases.filter((r) => r.type !== 'none' && manifests[r.name]);
  const missing = Object.keys(manifests).filter((n) => !planned.some((r) => r.name === n));
  if (missing.length > 0)
    throw new Error(`changeset status plans no release of ${missing.join(', ')}`);
  console.log(
    `changeset plan: ${planned.map((r) => `${r.name} ${r.oldVersion} -> ${r.newVersion}`).join(', ')}`,
  );
}

const work = mkdtempSync(join(tmpdir(), 'interp-consumer-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
mkdirSync(packs);
mkdirSync(app);
try {
  if (!process.argv.includes('--no-build')) {
    step('build (tsc of every public package, in dependency order via pnpm -r)');
    pnpm(['-r', ...publicDirs.flatMap((d) => ['--filter', `./${d}`]), 'run', 'build'], {
      cwd: root,
    });
  }

  step(`pnpm pack ${publicDirs.length} packages`);
  const packed = JSON.parse(
    pnpm(
      [
        '-r',
        ...publicDirs.flatMap((d) => ['--filter', `./${d}`]),
        'pack',
        '--pack-destination',
        packs,
        '--json',
      ],
      { cwd: root },
    ).stdout,
  );
  const tarballs = [];
  let packedBytes = 0;
  for (const p of [packed].flat()) {
    const size = statSync(p.filename).size;
    packedBytes += size;
    tarballs.push(p.filename);
    console.log(
      `${p.name.padEnd(24)} ${(size / 1024).toFixed(1).padStart(7)} kB packed, ${String(p.files.length).padStart(4)} files`,
    );
    const testOnly = p.files.filter((f) => TEST_ONLY.test(f.path)).map((f) => f.path);
    if (testOnly.length > 0) {
      throw new Error(
        `${p.name} packs test-only files (${testOnly.slice(0, 3).join(', ')}): fix its package.json "files"`,
      );
    }
  }

  console.log(`${'total'.padEnd(24)} ${(packedBytes / 1024).toFixed(1).padStart(7)} kB packed`);

  step('npm install the tarballs + tfjs peers into a fresh project');
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'interp-consumer', private: true, type: 'module' }, null, 2),
  );
  const install = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...tarballs,
      `@tensorflow/tfjs-core@${TFJS}`,
      `@tensorflow/tfjs-layers@${TFJS}`,
      `@tensorflow/tfjs-backend-cpu@${TFJS}`,
      `@tensorflow/tfjs-backend-wasm@${TFJS}`,
      `@tensorflow/tfjs-converter@${TFJS}`,
      // optional peers a Node user adds: a DOM for charts (as createDocument says), types for tsc
      'linkedom@0.18.15',
      '@types/node@20',
      'typescript@5.9.3',
    ],
    { cwd: app },
  );
  console.log(`install: ${install.secs} s`);

  step('Node ESM: import every export of every package');
  const entries = [];
  for (const [name, { manifest }] of Object.entries(manifests)) {
    for (const [sub, target] of Object.entries(manifest.exports ?? {})) {
      if (sub === './package.json' || typeof target !== 'object') continue;
      entries.push(sub === '.' ? name : `${name}/${sub.slice(2)}`);
    }
  }
  const importer = entries
    .map(
      (e, i) =>
        `const m${i} = await import(${JSON.stringify(e)});\nif (Object.keys(m${i}).length === 0 && ${JSON.stringify(e)} !== '@interp/data') throw new Error('${e} exports nothing');`,
    )
    .join('\n');
  writeFileSync(
    join(app, 'import-all.mjs'),
    `${importer}\nconsole.log('imported ${entries.length} entries: ${entries.join(', ')}');\n`,
  );
  console.log(run('node', ['import-all.mjs'], { cwd: app }).stdout.trim());

  step('Node ESM: one checked example per package');
  cpSync(join(fixtures, 'node-examples.mjs'), join(app, 'node-examples.mjs'));
  console.log(run('node', ['node-examples.mjs'], { cwd: app }).stdout.trim());

  step('CLI from node_modules/.bin/interp');
  const bin = join(app, 'node_modules/.bin/interp');
  const help = run(bin, ['--help'], { cwd: app });
  if (!/interp/.test(help.stdout)) throw new Error('interp --help printed no usage');
  console.log(`interp --help: ${help.stdout.split('\n').length} lines`);
  const cls = run(bin, ['classification'], { cwd: app, allowFail: true });
  const clsLines = cls.stderr.trim().split('\n').filter(Boolean);
  // Without its prediction file, the command must be a usage error: exit 2, one line on stderr, no stack.
  if (cls.status === 0)
    console.log(`interp classification: exit 0, ${cls.stdout.split('\n').length} lines`);
  else if (cls.status !== 2 || clsLines.length !== 1)
    throw new Error(`interp classification: exit ${cls.status}, stderr:\n${cls.stderr}`);
  else console.log(`interp classification (no input): exit 2, "${clsLines[0]}"`);

  // A real report: targets [0,1,1,2], predicted labels [0,1,2,2]; hand count as in node-examples.mjs.
  writeFileSync(join(app, 'preds.json'), '[0, 1, 2, 2]');
  writeFileSync(join(app, 'targs.json'), '[0, 1, 1, 2]');
  const report = JSON.parse(
    run(bin, ['classification', '--preds', 'preds.json', '--targs', 'targs.json', '--json'], {
      cwd: app,
    }).stdout,
  );
  if (
    JSON.stringify(report.confusionMatrix) !== '[[1,0,0],[0,1,1],[0,0,1]]' ||
    report.report.accuracy !== 0.75
  ) {
    throw new Error(
      `interp classification: unexpected report ${JSON.stringify(report).slice(0, 300)}`,
    );
  }
  console.log(
    'interp classification --preds --targs --json: confusion matrix and accuracy 3/4 as counted by hand',
  );
  // `npx interp demo` as a user runs it: the installed tarball CLI with its tarball deps (trains on
  // MNIST from @interp/example-data and writes the report); --no-demo checks only its --help.
  const demoHelp = run('npx', ['--no', 'interp', 'demo', '--help'], { cwd: app });
  if (!/--n-train/.test(demoHelp.stdout)) throw new Error('interp demo --help printed no usage');
  if (!process.argv.includes('--no-demo')) {
    step('npx interp demo');
    const demo = run(
      'npx',
      ['--no', 'interp', 'demo', '--epochs', '1', '--n-train', '200', '--out', 'demo-out'],
      { cwd: app },
    );
    if (!existsSync(join(app, 'demo-out/report.html')))
      throw new Error('interp demo wrote no report.html');
    console.log(`npx interp demo --epochs 1 --n-train 200: report.html written (${demo.secs} s)`);
  }

  for (const step_ of ['typescript', 'browser']) {
    const f = join(fixtures, `${step_}.mjs`);
    if (!existsSync(f)) continue;
    step(step_);
    const mod = await import(f);
    await mod.default({ app, root, fixtures, run, entries });
  }
  console.log(`\nconsumer test passed in ${secs(started)} s (install ${install.secs} s)`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
