// The API reference: TypeDoc over each package's public entry, converted before the guides are
// rendered (the guides link their code spans to its pages and the search indexes its symbols),
// written after Vite has built the site (Vite empties the output folder).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { API_PACKAGES } from './pages.mjs';

const GUIDES_HREF = 'interp-guides:index.html';

/** TypeDoc's output folder per reflection kind (its default router). */
const KIND_FOLDERS = {
  Class: 'classes',
  Interface: 'interfaces',
  Function: 'functions',
  TypeAlias: 'types',
  Variable: 'variables',
  Enum: 'enums',
};

/**
 * Converts the packages' TSDoc. Returns the TypeDoc application and project (for `writeApi`),
 * `symbols` (exported name -> page under the site root, first package wins) and `entries` (one
 * search document per symbol).
 */
export async function convertApi({ repoDir, workDir }) {
  const td = await import('typedoc');
  const entryDir = join(workDir, 'api-entries');
  mkdirSync(entryDir, { recursive: true });
  // Each entry re-exports a package by name, resolved to its sources through the 'source' export
  // condition, so the reference carries the package names and the TSDoc of the sources.
  const entries = API_PACKAGES.map((name) => {
    const pkg = JSON.parse(readFileSync(join(repoDir, 'packages', name, 'package.json'), 'utf8'));
    const file = join(entryDir, `${name}.ts`);
    writeFileSync(
      file,
      `/**\n * ${pkg.description}\n *\n * Install: \`npm install ${pkg.name}\`\n *\n * @module ${pkg.name}\n */\nexport * from '${pkg.name}';\n`,
    );
    return file;
  });
  const tsconfig = join(entryDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(repoDir, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, customConditions: ['source'], types: ['node'] },
      files: entries,
    }),
  );
  const app = await td.Application.bootstrapWithPlugins({
    entryPoints: entries,
    tsconfig,
    name: 'interp API reference',
    readme: 'none',
    disableSources: true,
    skipErrorChecking: true,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    hideGenerator: true,
    customCss: join(repoDir, 'apps', 'docs', 'src', 'typedoc-extra.css'),
    logLevel: 'Error',
    // The way back to the guides, in the toolbar of every page (TypeDoc writes the href as given:
    // writeApi makes it relative to each page's folder).
    navigationLinks: { Guides: GUIDES_HREF },
    validation: { notExported: false, invalidLink: false, notDocumented: false },
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the packages');
  const symbols = new Map();
  const docs = [];
  for (const mod of project.children ?? []) {
    const prefix = mod.name.replace(/[^a-z0-9]/gi, '_');
    for (const r of mod.children ?? []) {
      const folder = KIND_FOLDERS[td.ReflectionKind[r.kind]];
      if (!folder) continue;
      const url = `api/${folder}/${prefix}.${r.name}.html`;
      if (!symbols.has(r.name)) symbols.set(r.name, url);
      const comment = r.comment ?? r.signatures?.[0]?.comment;
      docs.push({
        title: r.name,
        section: `${mod.name} · ${td.ReflectionKind[r.kind]}`,
        text: (comment?.summary ?? []).map((p) => p.text).join(''),
        url,
        kind: 'api',
      });
    }
  }
  return { app, project, symbols, docs };
}

/** Writes the reference into `outDir` and checks every page the guides link to exists. */
export async function writeApi({ app, project, symbols }, outDir) {
  const apiDir = join(outDir, 'api');
  await app.generateDocs(project, apiDir);
  for (const file of readdirSync(apiDir, { recursive: true })) {
    if (!file.endsWith('.html')) continue;
    const path = join(apiDir, file);
    const up = '../'.repeat(file.split(sep).length);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(GUIDES_HREF, `${up}index.html`));
  }
  const missing = [...symbols.values()].filter((url) => !existsSync(join(outDir, url)));
  if (missing.length) {
    throw new Error(`API pages missing (TypeDoc's file names changed?): ${missing.slice(0, 5)}`);
  }
}
