// Strict `tsc --noEmit` of usage.ts in the consumer project, with moduleResolution node16 and bundler.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const strict = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: ['node'],
};
const variants = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

export default async function typescript({ app, fixtures, run }) {
  copyFileSync(join(fixtures, 'usage.ts'), join(app, 'usage.ts'));
  for (const [name, resolution] of Object.entries(variants)) {
    const config = `tsconfig.${name}.json`;
    writeFileSync(
      join(app, config),
      JSON.stringify(
        { compilerOptions: { ...strict, ...resolution }, files: ['usage.ts'] },
        null,
        2,
      ),
    );
    const r = run(join(app, 'node_modules/.bin/tsc'), ['-p', config], {
      cwd: app,
      allowFail: true,
    });
    // skipLibCheck is off so our own .d.ts files are checked too; errors inside third-party
    // declarations (Plot's under exactOptionalPropertyTypes, d3 without @types) are not ours to fix.
    const errors = r.stdout.split('\n').filter((l) => /^[^\s].*error TS\d+/.test(l));
    const ours = errors.filter(
      (l) => l.startsWith('usage.ts') || l.startsWith('node_modules/@interp/'),
    );
    if (ours.length > 0 || (r.status !== 0 && errors.length === 0)) {
      throw new Error(`strict tsc (${name}) failed:\n${ours.join('\n') || r.stdout + r.stderr}`);
    }
    console.log(
      `tsc --strict, moduleResolution ${name}: no errors in usage.ts or @interp/* (${errors.length} in third-party .d.ts) (${r.secs} s)`,
    );
  }
}
